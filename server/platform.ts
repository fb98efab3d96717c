import type { IdentityProvider } from './auth/principal.js';
import type { PermissionRegistry } from './auth/permissions.js';
import type { BlobStore } from './blob/blob-store.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { ErrorCodeRegistry } from './errors/error-codes.js';
import type { EventBus } from './events/event-bus.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { Logger } from './logger.js';
import type { Mailer } from './mail/mailer.js';
import type { AuditSealer } from './audit/audit-sealer.js';
import type { TokenService } from './auth/token-service.js';
import type { ComposedModules } from './modules/compose.js';

/**
 * The long-lived parts every request, job and module works with (the host API of the module
 * contract). Built once at start by `bootstrap`, closed once at shutdown.
 */
export interface Platform {
  config: Config;
  logger: Logger;
  orm: Orm;
  blobs: BlobStore;
  tokens: TokenService;
  clock: Clock;
  /** Users and their grants, from the module that owns them. */
  identity: IdentityProvider;
  permissions: PermissionRegistry;
  errorCodes: ErrorCodeRegistry;
  /** Releases events after commit to module handlers and subscribers (every replica). */
  events: EventBus;
  /** Jobs in PostgreSQL: enqueued in the transaction that causes them. */
  jobs: JobQueue;
  /** Outgoing e-mail, null when SMTP_URL is unset: send from jobs (they retry), never in a request. */
  mailer: Mailer | null;
  /** Seals committed audit rows into their AOO's hash chain, beside the requests. */
  auditSealer: AuditSealer;
  modules: ComposedModules;
}
