import fc from 'fast-check';
import { fuzzJson, fuzzNumber, fuzzString } from './fuzz-arbitraries.js';

/** The parts of an OpenAPI 3 document the fuzzer reads (what @nestjs/swagger writes). */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly nullable?: boolean;
  readonly example?: unknown;
  readonly default?: unknown;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { parameters?: OpenApiParameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> }; security?: object[] }>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

/** One operation of a document: its method, its path template (`/v1/apps/{appId}`), what it takes. */
export interface OpenApiOperation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly OpenApiParameter[];
  readonly body?: JsonSchema;
  /** It wants a bearer key. */
  readonly secured: boolean;
}

export function openApiOperations(document: OpenApiDocument): OpenApiOperation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: operation.requestBody ? Object.values(operation.requestBody.content)[0]?.schema : undefined,
      secured: Boolean(operation.security?.some((s) => 'bearer' in s)),
    })),
  );
}

/** What to send for a property or parameter of this name instead of what its schema says (ids of existing rows, cursors), if anything. */
export type FuzzHints = (name: string) => fc.Arbitrary<unknown> | undefined;

const edgeIntegers = (min?: number, max?: number): number[] =>
  [min, max, min === undefined ? undefined : min - 1, max === undefined ? undefined : max + 1].filter((n): n is number => n !== undefined);

/**
 * Values shaped like `schema`: mostly valid (so that requests get past validation to the code
 * behind it), at and just past every limit the schema states, and now and then of the wrong type
 * altogether (any JSON) — at any depth.
 */
export function schemaArbitrary(document: OpenApiDocument, schema: JsonSchema, hints: FuzzHints = () => undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(document, schema);
  const shaped = shapedArbitrary(document, resolved, hints, name, depth);
  const hinted = name ? hints(name) : undefined;
  return fc.oneof(
    { weight: 12, arbitrary: hinted ?? shaped },
    { weight: resolved.nullable ? 1 : 0, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: depth > 2 ? fuzzString : fuzzJson },
  );
}

function resolve(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let i = 0; current.$ref && i < 10; i++) current = document.components?.schemas?.[current.$ref.replace('#/components/schemas/', '')] ?? {};
  return current;
}

function shapedArbitrary(document: OpenApiDocument, schema: JsonSchema, hints: FuzzHints, name: string, depth: number): fc.Arbitrary<unknown> {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => schemaArbitrary(document, b, hints, name, depth)));
  if (schema.allOf?.length) return schemaArbitrary(document, schema.allOf[0]!, hints, name, depth);
  if (schema.enum?.length) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: fuzzString });
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? Math.max(min, 1_000);
      return fc.oneof(
        { weight: 4, arbitrary: schema.type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) }) : fc.double({ min, max, noNaN: true }) },
        { weight: 2, arbitrary: fc.constantFrom(...edgeIntegers(schema.minimum, schema.maximum), 0, -1, 1.5) },
        { weight: 1, arbitrary: fuzzNumber },
      );
    }
    case 'boolean':
      return fc.oneof({ weight: 5, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 0, 1, 'false') });
    case 'array': {
      const items = schemaArbitrary(document, schema.items ?? {}, hints, name, depth + 1);
      const maxLength = Math.min(schema.maxItems ?? 5, 5);
      return fc.oneof(
        { weight: 5, arbitrary: fc.array(items, { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength }) },
        { weight: 1, arbitrary: fc.constantFrom(0, schema.maxItems ?? 1_000, (schema.maxItems ?? 1_000) + 1).chain((n) => items.map((item) => Array.from({ length: n }, () => item))) },
      );
    }
    case 'object':
    case undefined: {
      if (!schema.properties) return depth > 2 ? fc.dictionary(fuzzString, fuzzString, { maxKeys: 3 }) : fc.dictionary(fuzzString, fuzzJson, { maxKeys: 4 });
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties).map(([key, property]) => {
        const value = schemaArbitrary(document, property, hints, key, depth + 1);
        // A required field is nearly always there, an optional one half the time.
        return fc.option(value.map((v) => [key, v] as const), { freq: required.has(key) ? 20 : 2, nil: undefined });
      });
      const extra = fc.option(fc.tuple(fc.oneof(fuzzString, fc.constantFrom('__proto__', 'constructor', 'tenantId', 'id')), fuzzJson), { freq: 5, nil: undefined });
      return fc.tuple(fc.tuple(...fields), extra).map(([entries, more]) => {
        const object: Record<string, unknown> = {};
        for (const entry of [...entries, more]) if (entry) Object.defineProperty(object, entry[0], { value: entry[1], enumerable: true, configurable: true, writable: true });
        return object;
      });
    }
    default:
      return fuzzJson;
  }
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const options: fc.WeightedArbitrary<string>[] = [{ weight: 3, arbitrary: fuzzString }];
  if (schema.format === 'uuid') options.push({ weight: 6, arbitrary: fc.uuid() });
  if (schema.format === 'date-time') {
    options.push({ weight: 6, arbitrary: fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()) });
  }
  if (schema.pattern) options.push({ weight: 6, arbitrary: fc.stringMatching(new RegExp(schema.pattern)) });
  if (typeof schema.example === 'string') options.push({ weight: 3, arbitrary: fc.constant(schema.example) });
  if (schema.maxLength !== undefined) {
    const max = schema.maxLength;
    options.push({ weight: 1, arbitrary: fc.constantFrom(max, max + 1).chain((n) => fc.constantFrom('a', 'é', '\u{1f4a5}').map((c) => c.repeat(n))) });
  }
  options.push({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) });
  return fc.oneof(...options);
}
