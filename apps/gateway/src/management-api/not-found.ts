import { isUuid, TributaryError, type ErrorCodePrefix } from '@tributary/domain';

/** 404 with a resource's own code: another tenant's id, a malformed id and an unknown id all look the same. */
export const notFound = (resource: ErrorCodePrefix<'_not_found'>) =>
  new TributaryError('not_found', `${resource}_not_found`, `No such ${resource.replace(/_/g, ' ')}`);

/** A path id that is not a UUID cannot name anything: answered like an unknown one (and never reaches a uuid column). */
export function requireId(resource: ErrorCodePrefix<'_not_found'>, id: string): string {
  if (!isUuid(id)) throw notFound(resource);
  return id;
}
