import { definePermission } from '../../../server/auth/permissions.js';
import { Profile } from '../../../schema/organisation/index.js';

/** Mailboxes and who uses them are the AOO's administration (DOMAIN §8). */
export const PEC_MAILBOX_MANAGE = definePermission({
  name: 'PEC_MAILBOX_MANAGE',
  description:
    "Create and configure the AOO's PEC and PEO mailboxes and grant their use to users and offices",
  scope: 'AOO',
  profiles: [Profile.SYSTEM_ADMIN, Profile.RGD],
});

/**
 * The profile gate of every mailbox operation: which mailbox and what (read, register, send) is
 * the per-mailbox grant's. Who holds both this and PEC_MAILBOX_MANAGE in an AOO (the RGD) holds
 * every right on its mailboxes.
 */
export const PEC_MAILBOX_USE = definePermission({
  name: 'PEC_MAILBOX_USE',
  description:
    "Work with the AOO's mailboxes granted to the user or their offices: read, register or discard incoming messages, send",
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA, Profile.RPA],
});

export const PEC_PERMISSIONS = [PEC_MAILBOX_MANAGE, PEC_MAILBOX_USE];
