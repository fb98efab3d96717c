import { MikroORM, ReflectMetadataProvider, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { beginWithFirstStatement } from './begin-with-first-statement.js';

export type Orm = MikroORM<PostgreSqlDriver>;

/** What the composed modules map and migrate. */
export interface Schema {
  entities: readonly Function[];
  /** In order: modules in composition order, each module's oldest first. */
  migrations: readonly MigrationObject[];
}

export function ormOptions(clientUrl: string, logger: Logger, schema: Schema): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl,
    entities: [...schema.entities],
    metadataProvider: ReflectMetadataProvider,
    discovery: { requireEntitiesArray: true, disableDynamicFileAccess: true },
    extensions: [Migrator],
    migrations: {
      migrationsList: [...schema.migrations],
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Request work must use a fork (RequestContext.em); the global manager is off limits.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: {
      min: 0,
      max: 10,
      // Every connection of the pool sends a transaction's BEGIN with its first statement.
      afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) => {
        beginWithFirstStatement(connection);
        done(null, connection);
      },
    },
    logger: (message: string) => logger.debug({ component: 'orm' }, message),
    // knex would print pool warnings ("Connection Error: …" during an outage) to the console.
    driverOptions: {
      log: {
        warn: (message: string) => logger.warn({ component: 'knex' }, message),
        error: (message: string) => logger.error({ component: 'knex' }, message),
        deprecate: (message: string) => logger.debug({ component: 'knex' }, message),
        debug: (message: string) => logger.debug({ component: 'knex' }, message),
      },
    },
  };
}

export async function openOrm(clientUrl: string, logger: Logger, schema: Schema): Promise<Orm> {
  return MikroORM.init<PostgreSqlDriver>(ormOptions(clientUrl, logger, schema));
}

// Any constant shared by every replica; pg advisory locks are per database.
const MIGRATION_LOCK = 7_238_001;

/** Applies pending migrations; replicas starting together take turns on an advisory lock. */
export async function migrate(orm: Orm): Promise<string[]> {
  // A dedicated session holds the lock, so the migrator's own connections stay free.
  const lock = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await lock.end(); // ending the session releases the lock
  }
}

export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((m) => m.name);
}
