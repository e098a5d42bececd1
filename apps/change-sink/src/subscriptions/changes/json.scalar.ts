import { jsonScalar } from '@tributary/edge';

/** Any JSON value: a changed row's columns. */
export const JsonScalar = jsonScalar({ name: 'ChangeData', description: 'Any JSON value (a row: column name → value)' });
