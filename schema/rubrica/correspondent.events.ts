import { DomainEvent } from '../../server/events/domain-event.js';

/** Which entry, of which AOO, at which version: enough for a subscriber to check visibility. */
interface CorrespondentRef {
  correspondentId: string;
  aooId: string;
  version: number;
}

/** A correspondent was added to the directory (by hand or by an IPA import). */
export class CorrespondentCreated extends DomainEvent<CorrespondentRef> {
  static override readonly topic = 'rubrica.correspondent-created';
}

/** A correspondent has a new version: edited, deactivated, reactivated or updated by an import. */
export class CorrespondentUpdated extends DomainEvent<CorrespondentRef> {
  static override readonly topic = 'rubrica.correspondent-updated';
}

export const RUBRICA_EVENTS = [CorrespondentCreated, CorrespondentUpdated];
