import { DomainEvent } from '../../../server/events/domain-event.js';
import type { ConservationColour, PackageKind } from './conservation-enums.js';

/** A package was created or its colour changed. */
export class ConservationPackageChanged extends DomainEvent<{
  packageId: string;
  aooId: string;
  kind: PackageKind;
  colour: ConservationColour;
  fascicoloId: string | null;
  dailyRegisterId: string | null;
}> {
  static override readonly topic = 'conservazione.package-changed';
}

/** One document's outcome at the conservator arrived (green or red). */
export class ConservationItemChanged extends DomainEvent<{
  itemId: string;
  packageId: string;
  aooId: string;
  documentId: string;
  colour: ConservationColour;
}> {
  static override readonly topic = 'conservazione.item-changed';
}

export const CONSERVATION_EVENTS = [ConservationPackageChanged, ConservationItemChanged];
