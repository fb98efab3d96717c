import { Router } from 'express';
import { pendingMigrations } from '../db/orm.js';
import type { Platform } from '../platform.js';

/**
 * /healthz: the process is alive. /readyz: it can serve: database reachable with every
 * migration applied, blob storage reachable, not shutting down.
 */
export function healthRoutes(platform: Platform, isDraining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    if (isDraining()) checks['server'] = 'shutting down';
    try {
      await platform.orm.em.fork().getConnection().execute('select 1');
      const pending = await pendingMigrations(platform.orm);
      checks['database'] = pending.length === 0 ? 'ok' : `${pending.length} pending migrations`;
    } catch (e) {
      // Details (hosts, credentials errors) go to the log, not to anonymous callers.
      platform.logger.warn({ err: e }, 'readiness: database unreachable');
      checks['database'] = 'unreachable';
    }
    try {
      await platform.blobs.ping();
      checks['blobStorage'] = 'ok';
    } catch (e) {
      platform.logger.warn({ err: e }, 'readiness: blob storage unreachable');
      checks['blobStorage'] = 'unreachable';
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
