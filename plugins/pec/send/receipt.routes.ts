import type { Express, NextFunction, Request, Response } from 'express';
import { auditRead } from '../../../server/audit/audit-log.js';
import type { RequestContext } from '../../../server/context.js';
import { NotFoundError } from '../../../server/errors/domain-error.js';
import { isUuid } from '../../../server/errors/input-checks.js';
import { contentDisposition } from '../../../server/http/content-disposition.js';
import { runModuleRoute } from '../../../server/http/module-route.js';
import type { Platform } from '../../../server/platform.js';
import { findVisibleRecord } from '../../../schema/protocollo/index.js';
import { PecMessage } from '../inbox/pec-message.entity.js';
import { PecDelivery } from './delivery.entity.js';
import { PecReceipt } from './receipt.entity.js';

/** Where a receipt's raw message is served (PecReceipt.rawUrl points here). */
export const receiptRawPath = (receiptId: string): string =>
  `/pec-receipts/${encodeURIComponent(receiptId)}/raw.eml`;

/**
 * A receipt of a delivery whose record the caller sees; NOT_FOUND otherwise, exactly like a
 * missing id (an unmatched receipt belongs to no record: the mailbox's inbox shows it).
 */
async function visibleReceipt(
  ctx: RequestContext,
  id: string,
): Promise<{ receipt: PecReceipt; message: PecMessage }> {
  const receipt = isUuid(id) ? await ctx.em.findOne(PecReceipt, { id }) : null;
  const delivery = receipt?.deliveryId ? await ctx.em.findOne(PecDelivery, { id: receipt.deliveryId }) : null;
  const recordId = delivery?.recordId ?? delivery?.relatedRecordId;
  if (!receipt || !recordId) throw new NotFoundError('PecReceipt', id);
  try {
    await findVisibleRecord(ctx, ctx.em, recordId);
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError('PecReceipt', id);
    throw e;
  }
  const message = await ctx.em.findOneOrFail(PecMessage, { id: receipt.pecMessageId });
  return { receipt, message };
}

/**
 * `GET /pec-receipts/:id/raw.eml`: the receipt exactly as the provider sent it (its signature
 * and daticert.xml inside), with a bearer token, under the record's visibility; every download
 * audited like a file's.
 */
export function pecReceiptRoutes(app: Express, platform: Platform): void {
  app.get('/pec-receipts/:id/raw.eml', (req: Request, res: Response, next: NextFunction): void => {
    runModuleRoute(platform, req, res, next, async (ctx) => {
      const { receipt, message } = await visibleReceipt(ctx, String(req.params['id']));
      const stream = await platform.blobs.get(message.rawBlobKey);
      await auditRead(ctx, {
        aooId: message.aooId,
        operation: 'pec.receipt.download',
        targetType: 'PecReceipt',
        targetId: receipt.id,
        changes: { deliveryId: receipt.deliveryId, kind: receipt.kind },
      });
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Content-Length', String(message.size));
      res.setHeader('Content-Disposition', contentDisposition(`ricevuta-${receipt.kind}-${receipt.id}.eml`));
      res.status(200);
      stream.on('error', (err) => res.destroy(err));
      stream.pipe(res);
    });
  });
}
