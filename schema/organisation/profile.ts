import { registerEnumType } from 'type-graphql';
import { Permission as P } from '../../server/auth/permission.js';

/** The profiles of the manuals (001 §2.5, 002 §10.2). */
export enum Profile {
  SYSTEM_ADMIN = 'SYSTEM_ADMIN',
  RGD = 'RGD',
  PROTOCOLLISTA = 'PROTOCOLLISTA',
  RPA = 'RPA',
  TOTAL_VISIBILITY = 'TOTAL_VISIBILITY',
  READ_ONLY = 'READ_ONLY',
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

export interface ProfileTemplate {
  scope: GrantScope;
  permissions: readonly P[];
}

export const PROFILE_TEMPLATES: Readonly<Record<Profile, ProfileTemplate>> = {
  [Profile.SYSTEM_ADMIN]: {
    scope: GrantScope.AOO,
    permissions: [P.ORG_ADMIN, P.ORG_READ, P.TITOLARIO_MANAGE, P.REPERTORIO_MANAGE, P.AUDIT_READ],
  },
  [Profile.RGD]: {
    scope: GrantScope.AOO,
    permissions: [
      P.ORG_READ,
      P.PROTOCOL_READ,
      P.PROTOCOL_REGISTER,
      P.PROTOCOL_UPDATE,
      P.PROTOCOL_ANNUL,
      P.PROTOCOL_READ_RESERVED,
      P.PROTOCOL_PARTICOLARE,
      P.PROTOCOL_READ_PERSONAL_DATA,
      P.DOCUMENT_CREATE,
      P.TITOLARIO_MANAGE,
      P.FASCICOLO_MANAGE,
      P.REPERTORIO_MANAGE,
      P.EMERGENCY_REGISTER_MANAGE,
      P.AUDIT_READ,
    ],
  },
  [Profile.PROTOCOLLISTA]: {
    scope: GrantScope.AOO,
    permissions: [
      P.ORG_READ,
      P.PROTOCOL_READ,
      P.PROTOCOL_REGISTER,
      P.PROTOCOL_UPDATE,
      P.PROTOCOL_READ_PERSONAL_DATA,
      P.DOCUMENT_CREATE,
    ],
  },
  [Profile.RPA]: {
    scope: GrantScope.UOR_SUBTREE,
    permissions: [
      P.ORG_READ,
      P.PROTOCOL_READ,
      P.PROTOCOL_REGISTER,
      P.PROTOCOL_UPDATE,
      // Riservato documents stay limited to those involved (001 §8.9); the right only enables it.
      P.PROTOCOL_READ_RESERVED,
      P.PROTOCOL_READ_PERSONAL_DATA,
      P.DOCUMENT_CREATE,
      P.FASCICOLO_MANAGE,
    ],
  },
  [Profile.TOTAL_VISIBILITY]: {
    scope: GrantScope.AOO,
    // The head of the institution and the secretariats: reserved and particolare when named (001 §8.10).
    permissions: [
      P.ORG_READ,
      P.PROTOCOL_READ,
      P.PROTOCOL_READ_RESERVED,
      P.PROTOCOL_PARTICOLARE,
      P.PROTOCOL_READ_PERSONAL_DATA,
    ],
  },
  [Profile.READ_ONLY]: {
    scope: GrantScope.UOR,
    permissions: [P.ORG_READ, P.PROTOCOL_READ],
  },
};
