import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError('Variables are not allowed inside a JSONObject literal');
  }
}

/** A JSON object (an app's configuration), passed and returned as is. */
export const JSONObjectScalar = new GraphQLScalarType({
  name: 'JSONObject',
  description: 'A JSON object',
  serialize: (value) => value,
  parseValue: (value) => {
    if (!isPlainObject(value)) throw new GraphQLError('JSONObject must be an object');
    return value;
  },
  parseLiteral: (node) => {
    const value = literal(node);
    if (!isPlainObject(value)) throw new GraphQLError('JSONObject must be an object');
    return value;
  },
});
