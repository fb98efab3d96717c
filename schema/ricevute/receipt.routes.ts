import type { Express, NextFunction, Request, Response } from 'express';
import type { RequestContext } from '../../server/context.js';
import { contentDisposition } from '../../server/http/content-disposition.js';
import { runModuleRoute } from '../../server/http/module-route.js';
import type { Platform } from '../../server/platform.js';
import { receiptFacts } from './receipt-facts.js';
import { issueLabel, issueReceipt, type IssuedPdf } from './receipt.service.js';

/** Where the PDFs of a registration are served (ProtocolRecord.receiptUrl and labelUrl point here). */
export const receiptPath = (recordId: string): string =>
  `/protocol-records/${encodeURIComponent(recordId)}/receipt.pdf`;
export const labelPath = (recordId: string): string =>
  `/protocol-records/${encodeURIComponent(recordId)}/label.pdf`;

/**
 * The receipt and the label of a registration, as PDF beside GraphQL (a browser or a label
 * printer wants a file, not a JSON string): `GET /protocol-records/:id/receipt.pdf` and
 * `GET /protocol-records/:id/label.pdf`, with a bearer token like `GET /files/:id`. A record the
 * caller does not see is a 404 exactly like a missing one. HEAD answers the headers of a record
 * the caller sees without rendering or auditing anything.
 */
export function receiptRoutes(app: Express, platform: Platform): void {
  const serve = (issue: (ctx: RequestContext, id: string) => Promise<IssuedPdf>) => {
    return (req: Request, res: Response, next: NextFunction): void => {
      runModuleRoute(platform, req, res, next, async (ctx) => {
        const id = String(req.params['id']);
        if (req.method === 'HEAD') {
          await receiptFacts(ctx, id);
          sendPdfHeaders(res);
          res.status(200).end();
          return;
        }
        const issued = await issue(ctx, id);
        sendPdfHeaders(res);
        res.setHeader('Content-Disposition', contentDisposition(issued.fileName));
        res.setHeader('Content-Length', String(issued.pdf.length));
        res.status(200).end(issued.pdf);
      });
    };
  };
  app.get('/protocol-records/:id/receipt.pdf', serve(issueReceipt));
  app.get('/protocol-records/:id/label.pdf', serve(issueLabel));
}

function sendPdfHeaders(res: Response): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Personal data and a viewing each time: never from a shared or browser cache.
  res.setHeader('Cache-Control', 'private, no-store');
}
