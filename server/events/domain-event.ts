/**
 * A fact a module publishes after the change that caused it has committed: small, typed, and
 * serialisable (it may travel between replicas through Redis). A module declares one class per
 * kind of event, with a dotted topic unique on the platform:
 *
 *     export class DocumentCreated extends DomainEvent<{ documentId: string; aooId: string }> {
 *       static readonly topic = 'documents.created';
 *     }
 */
export abstract class DomainEvent<TData extends object = object> {
  /** Set on every subclass: `module.event`. */
  static readonly topic: string;

  constructor(readonly data: TData) {}

  get topic(): string {
    return (this.constructor as typeof DomainEvent).topic;
  }
}

export interface DomainEventClass<TData extends object = object> {
  readonly topic: string;
  // `never`: any event class is a DomainEventClass, whatever its data (constructor parameters are contravariant).
  new (data: never): DomainEvent<TData>;
}

/** What travels: the topic, the data, and who caused it in which request. */
export interface EventEnvelope<TData extends object = object> {
  topic: string;
  data: TData;
  origin: EventOrigin;
}

export interface EventOrigin {
  /** The user whose request caused it; null for the system (a job, the platform itself). */
  actorId: string | null;
  requestId: string;
  /** When the change committed, by the request's clock (ISO 8601). */
  at: string;
}
