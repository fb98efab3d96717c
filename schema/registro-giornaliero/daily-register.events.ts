import { DomainEvent } from '../../server/events/domain-event.js';
import type { DailyRegisterState } from './daily-register.entity.js';

/** A day's register was produced and stored (READY_FOR_CONSERVATION): conservation sends it. */
export class DailyRegisterProduced extends DomainEvent<{
  dailyRegisterId: string;
  aooId: string;
  day: string;
  documentId: string;
}> {
  static override readonly topic = 'registro-giornaliero.produced';
}

/** A register moved on its way to conservation. */
export class DailyRegisterConservationChanged extends DomainEvent<{
  dailyRegisterId: string;
  aooId: string;
  day: string;
  state: DailyRegisterState;
}> {
  static override readonly topic = 'registro-giornaliero.conservation-changed';
}

export const DAILY_REGISTER_EVENTS = [DailyRegisterProduced, DailyRegisterConservationChanged];
