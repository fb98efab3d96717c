import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLError,
  GraphQLNonNull,
  type GraphQLResolveInfo,
} from 'graphql';
import { Directive, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../context.js';
import type { PermissionDefinition, PermissionRegistry } from './permissions.js';

/**
 * Field-level ACL. `@acl(read: X)` in the SDL tells clients the field may be masked; the
 * middleware masks it (null plus an error entry with code FIELD_MASKED) when the caller lacks
 * X for the record. Masked fields are therefore always nullable.
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
        throw new GraphQLError(`${info.parentType.name}.${info.fieldName} is masked: it needs ${read}`, {
          extensions: { code: 'FIELD_MASKED', permission: read },
        });
      }
      return next();
    },
  );
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    directive(target, key, descriptor as TypedPropertyDescriptor<unknown>);
    middleware(target, key, descriptor as TypedPropertyDescriptor<unknown>);
  };
}
