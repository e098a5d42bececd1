import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      throw new TypeError(`JSON cannot represent ${node.kind}`);
  }
}

/**
 * A JSON object (event data and metadata): passed through as is. Named for this app: in the
 * standalone process every app's GraphQL types share one registry, and the gateway has a `JSONObject` of its own.
 */
export const JsonObjectScalar = new GraphQLScalarType({
  name: 'EventStoreJSON',
  description: 'A JSON object (event data and metadata, build configuration)',
  serialize: (value) => value,
  parseValue: (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('EventStoreJSON must be an object');
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.OBJECT) throw new TypeError('EventStoreJSON must be an object');
    return literal(node);
  },
});
