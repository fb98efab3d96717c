import type { EntityManager } from '@mikro-orm/postgresql';
import type { BlobStore } from '../blob/blob-store.js';
import type { Clock } from '../clock.js';
import { seedDemoDocuments } from './demo-documents.js';
import { Administration } from '../../schema/organisation/administration.entity.js';
import { Aoo } from '../../schema/organisation/aoo.entity.js';
import { Membership } from '../../schema/organisation/membership.entity.js';
import { Profile } from '../../schema/organisation/profile.js';
import { Uor } from '../../schema/organisation/uor.entity.js';
import { User } from '../../schema/organisation/user.entity.js';

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

export interface SeedOptions {
  /** Also the demo documents and their files (needs the blob store); without it, the organisation only. */
  documents?: { blobs: BlobStore; clock: Clock };
}

/**
 * Loads the demo municipality unless it is already there: the organisation, its users and, with
 * `documents`, drafts with files (one signed) in several offices. Returns whether it loaded anything.
 */
export async function seedDemo(em: EntityManager, options: SeedOptions = {}): Promise<boolean> {
  return em.transactional(async (tx) => {
    if ((await tx.count(Administration, { ipaCode: DEMO_IPA_CODE })) > 0) return false;
    const administration = tx.create(Administration, {
      ipaCode: DEMO_IPA_CODE,
      name: 'Comune di Esempio',
      taxCode: '00000000000',
    });
    const aoo = tx.create(Aoo, {
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
      tx.create(Membership, { user, uor, profile: d.profile });
      if (d.profile === Profile.RGD) aoo.rgd = user;
      if (d.username === 'rpa.ragioneria') uor.head = user;
      if (d.username === 'rpa.tecnico') {
        const tec = uors.get('TEC');
        if (tec) tec.head = user;
      }
    }
    if (options.documents) {
      await seedDemoDocuments(tx, options.documents.blobs, options.documents.clock, uors, users);
    }
    return true;
  });
}
