import { definePermission } from '../../server/auth/permissions.js';
import { Profile } from '../organisation/index.js';

/** The protocol office sends registrations to the offices (001 §8.1, 002 chap. 5). */
export const WORKFLOW_DISPATCH = definePermission({
  name: 'WORKFLOW_DISPATCH',
  description:
    'Send registrations of the AOO to offices per competenza and per conoscenza (smistamento), and see the rejected ones',
  scope: 'AOO',
  profiles: [Profile.RGD, Profile.PROTOCOLLISTA],
});

/** After two rejections only the RGD assigns (DOMAIN §6: assignment by authority). */
export const WORKFLOW_DISPATCH_BY_AUTHORITY = definePermission({
  name: 'WORKFLOW_DISPATCH_BY_AUTHORITY',
  description: 'Send a registration already rejected twice to an office, which can no longer reject it',
  scope: 'AOO',
  profiles: [Profile.RGD],
});

/** Besides the office's head, who may name the RPA of what reaches an office. */
export const WORKFLOW_ASSIGN = definePermission({
  name: 'WORKFLOW_ASSIGN',
  description:
    'Assign the RPA of registrations sent to the offices in scope (the head of an office always may)',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.RPA],
});

/** Reject, transfer: the office answers for what reached it. */
export const WORKFLOW_HANDLE = definePermission({
  name: 'WORKFLOW_HANDLE',
  description:
    'Reject or transfer the competence of registrations sent to the offices in scope (the head of an office and the RPA always may)',
  scope: 'UOR',
  profiles: [Profile.RGD, Profile.RPA],
});

export const WORKFLOW_PERMISSIONS = [
  WORKFLOW_DISPATCH,
  WORKFLOW_DISPATCH_BY_AUTHORITY,
  WORKFLOW_ASSIGN,
  WORKFLOW_HANDLE,
];
