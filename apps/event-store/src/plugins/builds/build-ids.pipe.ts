import { ParseUUIDPipe } from '@nestjs/common';
import { isUuid, TributaryError } from '@tributary/domain';

/** The most ids a list of builds or projects answers with (probo-db's limit). */
export const MAX_IDS = 10_000;

/** probo-db validated ids as UUIDs before anything else; so do we, with a coded 400. */
export const uuidOf = (what: 'build' | 'project') =>
  new ParseUUIDPipe({ exceptionFactory: () => new TributaryError('invalid', `${what}_id_invalid`, `The ${what} id must be a UUID`) });

/** The same check on a GraphQL argument. */
export function uuidArg(what: 'build' | 'project', value: string): string {
  if (!isUuid(value)) throw new TributaryError('invalid', `${what}_id_invalid`, `The ${what} id must be a UUID`);
  return value;
}
