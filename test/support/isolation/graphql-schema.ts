/** GraphQL introspection, enough to ask a field for everything a caller can be shown. */
export interface TypeRef {
  readonly kind: string;
  readonly name: string | null;
  readonly ofType: TypeRef | null;
}
export interface GraphqlType {
  readonly name: string;
  readonly kind: string;
  readonly fields: Array<{ name: string; type: TypeRef; args: Array<{ name: string; defaultValue: string | null; type: TypeRef }> }> | null;
}
export const namedType = (t: TypeRef): TypeRef => (t.ofType ? namedType(t.ofType) : t);
export const printType = (t: TypeRef): string => (t.kind === 'NON_NULL' ? `${printType(t.ofType!)}!` : t.kind === 'LIST' ? `[${printType(t.ofType!)}]` : t.name!);

/**
 * Every field of a type that takes no required argument, objects `depth` levels down: all a caller
 * can be shown (but nested pages, fields of objects that take arguments: another query's worth of cost).
 */
export function selectionOf(types: Map<string, GraphqlType>, typeName: string, depth: number): string {
  const type = types.get(typeName);
  if (!type?.fields) return '';
  const fields = type.fields
    .filter((f) => !f.args.some((a) => a.type.kind === 'NON_NULL' && a.defaultValue === null))
    .map((f) => {
      const named = namedType(f.type);
      if (named.kind === 'SCALAR' || named.kind === 'ENUM') return f.name;
      if (depth === 0 || f.args.length > 0) return '';
      const inner = selectionOf(types, named.name!, depth - 1);
      return inner ? `${f.name} ${inner}` : '';
    })
    .filter(Boolean);
  return fields.length > 0 ? `{ ${fields.join(' ')} }` : '';
}
