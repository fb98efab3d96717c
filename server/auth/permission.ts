import { registerEnumType } from 'type-graphql';

/**
 * What a user may do. Rights in the manuals combine visibility, insertion, modification of
 * managed fields and annulment (001 §2.5, 002 §10.2); each is granted per AOO, optionally
 * limited to a UOR subtree.
 */
export enum Permission {
  ORG_ADMIN = 'ORG_ADMIN',
  ORG_READ = 'ORG_READ',
  PROTOCOL_READ = 'PROTOCOL_READ',
  PROTOCOL_REGISTER = 'PROTOCOL_REGISTER',
  PROTOCOL_UPDATE = 'PROTOCOL_UPDATE',
  PROTOCOL_ANNUL = 'PROTOCOL_ANNUL',
  PROTOCOL_READ_RESERVED = 'PROTOCOL_READ_RESERVED',
  PROTOCOL_PARTICOLARE = 'PROTOCOL_PARTICOLARE',
  PROTOCOL_READ_PERSONAL_DATA = 'PROTOCOL_READ_PERSONAL_DATA',
  DOCUMENT_CREATE = 'DOCUMENT_CREATE',
  TITOLARIO_MANAGE = 'TITOLARIO_MANAGE',
  FASCICOLO_MANAGE = 'FASCICOLO_MANAGE',
  REPERTORIO_MANAGE = 'REPERTORIO_MANAGE',
  EMERGENCY_REGISTER_MANAGE = 'EMERGENCY_REGISTER_MANAGE',
  AUDIT_READ = 'AUDIT_READ',
}

/** What each permission allows, for client teams (the SDL shows it on the enum value). */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  [Permission.ORG_ADMIN]: 'Administer the AOO: UORs, users and memberships',
  [Permission.ORG_READ]: 'Read the structure of the AOO: UORs, users, memberships',
  [Permission.PROTOCOL_READ]: 'See registrations and documents of the scope',
  [Permission.PROTOCOL_REGISTER]: 'Register documents (arrivo, partenza, interno)',
  [Permission.PROTOCOL_UPDATE]:
    'Modify the managed (non-registratura) fields: UOR, RPA, classification, fascicolo',
  [Permission.PROTOCOL_ANNUL]: 'Annul registrations (RGD and delegates, 001 §8.12)',
  [Permission.PROTOCOL_READ_RESERVED]: 'See riservato records one is involved in (001 §8.9)',
  [Permission.PROTOCOL_PARTICOLARE]: 'Register and see protocollo particolare when named (001 §8.10)',
  [Permission.PROTOCOL_READ_PERSONAL_DATA]:
    'See personal data of correspondents and signers (names, codici fiscali, contacts)',
  [Permission.DOCUMENT_CREATE]: 'Upload files and create draft documents',
  [Permission.TITOLARIO_MANAGE]: 'Manage the titolario (classification scheme) of the AOO',
  [Permission.FASCICOLO_MANAGE]: 'Open, close and manage fascicoli',
  [Permission.REPERTORIO_MANAGE]: 'Manage repertori and register in them',
  [Permission.EMERGENCY_REGISTER_MANAGE]: 'Open and close the emergency register (RGD, 001 §6.9)',
  [Permission.AUDIT_READ]: 'Read the audit trail of the AOO',
};

registerEnumType(Permission, {
  name: 'Permission',
  description: 'A right, granted per AOO and optionally per UOR subtree',
  valuesConfig: Object.fromEntries(
    Object.entries(PERMISSION_DESCRIPTIONS).map(([p, description]) => [p, { description }]),
  ),
});
