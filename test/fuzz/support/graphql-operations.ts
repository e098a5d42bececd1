import fc from 'fast-check';
import { fuzzJson, fuzzNumber, fuzzString, nestedJsonText, type FuzzHints } from '@tributary/testing';

interface TypeRef {
  readonly kind: string;
  readonly name: string | null;
  readonly ofType: TypeRef | null;
}
interface InputValue {
  readonly name: string;
  readonly type: TypeRef;
}
interface Field {
  readonly name: string;
  readonly args: InputValue[];
  readonly type: TypeRef;
}
interface FullType {
  readonly kind: string;
  readonly name: string;
  readonly fields: Field[] | null;
  readonly inputFields: InputValue[] | null;
  readonly enumValues: { name: string }[] | null;
}
export interface IntrospectedSchema {
  readonly queryType: { name: string } | null;
  readonly mutationType: { name: string } | null;
  readonly subscriptionType: { name: string } | null;
  readonly types: FullType[];
}

const REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
export const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { kind name fields { name args { name type { ${REF} } } type { ${REF} } } inputFields { name type { ${REF} } } enumValues { name } } } }`;

/** A GraphQL request: its document, its variables, and whether it may write. */
export interface GraphqlOperation {
  readonly query: string;
  readonly variables?: unknown;
  readonly operationName?: string;
  readonly mutation: boolean;
  readonly field: string;
}

const typeString = (t: TypeRef): string => (t.kind === 'NON_NULL' ? `${typeString(t.ofType!)}!` : t.kind === 'LIST' ? `[${typeString(t.ofType!)}]` : t.name!);
const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);

/**
 * Operations of an endpoint built from its introspected schema: each root field with its arguments
 * as variables — values of their types, their ids and names from the world, and now and then the
 * wrong type or null — and a selection of its scalar fields.
 */
export function graphqlOperations(schema: IntrospectedSchema, hints: FuzzHints, roots: ('query' | 'mutation' | 'subscription')[] = ['query', 'mutation']): fc.Arbitrary<GraphqlOperation> {
  const types = new Map(schema.types.map((t) => [t.name, t]));
  const value = (type: TypeRef, name: string, depth: number): fc.Arbitrary<unknown> => {
    if (type.kind === 'NON_NULL') return fc.oneof({ weight: 12, arbitrary: value(type.ofType!, name, depth) }, { weight: 1, arbitrary: fc.constant(null) });
    if (type.kind === 'LIST') return fc.oneof({ weight: 5, arbitrary: fc.array(value(type.ofType!, name, depth + 1), { maxLength: 3 }) }, { weight: 1, arbitrary: value(type.ofType!, name, depth + 1) });
    const hinted = hints(name);
    const full = types.get(type.name!);
    const wrong = { weight: 1, arbitrary: depth > 2 ? fuzzString : fuzzJson };
    if (full?.kind === 'ENUM') return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(full.enumValues ?? []).map((e) => e.name)) }, wrong);
    if (full?.kind === 'INPUT_OBJECT') {
      if (depth > 3) return fc.constant({});
      const fields = (full.inputFields ?? []).map((f) => fc.option(value(f.type, f.name, depth + 1).map((v) => [f.name, v] as const), { freq: f.type.kind === 'NON_NULL' ? 20 : 2, nil: undefined }));
      return fc.oneof({ weight: 8, arbitrary: fc.tuple(...fields).map((entries) => Object.fromEntries(entries.filter((e) => e !== undefined))) }, wrong);
    }
    const scalar: Record<string, fc.Arbitrary<unknown>> = {
      ID: fc.oneof(fc.uuid(), fuzzString),
      String: fuzzString,
      Int: fc.oneof(fc.integer({ min: -2, max: 1_001 }), fuzzNumber),
      Float: fuzzNumber,
      Boolean: fc.boolean(),
      DateTime: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fuzzString),
    };
    return fc.oneof({ weight: 8, arbitrary: hinted ?? scalar[type.name!] ?? fuzzJson }, wrong);
  };
  const selection = (type: TypeRef, depth: number): string => {
    const full = types.get(named(type).name!);
    if (!full?.fields) return full?.kind === 'UNION' || full?.kind === 'INTERFACE' ? '{ __typename }' : '';
    const leaves = full.fields.filter((f) => f.args.every((a) => a.type.kind !== 'NON_NULL'));
    const parts = leaves
      .map((f) => {
        const inner = types.get(named(f.type).name!);
        if (!inner?.fields && inner?.kind !== 'UNION' && inner?.kind !== 'INTERFACE') return f.name;
        return depth < 2 ? `${f.name} ${selection(f.type, depth + 1)}` : '';
      })
      .filter(Boolean);
    return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
  };
  const rootFields = roots.flatMap((root) => {
    const type = schema[`${root}Type`];
    return type ? (types.get(type.name)?.fields ?? []).map((field) => ({ root, field })) : [];
  });
  if (rootFields.length === 0) return fc.constant({ query: '{ __typename }', mutation: false, field: '__typename' });
  return fc.constantFrom(...rootFields).chain(({ root, field }) =>
    fc.tuple(...field.args.map((arg) => fc.option(value(arg.type, arg.name, 0), { freq: arg.type.kind === 'NON_NULL' ? 20 : 2, nil: undefined }))).map((values) => {
      const given = field.args.filter((_, i) => values[i] !== undefined);
      const declared = given.map((a) => `$${a.name}: ${typeString(a.type)}`).join(', ');
      const args = given.map((a) => `${a.name}: $${a.name}`).join(', ');
      const variables = Object.fromEntries(given.map((a) => [a.name, values[field.args.indexOf(a)]]));
      return {
        query: `${root} Fuzz${declared ? `(${declared})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection(field.type, 0)} }`,
        variables,
        mutation: root === 'mutation',
        field: field.name,
      };
    }),
  );
}

/** Documents and requests no schema would produce: malformed, huge, deep, aliased, batched, persisted. */
export const garbageGraphql: fc.Arbitrary<{ body: string; label: string }> = fc.oneof(
  fuzzString.map((query) => ({ label: 'random document', body: JSON.stringify({ query }) })),
  fc.constantFrom(20, 16, 15, 200).map((n) => ({ label: `selection ${n} deep`, body: JSON.stringify({ query: `{ ${'a { '.repeat(n)}b${' }'.repeat(n)} }` }) })),
  fc.constantFrom(99, 101, 5_000).map((n) => ({ label: `${n} aliases`, body: JSON.stringify({ query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }` }) })),
  fc.constantFrom(14_000, 16_000, 100_000).map((n) => ({ label: `${n} tokens`, body: JSON.stringify({ query: `{ __typename ${'__typename '.repeat(n)} }` }) })),
  fc.constant({ label: 'fragment cycle', body: JSON.stringify({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }) }),
  fc.constant({ label: 'fragment bomb', body: JSON.stringify({ query: `query { ...F0 } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { __typename ${i < 11 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}` }) }),
  fc.constant({ label: 'two operations, no name', body: JSON.stringify({ query: 'query A { __typename } query B { __typename }' }) }),
  fc.constant({ label: 'unknown operation name', body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }) }),
  fuzzJson.map((variables) => ({ label: 'odd variables', body: JSON.stringify({ query: 'query Q($a: String) { __typename }', variables }) })),
  fuzzJson.map((v) => ({ label: 'not a request', body: JSON.stringify(v) ?? 'null' })),
  fc.constant({ label: 'batch', body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) }),
  fc.constant({ label: 'persisted query', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }) }),
  fc.constant({ label: 'nested variables', body: `{"query":"query Q($a: String) { __typename }","variables":${nestedJsonText(10_000)}}` }),
  fc.constant({ label: 'subscription over HTTP', body: JSON.stringify({ query: 'subscription { __typename }' }) }),
  fc.constant({ label: 'introspection', body: JSON.stringify({ query: INTROSPECTION }) }),
);
