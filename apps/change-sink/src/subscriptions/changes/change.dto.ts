import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from './json.scalar.js';

@ObjectType('TableChange', { description: 'A row change (or a published change), as socket.io clients receive it under `changes`' })
export class Change {
  @Field(() => ID, { description: 'The change id: where it stands in commit order; pass it as `after` to resume after it' })
  id: string;

  @Field({ description: 'The table: `users` for public (and MySQL) tables, `schema.table` otherwise; for a published change, its `table`' })
  table: string;

  @Field({ description: 'insert, update or delete' })
  type: string;

  @Field(() => JsonScalar, { description: 'The row after the change (before it, for a delete), without the FILTERS columns' })
  data: Record<string, unknown>;

  @Field({ description: '`database` for captured changes; the publisher\'s source (or DEFAULT_SOURCE) for published ones' })
  source: string;

  @Field({ description: 'postgres, mysql or api' })
  sourceType: string;

  @Field(() => Float, { description: 'When it happened, in milliseconds since the epoch' })
  timestamp: number;

  @Field(() => Int, { description: 'The change format version (1)' })
  version: number;
}
