import type { PermissionDefinition } from '../../server/auth/permissions.js';
import { PROTOCOL_READ } from '../../schema/documents/index.js';
import {
  DEMO_UORS,
  DEMO_USERS,
  GrantScope,
  Profile,
  PROFILE_SCOPES,
} from '../../schema/organisation/index.js';

/**
 * The actors and places of the ACL matrices of records that live in an office (repertori,
 * protocol register): the demo profiles (the platform administrator `admin`, a SYSTEM_ADMIN of the
 * demo AOO only, RGD, PROTOCOLLISTA, the RPA of FIN and of TEC, READ_ONLY of RAG,
 * TOTAL_VISIBILITY), a protocollista of another AOO and a deactivated user; records in RAG, in
 * TEC and in the other AOO. Expectations follow from the permissions' profiles and scopes and the
 * UOR tree, so a matrix follows the profiles. The tests create `amministratore`,
 * `altrove.protocollo` and `dimesso` themselves.
 */
export type Where = 'demo' | 'other';
export type Place = 'RAG' | 'TEC' | 'other';

export interface Actor {
  username: string;
  profile: Profile;
  uor: string;
  aoo: Where;
  platformAdmin?: boolean;
  deactivated?: boolean;
}

export const actors: Actor[] = [
  ...DEMO_USERS.map((u) => ({
    username: u.username,
    profile: u.profile,
    uor: u.uor,
    aoo: 'demo' as const,
    platformAdmin: u.username === 'admin',
  })),
  { username: 'amministratore', profile: Profile.SYSTEM_ADMIN, uor: 'SEG', aoo: 'demo' },
  { username: 'altrove.protocollo', profile: Profile.PROTOCOLLISTA, uor: 'PROT', aoo: 'other' },
  { username: 'dimesso', profile: Profile.RGD, uor: 'SEG', aoo: 'demo', deactivated: true },
];

export const PLACES: Place[] = ['RAG', 'TEC', 'other'];
export const whereOf = (p: Place): Where => (p === 'other' ? 'other' : 'demo');

export function subtree(code: string): Set<string> {
  const out = new Set([code]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, , parent] of DEMO_UORS)
      if (parent && out.has(parent) && !out.has(child)) grew = out.add(child).size > 0;
  }
  return out;
}

export function holds(a: Actor, where: Where, p: PermissionDefinition): boolean {
  return !a.deactivated && a.aoo === where && p.profiles.includes(a.profile);
}

/** The permission reaches the office: AOO-wide, or through the profile's scope over the UOR tree. */
export function covers(a: Actor, p: PermissionDefinition, place: Place): boolean {
  const where = whereOf(place);
  if (!holds(a, where, p)) return false;
  if (p.scope === 'AOO' || where === 'other') return true; // the other AOO has one office
  const scope = PROFILE_SCOPES[a.profile];
  if (scope === GrantScope.AOO) return true;
  return (scope === GrantScope.UOR_SUBTREE ? subtree(a.uor) : new Set([a.uor])).has(place);
}

/** Sees the documents of the office (the creator of every test document reads it anyway). */
export const readsDocs = (a: Actor, place: Place) => covers(a, PROTOCOL_READ, place);

/**
 * Runs one operation of a matrix for every actor on every target: the disagreements with the
 * expectation (one line each, in actor and target order) and how many calls were allowed (a
 * matrix where nobody may do anything proves nothing). With `concurrency` above 1, that many
 * calls at a time: only for operations whose every call makes its own target, so that no call
 * can see another's effect.
 */
export async function runMatrix<T extends string>(
  targets: readonly T[],
  run: (a: Actor, target: T) => Promise<boolean>,
  expected: (a: Actor, target: T) => boolean,
  { concurrency = 1 }: { concurrency?: number } = {},
): Promise<{ mismatches: string[]; allowed: number }> {
  const cases = actors.flatMap((a) => targets.map((target) => ({ a, target })));
  const got: boolean[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i];
      if (c) got[i] = await run(c.a, c.target);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const mismatches: string[] = [];
  let allowed = 0;
  cases.forEach(({ a, target }, i) => {
    const want = expected(a, target);
    if (got[i]) allowed += 1;
    if (got[i] !== want)
      mismatches.push(
        `${a.username} × ${target}: expected ${want ? 'allow' : 'deny'}, got ${got[i] ? 'allow' : 'deny'}`,
      );
  });
  return { mismatches, allowed };
}
