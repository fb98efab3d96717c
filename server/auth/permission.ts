import { registerEnumType } from 'type-graphql';

/**
 * What a user may do. Rights in the manuals combine visibility, insertion, modification of
 * managed fields and annulment (001 §2.5, 002 §10.2); each is granted per AOO, optionally
 * limited to a UOR subtree.
 */
export enum Permission {
  /** Administer administrations, AOOs, UORs, users and memberships. */
  ORG_ADMIN = 'ORG_ADMIN',
  /** Read organisation data (UOR tree, users of the AOO). */
  ORG_READ = 'ORG_READ',
  /** See registrations and documents of the scope. */
  PROTOCOL_READ = 'PROTOCOL_READ',
  /** Register documents (arrivo, partenza, interno). */
  PROTOCOL_REGISTER = 'PROTOCOL_REGISTER',
  /** Modify the managed (non-registratura) fields: UOR, RPA, classification, fascicolo. */
  PROTOCOL_UPDATE = 'PROTOCOL_UPDATE',
  /** Annul registrations (RGD and delegates, 001 §8.12). */
  PROTOCOL_ANNUL = 'PROTOCOL_ANNUL',
  /** See riservato records one is involved in (001 §8.9). */
  PROTOCOL_READ_RESERVED = 'PROTOCOL_READ_RESERVED',
  /** Register and see protocollo particolare when named (001 §8.10). */
  PROTOCOL_PARTICOLARE = 'PROTOCOL_PARTICOLARE',
  /** See personal data of correspondents (names, addresses, contacts). */
  PROTOCOL_READ_PERSONAL_DATA = 'PROTOCOL_READ_PERSONAL_DATA',
  /** Upload files and create draft documents. */
  DOCUMENT_CREATE = 'DOCUMENT_CREATE',
  TITOLARIO_MANAGE = 'TITOLARIO_MANAGE',
  FASCICOLO_MANAGE = 'FASCICOLO_MANAGE',
  REPERTORIO_MANAGE = 'REPERTORIO_MANAGE',
  /** Open and close the emergency register (RGD, 001 §6.9). */
  EMERGENCY_REGISTER_MANAGE = 'EMERGENCY_REGISTER_MANAGE',
  AUDIT_READ = 'AUDIT_READ',
}

registerEnumType(Permission, {
  name: 'Permission',
  description: 'A right, granted per AOO and optionally per UOR subtree',
});
