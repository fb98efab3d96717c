import { Router } from 'express';
import pg from 'pg';
import type { Platform } from '../platform.js';

/** A readiness answer serves every probe for this long: a flood of probes costs one check. */
export const READINESS_CACHE_MS = 1000;
/** The modules' health reports are computed at most this often (they query the database). */
export const REPORTS_CACHE_MS = 60_000;

type Checks = Record<string, string>;

interface Readiness {
  /** When the shared answer was computed (probes within READINESS_CACHE_MS get the same one). */
  checkedAt: string;
  checks: Checks;
}

export interface HealthRoutes {
  router: Router;
  close(): Promise<void>;
}

/**
 * /healthz: the process is alive. /readyz: it can serve: database reachable with every
 * migration applied, blob storage reachable, not shutting down. Anyone may call /readyz, so its
 * answer is shared for READINESS_CACHE_MS and its query runs on a connection of its own: probes
 * neither load the database nor wait behind requests for the request pool.
 */
export function healthRoutes(
  platform: Platform,
  isDraining: () => boolean,
  expectedMigrations: readonly string[],
): HealthRoutes {
  const router = Router();
  const pool = new pg.Pool({
    connectionString: platform.orm.config.get('clientUrl'),
    max: 1,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    application_name: 'dms-readiness',
  });
  pool.on('error', (err) => platform.logger.warn({ err }, 'readiness connection error'));
  let cached: { at: number; readiness: Promise<Readiness> } | undefined;

  const database = async (): Promise<string> => {
    try {
      const { rows } = await pool.query<{ name: string }>('select name from mikro_orm_migrations');
      const applied = new Set(rows.map((r) => r.name));
      const pending = expectedMigrations.filter((m) => !applied.has(m)).length;
      return pending === 0 ? 'ok' : `${pending} pending migrations`;
    } catch (e) {
      // Details (hosts, credentials errors) go to the log, not to anonymous callers.
      platform.logger.warn({ err: e }, 'readiness: database unreachable');
      return 'unreachable';
    }
  };
  const blobStorage = async (): Promise<string> => {
    try {
      await platform.blobs.ping();
      return 'ok';
    } catch (e) {
      platform.logger.warn({ err: e }, 'readiness: blob storage unreachable');
      return 'unreachable';
    }
  };
  const readiness = (): Promise<Readiness> => {
    const now = Date.now();
    if (cached === undefined || now - cached.at >= READINESS_CACHE_MS) {
      cached = {
        at: now,
        readiness: Promise.all([database(), blobStorage()]).then(([db, blobs]) => ({
          checkedAt: new Date(now).toISOString(),
          checks: { database: db, blobStorage: blobs },
        })),
      };
    }
    return cached.readiness;
  };

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The modules' reports (DmsModule.healthReports): shown beside the checks, never a 503.
  const reporters = platform.modules.modules.flatMap((m) => m.healthReports ?? []);
  let cachedReports: { at: number; reports: Promise<Record<string, string[]>> } | undefined;
  const reports = (): Promise<Record<string, string[]>> => {
    const now = Date.now();
    if (cachedReports === undefined || now - cachedReports.at >= REPORTS_CACHE_MS) {
      cachedReports = {
        at: now,
        reports: Promise.all(
          reporters.map(async (r): Promise<[string, string[]]> => {
            try {
              return [r.name, await r.report(platform)];
            } catch (e) {
              platform.logger.warn({ err: e, report: r.name }, 'health report failed');
              return [r.name, ['the report could not be computed (see the log)']];
            }
          }),
        ).then((entries) => Object.fromEntries(entries)),
      };
    }
    return cachedReports.reports;
  };

  router.get('/readyz', async (_req, res) => {
    const [{ checkedAt, checks }, moduleReports] = await Promise.all([readiness(), reports()]);
    const result: Checks = { ...(isDraining() ? { server: 'shutting down' } : {}), ...checks };
    const ready = Object.values(result).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: result,
      ...(reporters.length > 0 ? { reports: moduleReports } : {}),
      checkedAt,
    });
  });
  return { router, close: () => pool.end() };
}
