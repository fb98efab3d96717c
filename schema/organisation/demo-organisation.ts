import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { Membership } from './membership.entity.js';
import { Profile } from './profile.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';

export const DEMO_IPA_CODE = 'c_demo';
export const DEMO_AOO_CODE = 'ADEMO01';

interface DemoUser {
  username: string;
  givenName: string;
  familyName: string;
  uor: string;
  profile: Profile;
}

/** One user per profile of DOMAIN §1, in sensible offices of a small municipality. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'admin',
    givenName: 'Amelia',
    familyName: 'Amministratrice',
    uor: 'SEG',
    profile: Profile.SYSTEM_ADMIN,
  },
  { username: 'rgd', givenName: 'Roberto', familyName: 'Gestione', uor: 'SEG', profile: Profile.RGD },
  {
    username: 'protocollista',
    givenName: 'Paola',
    familyName: 'Protocollo',
    uor: 'PROT',
    profile: Profile.PROTOCOLLISTA,
  },
  {
    username: 'rpa.ragioneria',
    givenName: 'Rita',
    familyName: 'Ragioneria',
    uor: 'FIN',
    profile: Profile.RPA,
  },
  { username: 'rpa.tecnico', givenName: 'Tommaso', familyName: 'Tecnico', uor: 'TEC', profile: Profile.RPA },
  { username: 'lettore', givenName: 'Luca', familyName: 'Lettore', uor: 'RAG', profile: Profile.READ_ONLY },
  {
    username: 'segretario',
    givenName: 'Sara',
    familyName: 'Segretaria',
    uor: 'SEG',
    profile: Profile.TOTAL_VISIBILITY,
  },
  {
    username: 'archivista',
    givenName: 'Anna',
    familyName: 'Archivio',
    uor: 'SEG',
    profile: Profile.ARCHIVISTA,
  },
];

// code, name, parent code
export const DEMO_UORS: ReadonlyArray<[string, string, string | null]> = [
  ['SEG', 'Segreteria generale', null],
  ['PROT', 'Ufficio protocollo', 'SEG'],
  ['FIN', 'Area finanziaria', 'SEG'],
  ['RAG', 'Ufficio ragioneria', 'FIN'],
  ['TRIB', 'Ufficio tributi', 'FIN'],
  ['TEC', 'Area tecnica', 'SEG'],
  ['LLPP', 'Ufficio lavori pubblici', 'TEC'],
];

/**
 * Loads the demo municipality unless it is already there: the administration, its AOO, the UOR
 * tree and one user per profile. Returns whether it loaded anything.
 */
export async function seedDemoOrganisation(uow: UnitOfWork): Promise<boolean> {
  const tx = uow.em;
  if ((await tx.count(Administration, { ipaCode: DEMO_IPA_CODE })) > 0) return false;
  const administration = tx.create(Administration, {
    createdAt: uow.clock.now(),
    ipaCode: DEMO_IPA_CODE,
    name: 'Comune di Esempio',
    taxCode: '00000000000',
  });
  const aoo = tx.create(Aoo, {
    createdAt: uow.clock.now(),
    administration,
    code: DEMO_AOO_CODE,
    name: 'Comune di Esempio - AOO unica',
    pecAddress: 'protocollo@pec.comune.esempio.it',
    registerCode: 'REG_PROT',
  });
  const uors = new Map<string, Uor>();
  for (const [code, name, parent] of DEMO_UORS) {
    uors.set(
      code,
      tx.create(Uor, {
        createdAt: uow.clock.now(),
        aoo,
        code,
        name,
        parent: parent === null ? null : (uors.get(parent) ?? null),
        email: `${code.toLowerCase()}@comune.esempio.it`,
        activeFrom: '2020-01-01',
      }),
    );
  }
  const users = new Map<string, User>();
  for (const d of DEMO_USERS) {
    const user = tx.create(User, {
      createdAt: uow.clock.now(),
      username: d.username,
      givenName: d.givenName,
      familyName: d.familyName,
      email: `${d.username}@comune.esempio.it`,
      subject: d.username,
      createdInAooId: aoo.id,
      // The demo system administrator may also create administrations and AOOs.
      platformAdmin: d.profile === Profile.SYSTEM_ADMIN,
    });
    users.set(d.username, user);
    const uor = uors.get(d.uor);
    if (!uor) throw new Error(`demo UOR ${d.uor} missing`);
    tx.create(Membership, { createdAt: uow.clock.now(), user, uor, profile: d.profile });
    if (d.profile === Profile.RGD) aoo.rgd = user;
    if (d.username === 'rpa.ragioneria') uor.head = user;
    if (d.username === 'rpa.tecnico') {
      const tec = uors.get('TEC');
      if (tec) tec.head = user;
    }
  }
  return true;
}
