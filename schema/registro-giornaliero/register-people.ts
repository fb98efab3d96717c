import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { Aoo, Membership, Profile, Uor } from '../organisation/index.js';
import type { RegisterPerson } from './register-xml.js';

export interface RegisterOwner {
  aoo: Aoo;
  /** The RGD the register is recorded as created by: the designated one, else the first RGD member. */
  creator: { id: string; username: string };
  /** Everyone the register names as RGD, the designated one first. */
  rgd: RegisterPerson[];
  /** The office owning the register's document: the creator's RGD office, else a root office. */
  uorId: string;
}

/** Who answers for the AOO's register (001 §6.8: the register names its RGD). */
export async function registerOwner(tx: UnitOfWork, aooId: string): Promise<RegisterOwner> {
  const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId }, { populate: ['administration', 'rgd'] });
  const members = await tx.em.find(
    Membership,
    { uor: { aoo: aooId }, profile: Profile.RGD, endedAt: null, user: { active: true } },
    { populate: ['user', 'uor'], orderBy: { createdAt: 'asc' } },
  );
  const people = new Map<string, { id: string; username: string; givenName: string; familyName: string }>();
  if (aoo.rgd && aoo.rgd.active) people.set(aoo.rgd.id, aoo.rgd);
  for (const m of members) if (!people.has(m.user.id)) people.set(m.user.id, m.user);
  const first = [...people.values()][0];
  if (!first) {
    throw new DomainError(
      'DAILY_REGISTER_NO_RGD',
      `AOO ${aoo.code} has no RGD: designate one (or give a member the RGD profile) before its daily register`,
      { aooId },
    );
  }
  const office =
    members.find((m) => m.user.id === first.id)?.uor.id ??
    (await tx.em.findOne(Uor, { aoo: aooId, parent: null }, { orderBy: { createdAt: 'asc' } }))?.id;
  if (!office) throw new Error(`AOO ${aoo.code} has no office`);
  return {
    aoo,
    creator: { id: first.id, username: first.username },
    rgd: [...people.values()].map((p) => ({
      username: p.username,
      givenName: p.givenName,
      familyName: p.familyName,
    })),
    uorId: office,
  };
}
