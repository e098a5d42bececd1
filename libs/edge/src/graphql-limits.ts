import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { GraphqlLimits } from '@tributary/config';
import type { ErrorCode } from '@tributary/domain';

export { DEFAULT_GRAPHQL_LIMITS, type GraphqlLimits } from '@tributary/config';

/** The arguments that say how many items a field returns. */
const PAGE_ARGUMENTS = new Set(['first', 'last', 'limit']);
/** The page size assumed for a page argument given as a variable (unknown at validation) without a default in the schema. */
const ASSUMED_PAGE_SIZE = 100;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

const NOTHING: Measure = { depth: 0, aliases: 0, cost: 0 };

/** A request refused before execution: the platform's code, status 400. */
export const refusal = (code: ErrorCode, message: string, nodes?: OperationDefinitionNode): GraphQLError =>
  new GraphQLError(message, { nodes, extensions: { code, status: 400 } });

/**
 * Refuses an operation of a kind the endpoint's schema has no root type for (a subscription where
 * there are none): graphql-js 16 validates it and fails it only when executing, which reaches the
 * client as an internal error.
 */
export const knownOperationTypeRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(refusal('operation_not_supported', `This endpoint has no ${node.operation} operations`, node));
    }
  },
});

/**
 * Refuses an operation deeper than `maxDepth`, with more aliases than `maxAliases`, or costing more
 * than `maxCost`. Fragment spreads are followed (each fragment measured once, a cycle counted as
 * nothing: NoFragmentCycles refuses it).
 *
 * Cost: a field with a selection costs 1, and so does every root field (each is a resolver call);
 * a leaf of an object is free (their number is bounded by the type and the alias limit).
 * Introspection (`__schema`, `__type`) is free: it is bounded by the schema. The selection of a
 * field with a `first`, `last` or `limit` argument counts that many times: the number written in
 * the query, else (a variable, or left out) the argument's default in the schema, else
 * ASSUMED_PAGE_SIZE. E.g. `{ events(first: 1000) { events { id } } }` costs 1 + 1000 × 1.
 */
export const graphqlLimitsRule =
  (limits: GraphqlLimits): ValidationRule =>
  (context: ValidationContext): ASTVisitor => {
    const measurer = new DocumentMeasurer(context);
    return {
      OperationDefinition(node) {
        const { depth, aliases, cost } = measurer.ofOperation(node);
        if (depth > limits.maxDepth) {
          context.reportError(refusal('query_too_deep', `The query nests fields ${depth} deep; at most ${limits.maxDepth} is allowed`, node));
        }
        if (aliases > limits.maxAliases) {
          context.reportError(refusal('too_many_aliases', `The query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`, node));
        }
        if (cost > limits.maxCost) {
          const said = cost > Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER}` : String(cost);
          context.reportError(refusal('query_too_costly', `The query costs ${said} (see docs/security.md); at most ${limits.maxCost} is allowed`, node));
        }
        return false;
      },
    };
  };

/** Measures a document's operations, each fragment once. */
class DocumentMeasurer {
  private readonly fragments = new Map<string, Measure>();
  private readonly open = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  ofOperation(node: OperationDefinitionNode): Measure {
    return this.ofSelections(node.selectionSet, this.context.getSchema().getRootType(node.operation) ?? undefined);
  }

  private ofSelections(set: SelectionSetNode, parent: GraphQLNamedType | undefined): Measure {
    const total = { ...NOTHING };
    for (const selection of set.selections) {
      const measure = this.ofSelection(selection, parent);
      total.depth = Math.max(total.depth, measure.depth);
      total.aliases += measure.aliases;
      total.cost += measure.cost;
    }
    return total;
  }

  private ofSelection(selection: SelectionNode, parent: GraphQLNamedType | undefined): Measure {
    if (selection.kind === Kind.FIELD) return this.ofField(selection, parent);
    if (selection.kind === Kind.INLINE_FRAGMENT) return this.ofSelections(selection.selectionSet, this.typeNamed(selection.typeCondition?.name.value) ?? parent);
    return this.ofFragment(selection.name.value);
  }

  private ofFragment(name: string): Measure {
    const known = this.fragments.get(name);
    if (known) return known;
    const fragment = this.context.getFragment(name);
    if (!fragment || this.open.has(name)) return NOTHING;
    this.open.add(name);
    const measure = this.ofSelections(fragment.selectionSet, this.typeNamed(fragment.typeCondition.name.value));
    this.open.delete(name);
    this.fragments.set(name, measure);
    return measure;
  }

  private ofField(node: FieldNode, parent: GraphQLNamedType | undefined): Measure {
    const definition = fieldOf(parent, node.name.value);
    const children = node.selectionSet ? this.ofSelections(node.selectionSet, definition && getNamedType(definition.type)) : NOTHING;
    const own = node.selectionSet || this.isRoot(parent) ? 1 : 0;
    return {
      depth: 1 + children.depth,
      aliases: (node.alias ? 1 : 0) + children.aliases,
      cost: node.name.value.startsWith('__') ? 0 : own + pageSize(node, definition) * children.cost,
    };
  }

  private typeNamed(name: string | undefined): GraphQLNamedType | undefined {
    return name === undefined ? undefined : this.context.getSchema().getType(name);
  }

  private isRoot(type: GraphQLNamedType | undefined): boolean {
    const schema = this.context.getSchema();
    return type !== undefined && [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].some((root) => root === type);
  }
}

function fieldOf(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** How many times a field's selection counts (see graphqlLimitsRule). */
function pageSize(node: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number {
  const given = node.arguments?.find((argument) => PAGE_ARGUMENTS.has(argument.name.value));
  if (given?.value.kind === Kind.INT) return Math.max(1, Number(given.value.value));
  const declared = definition?.args.find((argument) => PAGE_ARGUMENTS.has(argument.name));
  if (!given && !declared) return 1;
  return typeof declared?.defaultValue === 'number' ? Math.max(1, declared.defaultValue) : ASSUMED_PAGE_SIZE;
}

// graphql 16 says "more that"; a later one may fix the typo.
const TOKEN_LIMIT_MESSAGE = /Document contains more th(?:an|at) \d+ tokens/;

/** graphql-js's refusal of a document past `maxTokens` (its message is all that tells it from a syntax error). */
export const isTokenLimitError = (error: { message: string }): boolean => TOKEN_LIMIT_MESSAGE.test(error.message);

export const tooManyTokens = (limits: GraphqlLimits): GraphQLError =>
  refusal('query_too_large', `The query is too large: at most ${limits.maxTokens} tokens are allowed`);
