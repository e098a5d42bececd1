import { ParseUUIDPipe } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';

/** 404 with a resource's own code: another tenant's id, a malformed id and an unknown id all look the same. */
export const notFound = (resource: string) =>
  new TributaryError('not_found', `${resource}_not_found`, `No such ${resource.replace(/_/g, ' ')}`);

/** A path id that is not a UUID cannot name anything: answered like an unknown one. */
export const idPipe = (resource: string) => new ParseUUIDPipe({ exceptionFactory: () => notFound(resource) });

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
