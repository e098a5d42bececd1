import { graphql, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { jsonScalar } from './json-scalar.js';

const Obj = jsonScalar({ name: 'Obj', description: 'an object', objectOnly: true });
const Any = jsonScalar({ name: 'Any', description: 'any JSON' });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      obj: { type: Obj, args: { value: { type: Obj } }, resolve: (_, { value }) => value },
      any: { type: Any, args: { value: { type: Any } }, resolve: (_, { value }) => value },
    },
  }),
});
const run = (source: string, variableValues?: Record<string, unknown>) => graphql({ schema, source, variableValues });

describe('jsonScalar', () => {
  it('passes a JSON object through, as a literal and as a variable', async () => {
    await expect(run('{ obj(value: { a: 1, b: [true, "x", null], c: { d: 2.5 } }) }')).resolves.toEqual({
      data: { obj: { a: 1, b: [true, 'x', null], c: { d: 2.5 } } },
    });
    await expect(run('query ($v: Obj) { obj(value: $v) }', { v: { a: [1] } })).resolves.toEqual({ data: { obj: { a: [1] } } });
  });

  it('refuses anything but an object when objectOnly, with a message naming the scalar', async () => {
    const literal = await run('{ obj(value: [1, 2]) }');
    expect(literal.errors?.[0].message).toMatch(/Obj must be an object/);
    const variable = await run('query ($v: Obj) { obj(value: $v) }', { v: 'text' });
    expect(variable.errors?.[0].message).toMatch(/Obj must be an object/);
  });

  it('takes any JSON value otherwise, and refuses a variable inside a literal', async () => {
    await expect(run('{ any(value: [1, "two"]) }')).resolves.toEqual({ data: { any: [1, 'two'] } });
    const nested = await run('query ($v: Any) { any(value: { a: $v }) }', { v: 1 });
    expect(nested.errors?.[0].message).toMatch(/Variables are not allowed inside a Any literal/);
  });
});
