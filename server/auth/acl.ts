import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLError,
  GraphQLNonNull,
  responsePathAsArray,
  type FieldNode,
  type GraphQLResolveInfo,
} from 'graphql';
import { Directive, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../context.js';
import type { PermissionDefinition, PermissionRegistry } from './permissions.js';

/**
 * Field-level ACL. `@acl(read: X)` in the SDL tells clients the field may be masked; the
 * middleware masks it (null) when the caller lacks X for the record, and the answer carries one
 * FIELD_MASKED error per place in the response where values were masked (see
 * takeMaskedFieldErrors), not one per value: a page of a thousand rows would otherwise carry
 * thousands of errors. Masked fields are therefore always nullable.
 */
export function aclDirective(permissions: PermissionRegistry): GraphQLDirective {
  const aclPermissionEnum = new GraphQLEnumType({
    name: 'AclPermission',
    description: 'Permissions that field-level ACL directives refer to',
    values: Object.fromEntries(
      permissions.all().map((p) => [p.name, { value: p.name, description: p.description }]),
    ),
  });
  return new GraphQLDirective({
    name: 'acl',
    description:
      'The field is masked (null with a FIELD_MASKED error) for callers without this permission on the record',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { read: { type: new GraphQLNonNull(aclPermissionEnum) } },
  });
}

/** Whether the caller may read the field of this record; rules name the record's AOO. */
export type AclRule<TRoot> = (ctx: RequestContext, root: TRoot) => boolean | Promise<boolean>;

export function Acl<TRoot>(
  permission: PermissionDefinition,
  allowed: AclRule<TRoot>,
): PropertyDecorator & MethodDecorator {
  const read = permission.name;
  const directive = Directive(`@acl(read: ${read})`);
  const middleware = UseMiddleware(
    async (
      { root, context, info }: { root: unknown; context: RequestContext; info: GraphQLResolveInfo },
      next: () => Promise<unknown>,
    ) => {
      if (!(await allowed(context, root as TRoot))) {
        recordMasked(context, info, read);
        return null;
      }
      return next();
    },
  );
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    directive(target, key, descriptor as TypedPropertyDescriptor<unknown>);
    middleware(target, key, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

/** Values masked at one place of a response: one field, one permission, one path with `*` for list indexes. */
interface MaskedPlace {
  field: string;
  permission: string;
  pathPattern: string;
  count: number;
  /** The first masked value's path and field nodes (the error's path and locations). */
  path: ReadonlyArray<string | number>;
  nodes: readonly FieldNode[];
}

/**
 * What was masked, per GraphQL context value (one HTTP request, or one subscription whose
 * events are resolved one after the other): kept beside the context, not in it, so units of
 * work and system contexts built from a request context do not carry it along.
 */
const maskedByContext = new WeakMap<object, Map<string, MaskedPlace>>();

function recordMasked(context: object, info: GraphQLResolveInfo, permission: string): void {
  const path = responsePathAsArray(info.path);
  const pathPattern = path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
  const field = `${info.parentType.name}.${info.fieldName}`;
  let places = maskedByContext.get(context);
  if (!places) maskedByContext.set(context, (places = new Map<string, MaskedPlace>()));
  // The pattern names the field's place by response keys; the type matters for abstract parents.
  const key = `${pathPattern} ${field} ${permission}`;
  const place = places.get(key);
  if (place) place.count++;
  else places.set(key, { field, permission, pathPattern, count: 1, path, nodes: info.fieldNodes });
}

/**
 * The FIELD_MASKED errors of the values masked under `context` since the last call (one per
 * place: `extensions.field`, `extensions.permission`, `extensions.pathPattern` and
 * `extensions.count`; `path` is the first masked value's), and forgets them: HTTP takes them
 * once per response, WebSocket once per subscription event.
 */
export function takeMaskedFieldErrors(context: unknown): GraphQLError[] {
  if (typeof context !== 'object' || context === null) return [];
  const places = maskedByContext.get(context);
  if (!places) return [];
  maskedByContext.delete(context);
  return [...places.values()].map(
    (m) =>
      new GraphQLError(
        `${m.field} is masked: it needs ${m.permission} (${m.count} ${m.count === 1 ? 'value' : 'values'} at ${m.pathPattern})`,
        {
          nodes: m.nodes,
          path: m.path,
          extensions: {
            code: 'FIELD_MASKED',
            permission: m.permission,
            field: m.field,
            pathPattern: m.pathPattern,
            count: m.count,
          },
        },
      ),
  );
}
