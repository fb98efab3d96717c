import type { Permission } from '../../server/auth/permission.js';

/** Where one permission applies inside one AOO: everywhere, or a set of UORs. */
export type UorScope = 'ALL' | ReadonlySet<string>;

/**
 * The effective permissions of one user, computed once per request (and per WebSocket
 * event) from the memberships. Nothing crosses AOO boundaries unless a grant says so.
 */
export class Grants {
  static readonly NONE = new Grants(new Map());

  constructor(private readonly byAoo: ReadonlyMap<string, ReadonlyMap<Permission, UorScope>>) {}

  /** Whether the permission is granted in the AOO (any scope), or in any AOO when none is named. */
  has(permission: Permission, aooId?: string): boolean {
    if (aooId !== undefined) return this.byAoo.get(aooId)?.has(permission) ?? false;
    for (const perms of this.byAoo.values()) if (perms.has(permission)) return true;
    return false;
  }

  /** Whether the permission covers the UOR (or the whole AOO). */
  covers(permission: Permission, aooId: string, uorId: string | null): boolean {
    const scope = this.byAoo.get(aooId)?.get(permission);
    if (scope === undefined) return false;
    if (scope === 'ALL') return true;
    return uorId !== null && scope.has(uorId);
  }

  scope(permission: Permission, aooId: string): UorScope | undefined {
    return this.byAoo.get(aooId)?.get(permission);
  }

  aoosWith(permission: Permission): string[] {
    return [...this.byAoo].filter(([, perms]) => perms.has(permission)).map(([aooId]) => aooId);
  }

  aooIds(): string[] {
    return [...this.byAoo.keys()];
  }

  entries(): Array<{ aooId: string; permission: Permission; scope: UorScope }> {
    const out: Array<{ aooId: string; permission: Permission; scope: UorScope }> = [];
    for (const [aooId, perms] of this.byAoo)
      for (const [permission, scope] of perms) out.push({ aooId, permission, scope });
    return out;
  }
}

/** Accumulates grants; a wider scope absorbs a narrower one. */
export class GrantsBuilder {
  private readonly byAoo = new Map<string, Map<Permission, UorScope>>();

  add(aooId: string, permission: Permission, scope: UorScope): this {
    let perms = this.byAoo.get(aooId);
    if (!perms) this.byAoo.set(aooId, (perms = new Map<Permission, UorScope>()));
    const current = perms.get(permission);
    if (current === 'ALL' || scope === 'ALL') perms.set(permission, 'ALL');
    else perms.set(permission, new Set([...(current ?? []), ...scope]));
    return this;
  }

  build(): Grants {
    return new Grants(this.byAoo);
  }
}
