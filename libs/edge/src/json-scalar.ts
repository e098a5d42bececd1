import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function literal(name: string, node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(name, f.value)]));
    case Kind.LIST:
      return node.values.map((value) => literal(name, value));
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError(`Variables are not allowed inside a ${name} literal`);
  }
}

/**
 * A JSON scalar passed and returned as is: any JSON value, or (`objectOnly`) only a JSON object.
 * Each app names its own: in the standalone process every app's GraphQL types share one registry.
 */
export function jsonScalar(options: { name: string; description: string; objectOnly?: boolean }): GraphQLScalarType {
  const { name, objectOnly = false } = options;
  const checked = (value: unknown): unknown => {
    if (objectOnly && !isPlainObject(value)) throw new GraphQLError(`${name} must be an object`);
    return value;
  };
  return new GraphQLScalarType({
    name,
    description: options.description,
    serialize: (value) => value,
    parseValue: checked,
    parseLiteral: (node) => checked(literal(name, node)),
  });
}
