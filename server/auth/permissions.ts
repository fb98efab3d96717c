import { registerEnumType } from 'type-graphql';

/**
 * `AOO`: granted for a whole AOO. `UOR`: follows the office of the membership that grants it
 * (the UOR, or its subtree), e.g. reading the documents of one's office.
 */
export type PermissionScope = 'AOO' | 'UOR';

/** A right a module registers. Grants, the `Permission` enum and `@Requires` all name these. */
export interface PermissionDefinition {
  /** UPPER_SNAKE_CASE, unique on the platform. */
  readonly name: string;
  /** What it allows, for client teams (shown on the enum value in the SDL). */
  readonly description: string;
  readonly scope: PermissionScope;
  /** The profiles that hold it (organisation's profile names, e.g. RGD, RPA). */
  readonly profiles: readonly string[];
}

/** At most this many permissions on a platform (bounds lists of grants, for query cost). */
export const MAX_PERMISSIONS = 100;

export function definePermission(definition: PermissionDefinition): PermissionDefinition {
  return Object.freeze({ ...definition, profiles: Object.freeze([...definition.profiles]) });
}

/**
 * The GraphQL `Permission` enum: its values are the registered permissions, filled by the host
 * when it composes the modules (before the schema is built). The object keeps its identity, so
 * fields may name it at import time.
 */
export const PermissionEnum: Record<string, string> = {};
const permissionValues: Record<string, { description: string }> = {};

registerEnumType(PermissionEnum, {
  name: 'Permission',
  description: 'A right, granted per AOO (or per UOR subtree) through the profiles of memberships',
  valuesConfig: permissionValues,
});

/** Every permission of the composed modules. */
export class PermissionRegistry {
  private readonly byName: ReadonlyMap<string, PermissionDefinition>;

  constructor(definitions: readonly PermissionDefinition[]) {
    this.byName = new Map(definitions.map((d) => [d.name, d]));
  }

  all(): PermissionDefinition[] {
    return [...this.byName.values()];
  }

  get(name: string): PermissionDefinition | undefined {
    return this.byName.get(name);
  }

  /** Makes these the values of the GraphQL `Permission` enum. */
  publishEnum(): void {
    for (const key of Object.keys(PermissionEnum)) delete PermissionEnum[key];
    for (const key of Object.keys(permissionValues)) delete permissionValues[key];
    for (const d of this.byName.values()) {
      PermissionEnum[d.name] = d.name;
      permissionValues[d.name] = { description: d.description };
    }
  }
}
