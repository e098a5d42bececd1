/**
 * A JSON answer (or a parsed YAML document) as the tests read it. Assertions read such documents field by field and
 * compare them with `toEqual`/`toMatchObject`: a field that is missing or of another kind fails the case when it
 * runs, which is the check. Declaring the shape of every answer of every route would add casts, not safety.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one loosely typed value of the tests, see above
export type Json = any;
