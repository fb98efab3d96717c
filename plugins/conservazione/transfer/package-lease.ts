import pg from 'pg';
import type { Platform } from '../../../server/platform.js';

/**
 * Runs `work` while this process holds the package's lease: a PostgreSQL advisory lock on a
 * session of its own, so one transfer of a package runs at a time across replicas and CLI runs,
 * and a process killed mid-transfer releases it with its connection. Null: another holds it.
 */
export async function withPackageLease<T>(
  platform: Platform,
  packageId: string,
  work: () => Promise<T>,
): Promise<T | null> {
  const session = new pg.Client({
    connectionString: platform.orm.config.get('clientUrl'),
    application_name: 'dms-conservation-transfer',
  });
  // A dropped session only means the lease is gone; the work's own transactions decide the outcome.
  session.on('error', (err) =>
    platform.logger.warn({ err, packageId }, 'conservation lease session dropped'),
  );
  await session.connect();
  try {
    const got = await session.query<{ locked: boolean }>(
      'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
      [`conservazione.transfer:${packageId}`],
    );
    if (!got.rows[0]?.locked) return null;
    return await work();
  } finally {
    await session.end().catch(() => undefined); // ending the session releases the lock
  }
}
