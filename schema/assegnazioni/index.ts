import { defineModule } from '../../server/modules/module.js';
import { seedDemoAssegnazioni } from './demo/demo-assegnazioni.js';
import { WORKFLOW_ERROR_CODES } from './assegnazioni.errors.js';
import { WORKFLOW_EVENTS } from './assegnazioni-events.js';
import {
  AssignmentFieldsResolver,
  RecordWorkflowFieldsResolver,
  WorkflowStepFieldsResolver,
} from './assegnazioni-fields.resolver.js';
import { AssegnazioniResolver } from './assegnazioni.resolver.js';
import { InboxEntryFieldsResolver, InboxResolver } from './inbox.resolver.js';
import {
  AssignmentNoticeFieldsResolver,
  WorkflowSubscriptionsResolver,
} from './workflow-subscriptions.resolver.js';
import { Assignment } from './assignment.entity.js';
import { assignmentNoticeJob } from './assignment-notice.job.js';
import { Migration20261205000081_assegnazioni } from './migrations/Migration20261205000081_assegnazioni.js';
import { WORKFLOW_PERMISSIONS } from './permissions.js';
import { WorkflowStep } from './workflow-step.entity.js';

/**
 * The assignment workflow (DOMAIN §6): smistamento to offices per competenza and conoscenza,
 * assignment of the RPA, presa in carico, rigetto (at most two), transfer of competence and
 * restituzione, every step history, audited and an event; the inboxes ("vaschette") and their
 * live subscriptions.
 */
export const assegnazioniModule = defineModule({
  name: 'assegnazioni',
  entities: [Assignment, WorkflowStep],
  migrations: [{ name: 'Migration20261205000081_assegnazioni', class: Migration20261205000081_assegnazioni }],
  resolvers: [
    AssegnazioniResolver,
    AssignmentFieldsResolver,
    WorkflowStepFieldsResolver,
    RecordWorkflowFieldsResolver,
    InboxResolver,
    InboxEntryFieldsResolver,
    WorkflowSubscriptionsResolver,
    AssignmentNoticeFieldsResolver,
  ],
  jobs: [assignmentNoticeJob],
  permissions: WORKFLOW_PERMISSIONS,
  errorCodes: WORKFLOW_ERROR_CODES,
  events: WORKFLOW_EVENTS,
  seedDemo: seedDemoAssegnazioni,
});

export { Assignment, WorkflowStep };
export { AssignmentState, WorkflowAction } from './assegnazioni-enums.js';
export { WorkflowStepRecorded } from './assegnazioni-events.js';
export { smistaProtocol } from './smistamento.service.js';
export { SmistaProtocolInput } from './assegnazioni.inputs.js';
export {
  WORKFLOW_ASSIGN,
  WORKFLOW_DISPATCH,
  WORKFLOW_DISPATCH_BY_AUTHORITY,
  WORKFLOW_HANDLE,
} from './permissions.js';
