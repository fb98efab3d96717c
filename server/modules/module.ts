import type { MigrationObject } from '@mikro-orm/core';
import type { Express } from 'express';
import type { Config } from '../config.js';
import type { IdentityProvider } from '../auth/principal.js';
import type { PermissionDefinition, PermissionRegistry } from '../auth/permissions.js';
import type { RequestContext } from '../context.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { ErrorCodeDefinition } from '../errors/error-codes.js';
import type { DomainEvent, DomainEventClass } from '../events/domain-event.js';
import type { Platform } from '../platform.js';

/**
 * A module of the platform: a core module (`schema/<name>/`) or a plugin (`plugins/<name>/`),
 * in the same shape. It declares everything it contributes; the host composes every module of
 * one ordered list (the core modules, then the plugins named in DMS_PLUGINS), checks that they
 * do not clash, and builds from them the database mapping, the migrations, the GraphQL schema
 * (with the `Permission` and `ErrorCode` enums), the HTTP routes, the jobs and the event
 * handlers. A module reaches another only through what that module exports from its
 * `index.ts`, never its tables or internals; plugins never import each other.
 */
export interface DmsModule {
  /** Unique, lowercase: `organisation`, `documents`, `pec`. */
  readonly name: string;
  /** MikroORM entity classes. */
  readonly entities?: readonly Function[];
  /**
   * Migrations, oldest first, named `Migration<yyyymmddNNNNNN>_<what>`; the names are what the
   * database records as applied, so they never change once released.
   */
  readonly migrations?: readonly ModuleMigration[];
  /** type-graphql resolver classes (root operations and field resolvers). */
  readonly resolvers?: readonly Function[];
  /** Plain-HTTP routes, mounted before GraphQL (file bytes move beside it, not through it). */
  readonly routes?: readonly RouteInstaller[];
  /** Job handlers, recurring (cron) or enqueued in a transaction (UnitOfWork.enqueue). */
  readonly jobs?: readonly JobDefinition[];
  readonly permissions?: readonly PermissionDefinition[];
  readonly errorCodes?: readonly ErrorCodeDefinition[];
  /** The events the module publishes (their topics are unique on the platform). */
  readonly events?: readonly DomainEventClass[];
  /** Reactions to events of any module, run after the causing transaction commits. */
  readonly eventHandlers?: readonly EventHandlerDefinition[];
  /**
   * Exactly one module supplies the users and their grants (organisation), given the composed
   * permissions (they name the profiles that hold them).
   */
  readonly identity?: (permissions: PermissionRegistry) => IdentityProvider;
  /** `dms <command>` subcommands. */
  readonly commands?: readonly CliCommand[];
  /**
   * Problems an operator must act on that do not make the process unready (a daily register
   * missing): listed under `reports` in GET /readyz, which they never turn to 503.
   */
  readonly healthReports?: readonly HealthReport[];
  /**
   * Where the module's tables hold platform.blobs keys, each a SELECT of one `blob_key` column:
   * the orphan collector keeps the objects they name (a row is written under the digest's
   * advisory lock, `blobLockKey`, as an upload's is).
   */
  readonly blobReferences?: readonly string[];
  /**
   * Loads the module's demo data (SEED_DEMO, `dms seed-demo`) unless it is there already; the
   * host calls every module in order, in one transaction. Returns whether it loaded anything.
   */
  seedDemo?(tx: UnitOfWork): Promise<boolean>;
  /** Once the platform is composed and the database migrated, before the server accepts requests. */
  onBootstrap?(platform: Platform): Promise<void> | void;
  /** At shutdown, in reverse module order. */
  onShutdown?(): Promise<void> | void;
}

export interface ModuleMigration {
  readonly name: string;
  readonly class: MigrationObject['class'];
}

export type RouteInstaller = (app: Express, platform: Platform) => void;

export interface JobDefinition<TData extends object = object> {
  /** Unique on the platform: `module.what`, e.g. `documents.blob-scrub`. */
  readonly name: string;
  /** Runs on this schedule (cron, UTC) with no data. */
  readonly cron?: string;
  /** Attempts after the first failure, spaced by retryDelaySeconds doubling each time. */
  readonly retryLimit?: number;
  readonly retryDelaySeconds?: number;
  /**
   * The work. `ctx` is a system context: its user is the one whose request enqueued the job
   * (null for recurring jobs), with no grants of their own; its request id is that request's,
   * so the audit trail links the job to its cause.
   */
  run(ctx: RequestContext, data: TData): Promise<unknown>;
}

export interface EventHandlerDefinition<TData extends object = object> {
  readonly event: DomainEventClass<TData>;
  /** Runs in the replica that committed, in a system context of the event's origin. */
  handle(ctx: RequestContext, event: DomainEvent<TData>): Promise<void>;
}

export interface HealthReport {
  /** Unique on the platform: `module.what`, e.g. `registro-giornaliero.missing`. */
  readonly name: string;
  /** The problems found now, each one line an operator understands; none: all is well. */
  report(platform: Platform): Promise<string[]>;
}

/** `dms <name> …`: a command that runs on the platform (database migrated, modules bootstrapped). */
export interface PlatformCliCommand {
  /** `dms <name> …` */
  readonly name: string;
  /** One line for the usage text, arguments included. */
  readonly usage: string;
  readonly offline?: false;
  /** Exit code; problems the user can fix are thrown as CliError. */
  run(platform: Platform, args: readonly string[]): Promise<number>;
}

/**
 * A command that needs neither the database nor the platform (reading a file an operator holds, a
 * simulator for development): it runs where no database is reachable, and never migrates one.
 */
export interface OfflineCliCommand {
  readonly name: string;
  readonly usage: string;
  readonly offline: true;
  /** Exit code; problems the user can fix are thrown as CliError. */
  run(args: readonly string[], config: Config): Promise<number>;
}

export type CliCommand = PlatformCliCommand | OfflineCliCommand;

/** Declares a module (identity function: gives object literals the module type). */
export function defineModule(module: DmsModule): DmsModule {
  return module;
}
