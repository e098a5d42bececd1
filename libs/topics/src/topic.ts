import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { containsNul, listedFields, listProblems, readable, TributaryError, UNREADABLE } from '@tributary/domain';

export type PayloadClass<T> = new () => T;

/** One topic: its name (the only place the string is written), version, payload class and partition key. */
export interface TopicDefinition<T extends object = object> {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly payload: PayloadClass<T>;
  /** The entity id events are ordered by; the transport prefixes it with the tenant id. */
  key(payload: T): string;
  /**
   * A third party's own payload (a carrier's webhook): fields the class does not declare are kept
   * rather than rejected, since the sender adds fields without asking. Declared fields still validate.
   */
  readonly open?: boolean;
}

export function defineTopic<T extends object>(definition: TopicDefinition<T>): TopicDefinition<T> {
  return Object.freeze(definition);
}

export type PayloadOf<D> = D extends TopicDefinition<infer T> ? T : never;

/**
 * Validates untrusted data against a topic's payload class and returns a typed instance.
 * Unknown properties are rejected so a typo in a producer shows up instead of being dropped.
 */
export function parsePayload<T extends object>(topic: TopicDefinition<T>, data: unknown): T {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TributaryError('invalid', 'payload_invalid', `${topic.name} payload must be a JSON object`);
  }
  if (containsNul(data)) throw new TributaryError('invalid', 'payload_invalid', `${topic.name} payload contains a NUL character (U+0000) or an unpaired surrogate`);
  const instance = readable(() => plainToInstance(topic.payload, data), () => new TributaryError('invalid', 'payload_invalid', `${topic.name} payload ${UNREADABLE}`));
  const errors = validateSync(instance, topic.open ? {} : { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new TributaryError('invalid', 'payload_invalid', `${topic.name} payload is invalid: ${describe(errors)}`, {
      fields: listedFields(errors.map((e) => e.property)),
    });
  }
  return instance;
}

function describe(errors: ValidationError[]): string {
  return listProblems(errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` })));
}
