import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return node.values.map(literal);
    default:
      return null;
  }
}

/** Any JSON value: a changed row's columns (named for the change-sink: type names are global in standalone mode). */
export const JsonScalar = new GraphQLScalarType({
  name: 'ChangeData',
  description: 'Any JSON value (a row: column name → value)',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});
