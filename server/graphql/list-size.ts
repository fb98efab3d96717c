import { Extensions } from 'type-graphql';

/**
 * How many items a list field (or a connection) can return, for the query cost: either its
 * page argument (`pageArg`, clamped to `maxItems`), or the bound the domain enforces where the
 * list grows. A list without either would let a small document of nested lists cost anything,
 * so a test fails on any list field that does not declare one.
 */
export interface ListSizeSpec {
  maxItems: number;
  /** The argument that sets the page size (a connection's `first`). */
  pageArg?: string;
}

export const LIST_SIZE = 'listSize';

export function ListSize(spec: ListSizeSpec): PropertyDecorator & MethodDecorator & ClassDecorator {
  return Extensions({ [LIST_SIZE]: spec });
}

export function listSizeOf(
  extensions: Readonly<Record<string, unknown>> | null | undefined,
): ListSizeSpec | undefined {
  const spec = extensions?.[LIST_SIZE];
  return typeof spec === 'object' && spec !== null && typeof (spec as ListSizeSpec).maxItems === 'number'
    ? (spec as ListSizeSpec)
    : undefined;
}
