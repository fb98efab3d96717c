import { pipeline } from 'node:stream/promises';
import type { Express } from 'express';
import { auditRead } from '../../server/audit/audit-log.js';
import { contentDisposition } from '../../server/http/content-disposition.js';
import { runModuleRoute } from '../../server/http/module-route.js';
import type { Platform } from '../../server/platform.js';
import { registerFile } from './daily-register-read.service.js';

export const registerXmlPath = (id: string): string =>
  `/daily-registers/${encodeURIComponent(id)}/registro.xml`;
export const registerSealPath = (id: string): string =>
  `/daily-registers/${encodeURIComponent(id)}/registro.xml.p7s`;

/**
 * The register's XML and its detached seal, beside GraphQL (`GET /daily-registers/:id/registro.xml`
 * and `…/registro.xml.p7s`, bearer token), for holders of DAILY_REGISTER_READ in its AOO whatever
 * the document's office; each download is audited as `file.download`.
 */
export function dailyRegisterRoutes(app: Express, platform: Platform): void {
  for (const which of ['xml', 'p7s'] as const) {
    const path =
      which === 'xml' ? '/daily-registers/:id/registro.xml' : '/daily-registers/:id/registro.xml.p7s';
    app.get(path, (req, res, next) => {
      runModuleRoute(platform, req, res, next, async (ctx) => {
        const { register, file } = await registerFile(ctx, String(req.params['id']), which);
        const body = await platform.blobs.get(file.blobKey);
        try {
          await auditRead(ctx, {
            aooId: register.aooId,
            operation: 'file.download',
            targetType: 'StoredFile',
            targetId: file.id,
            changes: { dailyRegister: register.id },
          });
        } catch (e) {
          body.destroy();
          throw e;
        }
        res.setHeader('Content-Type', file.mediaType);
        res.setHeader('Content-Length', String(file.size));
        res.setHeader('Content-Disposition', contentDisposition(file.originalName));
        res.setHeader('X-Content-SHA256', file.sha256);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'private, no-store');
        await pipeline(body, res);
      });
    });
  }
}
