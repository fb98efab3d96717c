import { DomainEvent } from '../../server/events/domain-event.js';

interface EmergencyRegisterRef {
  registerId: string;
  aooId: string;
}

/** The RGD opened the emergency register of an AOO (openEmergencyRegister). */
export class EmergencyRegisterOpened extends DomainEvent<
  EmergencyRegisterRef & { startedAt: string; cause: string }
> {
  static override readonly topic = 'emergenza.opened';
}

/** The RGD authorised a further period of an open register (extendEmergencyRegister, 001 §6.9). */
export class EmergencyRegisterExtended extends DomainEvent<
  EmergencyRegisterRef & { sequence: number; from: string; until: string; authorisation: string }
> {
  static override readonly topic = 'emergenza.extended';
}

/** The RGD closed it (closeEmergencyRegister). */
export class EmergencyRegisterClosed extends DomainEvent<
  EmergencyRegisterRef & { startedAt: string; endedAt: string }
> {
  static override readonly topic = 'emergenza.closed';
}

/**
 * Records of the emergency register were imported (importEmergencyRecords): each also has its
 * own ProtocolRegistered event with its ordinary number.
 */
export class EmergencyRecordsImported extends DomainEvent<
  EmergencyRegisterRef & { count: number; records: Array<{ recordId: string; year: number; number: number }> }
> {
  static override readonly topic = 'emergenza.records-imported';
}

export const EMERGENCY_EVENTS = [
  EmergencyRegisterOpened,
  EmergencyRegisterExtended,
  EmergencyRegisterClosed,
  EmergencyRecordsImported,
];
