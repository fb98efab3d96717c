import { DomainEvent } from '../../server/events/domain-event.js';

interface VersionRef {
  versionId: string;
  aooId: string;
}

/** A draft titolario version was created (empty, copied from another version, or imported). */
export class TitolarioDraftCreated extends DomainEvent<VersionRef & { validFrom: string }> {
  static override readonly topic = 'titolario.draft-created';
}

/** The nodes or index terms of a draft changed. */
export class TitolarioDraftChanged extends DomainEvent<
  VersionRef & { nodeId: string | null; change: string }
> {
  static override readonly topic = 'titolario.draft-changed';
}

/** A version was approved and published: it takes effect on validFrom. */
export class TitolarioVersionPublished extends DomainEvent<VersionRef & { validFrom: string }> {
  static override readonly topic = 'titolario.version-published';
}

/** A draft was discarded. */
export class TitolarioDraftDeleted extends DomainEvent<VersionRef> {
  static override readonly topic = 'titolario.draft-deleted';
}

export const TITOLARIO_EVENTS = [
  TitolarioDraftCreated,
  TitolarioDraftChanged,
  TitolarioVersionPublished,
  TitolarioDraftDeleted,
];
