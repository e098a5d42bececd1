import { jsonScalar } from '@tributary/edge';

/** A JSON object (an app's configuration), passed and returned as is. */
export const JSONObjectScalar = jsonScalar({ name: 'JSONObject', description: 'A JSON object', objectOnly: true });
