import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { DEFAULT_GRAPHQL_LIMITS, graphqlLimitsRule, type GraphqlLimits } from './graphql-limits.js';

const schema = buildSchema(`
  type Query {
    node: Node
    leaf: Int
    nodes(first: Int = 10): NodePage
    items(limit: Int): [Node]
    result: Result
  }
  type Mutation { touch: Node }
  type NodePage { items: [Node] next: String }
  type Node { id: ID name: String child: Node children(first: Int): [Node] }
  union Result = Node | NodePage
`);

/** The codes a document is refused with, under the default limits changed by `limits`. */
function refusals(query: string, limits: Partial<GraphqlLimits> = {}): unknown[] {
  const rules = [...specifiedRules, graphqlLimitsRule({ ...DEFAULT_GRAPHQL_LIMITS, ...limits })];
  return validate(schema, parse(query), rules).map((error) => error.extensions.code ?? error.message);
}

const nested = (levels: number): string => `{ node { ${'child { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
const aliased = (count: number): string => `{ ${Array.from({ length: count }, (_, i) => `a${i}: leaf`).join(' ')} }`;

describe('graphqlLimitsRule', () => {
  it('lets an ordinary query through, with fragments, unions and variables', () => {
    const query = `query ($n: Int) {
      node { ...Named child { ...Named } }
      nodes(first: $n) { items { ...Named } next }
      result { ... on Node { id } ... on NodePage { next } }
    }
    fragment Named on Node { id name }`;
    expect(refusals(query)).toEqual([]);
  });

  it("lets GraphiQL's introspection query through", () => {
    expect(refusals(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }))).toEqual([]);
  });

  describe('depth', () => {
    it('refuses fields nested deeper than the limit (the root field counting 1)', () => {
      expect(refusals(nested(15))).toEqual([]);
      expect(refusals(nested(16))).toEqual(['query_too_deep']);
    });

    it('counts the fields of the fragments spread, inline or named', () => {
      const query = `{ node { ...A } } fragment A on Node { child { ... on Node { child { ...B } } } } fragment B on Node { child { id } }`;
      expect(refusals(query, { maxDepth: 5 })).toEqual([]);
      expect(refusals(query, { maxDepth: 4 })).toEqual(['query_too_deep']);
    });
  });

  describe('aliases', () => {
    it('refuses more aliases than the limit', () => {
      expect(refusals(aliased(100))).toEqual([]);
      expect(refusals(aliased(101))).toEqual(['too_many_aliases']);
    });

    it('counts a fragment as often as it is spread', () => {
      const query = `{ x: node { ...Two } y: node { ...Two } } fragment Two on Node { a: id b: id }`;
      expect(refusals(query, { maxAliases: 6 })).toEqual([]);
      expect(refusals(query, { maxAliases: 5 })).toEqual(['too_many_aliases']);
    });

    it('measures fragments spread into each other exponentially often, each once', () => {
      const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i + 1} on Node { x: child { ...F${i} } y: child { ...F${i} } }`);
      const query = `{ node { ...F40 } } fragment F0 on Node { id } ${fragments.join(' ')}`;
      expect(refusals(query, { maxDepth: 100 })).toEqual(['too_many_aliases', 'query_too_costly']);
    });
  });

  describe('cost', () => {
    const costs = (query: string, cost: number) => {
      expect(refusals(query, { maxCost: cost })).toEqual([]);
      expect(refusals(query, { maxCost: cost - 1 })).toEqual(['query_too_costly']);
    };

    it('counts 1 per root field and per field with a selection, leaves of objects free', () => {
      costs('{ leaf node { id name child { id } } }', 3);
    });

    it("multiplies a selection by its field's first or limit argument", () => {
      costs('{ nodes(first: 1000) { items { id } } }', 1 + 1000 * 1);
      costs('{ nodes(first: 1000) { items { children(first: 10) { child { id } } } } }', 1 + 1000 * (1 + (1 + 10 * 1)));
    });

    it("takes a variable or missing page argument as the schema's default, else as 100", () => {
      costs('query ($n: Int) { nodes(first: $n) { items { id } } }', 1 + 10);
      costs('{ nodes { items { id } } }', 1 + 10);
      costs('query ($n: Int) { items(limit: $n) { child { id } } }', 1 + 100);
    });

    it('counts introspection as nothing', () => {
      expect(refusals('{ __schema { types { fields { name type { name } } } } }', { maxCost: 1 })).toEqual([]);
    });

    it('refuses a query past the budget of 5,000 by default', () => {
      expect(refusals('{ nodes(first: 2500) { items { child { id } } } }')).toEqual(['query_too_costly']);
    });
  });

  it('survives a fragment cycle, which graphql-js refuses', () => {
    const codes = refusals('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }');
    expect(codes).toEqual([expect.stringContaining('Cannot spread fragment "A" within itself via "B"')]);
  });

  it('refuses with a coded error, status 400', () => {
    const [error] = validate(schema, parse(aliased(3)), [graphqlLimitsRule({ ...DEFAULT_GRAPHQL_LIMITS, maxAliases: 2 })]);
    expect({ message: error?.message, extensions: error?.extensions }).toEqual({
      message: 'The query has 3 aliases; at most 2 are allowed',
      extensions: { code: 'too_many_aliases', status: 400 },
    });
  });
});
