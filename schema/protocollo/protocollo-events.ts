import { DomainEvent } from '../../server/events/domain-event.js';

/** Where a record sits: enough for a subscriber to check, per event, whether it may see it. */
interface ProtocolRecordRef {
  recordId: string;
  aooId: string;
  documentId: string;
  /** The record's UOR (row visibility follows its document's). */
  uorId: string;
  kind: string;
  number: number;
  year: number;
}

/** A document was registered in the protocol (registerProtocol). */
export class ProtocolRegistered extends DomainEvent<ProtocolRecordRef & { registeredAt: string }> {
  static override readonly topic = 'protocollo.registered';
}

/** A registration was annulled (annulProtocol). */
export class ProtocolAnnulled extends DomainEvent<
  ProtocolRecordRef & { reason: string; authorisation: string }
> {
  static override readonly topic = 'protocollo.annulled';
}

/** Managed fields of a registration changed (updateProtocolFields): the new version and what changed. */
export class ProtocolFieldsChanged extends DomainEvent<
  ProtocolRecordRef & { version: number; fields: string[] }
> {
  static override readonly topic = 'protocollo.fields-changed';
}

export const PROTOCOL_EVENTS = [ProtocolRegistered, ProtocolAnnulled, ProtocolFieldsChanged];
