import { Authorized } from 'type-graphql';
import type { PermissionDefinition } from './permissions.js';

/**
 * Who may use a field. Every Query, Mutation and Subscription field states its rule on itself
 * (a test walks the metadata and fails on a field without one, on a bare `@Authorized()`, and
 * on a class-level rule standing in for an operation's own); the SDL shows it in the field's
 * description. Object fields may take their type's rule.
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'permission'; anyOf: readonly string[]; orPlatformAdmin: boolean }
  | { kind: 'platformAdmin' };

/** The role type-graphql's authChecker receives for platform administrators. */
export const PLATFORM_ADMIN_ROLE = '@platform-admin';

const rules = new WeakMap<Function, Map<string, AccessRule>>();
const typeRules = new WeakMap<Function, AccessRule>();

function record(target: object, key: string | symbol | undefined, rule: AccessRule): void {
  if (key === undefined) {
    typeRules.set(target as Function, rule);
    return;
  }
  const cls = typeof target === 'function' ? target : target.constructor;
  let fields = rules.get(cls);
  if (!fields) rules.set(cls, (fields = new Map<string, AccessRule>()));
  fields.set(String(key), rule);
}

/** What type-graphql's Authorized returns: usable on a class, a method or a property. */
type AnyDecorator = ReturnType<typeof Authorized>;

function decorator(rule: AccessRule, authorized: AnyDecorator | null): AnyDecorator {
  const apply = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    record(target, key, rule);
    if (!authorized) return;
    if (key === undefined) (authorized as ClassDecorator)(target as Function);
    else if (descriptor) (authorized as MethodDecorator)(target, key, descriptor);
    else (authorized as PropertyDecorator)(target, key);
  };
  return apply;
}

/** Needs one of these permissions (in some AOO: the service then checks the record's AOO and UOR). */
export function Requires(...anyOf: PermissionDefinition[]): AnyDecorator {
  return requires(anyOf, false);
}

/** Like Requires, or a platform administrator (who manages every administration and AOO). */
export function RequiresOrPlatformAdmin(...anyOf: PermissionDefinition[]): AnyDecorator {
  return requires(anyOf, true);
}

function requires(anyOf: PermissionDefinition[], orPlatformAdmin: boolean): AnyDecorator {
  if (anyOf.length === 0) throw new Error('@Requires names at least one permission');
  const names = anyOf.map((p) => p.name);
  const roles = orPlatformAdmin ? [...names, PLATFORM_ADMIN_ROLE] : names;
  return decorator({ kind: 'permission', anyOf: names, orPlatformAdmin }, Authorized(...roles));
}

/** Platform administrators only (creating administrations and AOOs). */
export function PlatformAdmin(): AnyDecorator {
  return decorator({ kind: 'platformAdmin' }, Authorized(PLATFORM_ADMIN_ROLE));
}

/** Any signed-in user (what they see is then decided by row visibility, like `me`). */
export function AnyAuthenticated(): AnyDecorator {
  return decorator({ kind: 'authenticated' }, Authorized());
}

/** Deliberately public: no token needed. */
export function Public(): AnyDecorator {
  return decorator({ kind: 'public' }, null);
}

/** The rule stated on a field itself, if any. */
export function fieldAccess(cls: Function, field: string): AccessRule | undefined {
  return rules.get(cls)?.get(field);
}

/** The rule stated on a type (for its plain fields). */
export function typeAccess(cls: Function): AccessRule | undefined {
  return typeRules.get(cls);
}

/** The rule in words, for the field's description in the SDL. */
export function describeAccess(rule: AccessRule): string {
  switch (rule.kind) {
    case 'public':
      return 'Access: public, no token needed.';
    case 'authenticated':
      return 'Access: any signed-in user; what it shows follows the caller’s rights.';
    case 'permission':
      return `Access: needs ${rule.anyOf.join(' or ')}${rule.orPlatformAdmin ? ', or a platform administrator' : ''} (checked against the record’s AOO, and its UOR where the permission is per office).`;
    case 'platformAdmin':
      return 'Access: platform administrators only.';
  }
}
