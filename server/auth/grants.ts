/** A permission by name, or its definition (`ORG_ADMIN`). */
export type PermissionRef = string | { readonly name: string };

const nameOf = (p: PermissionRef): string => (typeof p === 'string' ? p : p.name);

/** Where one permission applies inside one AOO: everywhere, or a set of UORs. */
export type UorScope = 'ALL' | ReadonlySet<string>;

/**
 * The effective permissions of one user, computed once per request (and per WebSocket event)
 * from what the identity provider says. Nothing crosses AOO boundaries unless a grant says so.
 * Permissions are the names modules register (see PermissionDefinition).
 */
export class Grants {
  static readonly NONE = new Grants(new Map());

  constructor(private readonly byAoo: ReadonlyMap<string, ReadonlyMap<string, UorScope>>) {}

  /** Whether the permission is granted in the AOO (any scope), or in any AOO when none is named. */
  has(permission: PermissionRef, aooId?: string): boolean {
    const name = nameOf(permission);
    if (aooId !== undefined) return this.byAoo.get(aooId)?.has(name) ?? false;
    for (const perms of this.byAoo.values()) if (perms.has(name)) return true;
    return false;
  }

  /** Whether the permission covers the UOR (or the whole AOO). */
  covers(permission: PermissionRef, aooId: string, uorId: string | null): boolean {
    const scope = this.byAoo.get(aooId)?.get(nameOf(permission));
    if (scope === undefined) return false;
    if (scope === 'ALL') return true;
    return uorId !== null && scope.has(uorId);
  }

  scope(permission: PermissionRef, aooId: string): UorScope | undefined {
    return this.byAoo.get(aooId)?.get(nameOf(permission));
  }

  aoosWith(permission: PermissionRef): string[] {
    const name = nameOf(permission);
    return [...this.byAoo].filter(([, perms]) => perms.has(name)).map(([aooId]) => aooId);
  }

  aooIds(): string[] {
    return [...this.byAoo.keys()];
  }

  entries(): Array<{ aooId: string; permission: string; scope: UorScope }> {
    const out: Array<{ aooId: string; permission: string; scope: UorScope }> = [];
    for (const [aooId, perms] of this.byAoo)
      for (const [permission, scope] of perms) out.push({ aooId, permission, scope });
    return out;
  }
}

/** Accumulates grants; a wider scope absorbs a narrower one. */
export class GrantsBuilder {
  private readonly byAoo = new Map<string, Map<string, UorScope>>();

  add(aooId: string, permission: string, scope: UorScope): this {
    let perms = this.byAoo.get(aooId);
    if (!perms) this.byAoo.set(aooId, (perms = new Map<string, UorScope>()));
    const current = perms.get(permission);
    if (current === 'ALL' || scope === 'ALL') perms.set(permission, 'ALL');
    else perms.set(permission, new Set([...(current ?? []), ...scope]));
    return this;
  }

  build(): Grants {
    return new Grants(this.byAoo);
  }
}
