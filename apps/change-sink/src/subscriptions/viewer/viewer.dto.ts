import { Field, ID, ObjectType } from '@nestjs/graphql';

/** GraphQL's `Viewer` (named apart from the connection's Viewer, auth/viewer.ts). */
@ObjectType('Viewer', { description: 'Who the caller is, as established by its API key or token' })
export class ViewerView {
  @Field(() => ID, { nullable: true, description: "The caller's tenant (null for the operator database's own users without TENANT_COLUMN)" })
  tenantId: string | null;

  @Field(() => ID, { nullable: true, description: 'The user id, for a user token (null for a platform API key)' })
  userId: string | null;
}
