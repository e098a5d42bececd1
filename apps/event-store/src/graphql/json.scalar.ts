import { jsonScalar } from '@tributary/edge';

/** A JSON object (event data and metadata, build configuration). */
export const JsonObjectScalar = jsonScalar({
  name: 'EventStoreJSON',
  description: 'A JSON object (event data and metadata, build configuration)',
  objectOnly: true,
});
