import type { TributaryError } from './tributary-error.js';

/** Why class-transformer may fail on untrusted JSON: its type guess for a nested object reads the object's own `constructor` key. */
export const UNREADABLE = 'could not be read: an object in it has a key named "constructor"';

/**
 * Runs a class-transformer conversion of untrusted input (`plainToInstance`), which throws a
 * TypeError on some shapes — an object nested in it with its own `constructor` key — instead of
 * converting: the input's fault, refused with `refusal()` rather than failing as a 500.
 */
export function readable<T>(convert: () => T, refusal: () => TributaryError): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof TypeError) throw refusal();
    throw error;
  }
}
