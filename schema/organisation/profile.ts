import { registerEnumType } from 'type-graphql';

/** The profiles of the manuals (001 §2.5, 002 §10.2). */
export enum Profile {
  SYSTEM_ADMIN = 'SYSTEM_ADMIN',
  RGD = 'RGD',
  PROTOCOLLISTA = 'PROTOCOLLISTA',
  RPA = 'RPA',
  TOTAL_VISIBILITY = 'TOTAL_VISIBILITY',
  READ_ONLY = 'READ_ONLY',
  ARCHIVISTA = 'ARCHIVISTA',
}

registerEnumType(Profile, {
  name: 'Profile',
  description: 'A role template granting a set of permissions (001 §2.5, 002 §10.2)',
  valuesConfig: {
    SYSTEM_ADMIN: { description: 'Administers the AOO: structure, users, titolario, repertori, audit' },
    RGD: {
      description:
        'Responsabile della Gestione Documentale: runs the register, annuls, every right of the AOO',
    },
    PROTOCOLLISTA: { description: 'Registers documents and attaches files, for the whole AOO' },
    RPA: {
      description: 'Responsabile del procedimento: handles cases and fascicoli of the UOR and those below it',
    },
    TOTAL_VISIBILITY: {
      description: 'Sees everything of the AOO (head of the body, secretariats), particolare when named',
    },
    READ_ONLY: { description: 'Reads the registrations of the own UOR only' },
    ARCHIVISTA: {
      description:
        "Archivist: reads the AOO's registrations and fascicoli and transfers them to conservation (DOMAIN §9)",
    },
  },
});

/**
 * Where a profile's permissions apply: the whole AOO, or the member's UOR and the UORs below
 * it (a head sees subordinate UORs), or the member's UOR only.
 */
export enum GrantScope {
  AOO = 'AOO',
  UOR_SUBTREE = 'UOR_SUBTREE',
  UOR = 'UOR',
}

registerEnumType(GrantScope, {
  name: 'GrantScope',
  description: 'Where a profile applies in its AOO',
  valuesConfig: {
    AOO: { description: 'The whole AOO' },
    UOR_SUBTREE: { description: 'The member UOR and the UORs below it' },
    UOR: { description: 'The member UOR only' },
  },
});

/** Where each profile's per-office permissions apply (the permissions name their profiles). */
export const PROFILE_SCOPES: Readonly<Record<Profile, GrantScope>> = {
  [Profile.SYSTEM_ADMIN]: GrantScope.AOO,
  [Profile.RGD]: GrantScope.AOO,
  [Profile.PROTOCOLLISTA]: GrantScope.AOO,
  // Riservato documents stay limited to those involved (001 §8.9), whatever the scope.
  [Profile.RPA]: GrantScope.UOR_SUBTREE,
  // The head of the institution and the secretariats: reserved and particolare when named (001 §8.10).
  [Profile.TOTAL_VISIBILITY]: GrantScope.AOO,
  [Profile.READ_ONLY]: GrantScope.UOR,
  // Conservation concerns every office's records.
  [Profile.ARCHIVISTA]: GrantScope.AOO,
};
