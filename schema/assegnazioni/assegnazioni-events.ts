import { DomainEvent } from '../../server/events/domain-event.js';
import type { WorkflowAction } from './assegnazioni-enums.js';

/** What a subscriber needs to decide, per event, whether a step concerns it and whether it may see the record. */
export interface WorkflowStepData {
  /** workflow_step.id: the event id a reconnecting subscriber resumes from. */
  stepId: string;
  aooId: string;
  recordId: string;
  documentId: string;
  assignmentId: string | null;
  action: WorkflowAction;
  fromUorId: string | null;
  fromUserId: string | null;
  toUorId: string | null;
  toUserId: string | null;
  /** The step's time (the request clock), ISO 8601. */
  at: string;
}

/** A workflow step committed (smistamento, CC, assignment, presa in carico, rejection, transfer, restituzione). */
export class WorkflowStepRecorded extends DomainEvent<WorkflowStepData> {
  static override readonly topic = 'assegnazioni.step';
}

export const WORKFLOW_EVENTS = [WorkflowStepRecorded];
