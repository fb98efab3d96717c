import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Express, NextFunction, Request, Response } from 'express';
import type { RequestContext } from '../../server/context.js';
import { contentDisposition } from '../../server/http/content-disposition.js';
import type { RequestAuthentication } from '../../server/http/authentication.js';
import { sendError } from '../../server/http/error-response.js';
import { discardRefusedBody } from '../../server/http/refused-body.js';
import { runModuleRoute } from '../../server/http/module-route.js';
import type { Platform } from '../../server/platform.js';
import { verifyDownloadLink } from './download-link.js';
import { openFileDownload, type FileDownload } from './file-download.service.js';
import { uploadFile } from './file-upload.service.js';

/** Form encodings: a browser's FormData or a <form> post, never the file's own bytes. */
const FORM_BODY = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

/**
 * File bytes move over plain HTTP beside GraphQL: `POST /files` (raw body, X-File-Name) and
 * `GET /files/:id` (ranges, digest header, bearer token or a signed link).
 */
export function fileRoutes(app: Express, platform: Platform): void {
  app.post('/files', (req, res, next) => {
    handle(platform, req, res, next, async (ctx) => {
      const max = platform.config.uploadMaxBytes;
      const declared = Number(req.header('content-length'));
      if (Number.isFinite(declared) && declared > max) {
        // Refuse before reading: the client learns at once and stops sending.
        refuseBody(
          req,
          res,
          413,
          'PAYLOAD_TOO_LARGE',
          `The file exceeds the maximum upload size of ${max} bytes`,
        );
        return;
      }
      if (FORM_BODY.test(req.header('content-type') ?? '')) {
        refuseBody(
          req,
          res,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'POST /files takes the raw bytes of one file as the body, not a form: send fetch(url, { method: "POST", body: file }) with the file\'s Content-Type and X-File-Name',
        );
        return;
      }
      const file = await uploadFile(ctx, {
        body: uploadBody(req),
        fileNameHeader: req.header('x-file-name'),
        declaredMediaType: req.header('content-type'),
      });
      res
        .status(201)
        .location(`/files/${file.id}`)
        .json({ id: file.id, sha256: file.sha256, size: file.size, mediaType: file.mediaType });
    });
  });

  app.get('/files/:id', (req, res, next) => {
    handle(platform, req, res, next, async (ctx) => {
      const download = await openFileDownload(ctx, String(req.params['id']), {
        range: req.header('range'),
        headOnly: req.method === 'HEAD',
      });
      const body = download.kind === 'unsatisfiable' ? null : download.body;
      try {
        sendDownloadHeaders(res, download);
      } catch (e) {
        body?.destroy();
        throw e;
      }
      if (body === null) {
        res.end();
        return;
      }
      await pipeline(body, res).catch((err: unknown) => {
        // A client that goes away mid-download is not a server error.
        if (!res.writableFinished) ctx.logger.debug({ err }, 'download interrupted');
      });
    });
  });
}

function sendDownloadHeaders(res: Response, download: FileDownload): void {
  const { file } = download;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', `"${file.sha256}"`);
  res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`);
  res.setHeader('X-Content-SHA256', file.sha256);
  res.setHeader('Content-Type', file.mediaType);
  res.setHeader('Content-Disposition', contentDisposition(file.originalName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  if (download.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.size}`);
    res.status(416);
    return;
  }
  const { start, end } = download;
  res.status(download.kind === 'partial' ? 206 : 200);
  if (download.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  res.setHeader('Content-Length', String(file.size === 0 ? 0 : end - start + 1));
}

/**
 * The request body as a stream the upload may destroy (too large, storage down) without
 * destroying the request itself: destroying an unfinished IncomingMessage destroys its socket,
 * so the error response (413, 503) never reached the client and the request log, reading
 * req.ip from the vanished socket, threw outside any handler. What is left of the body is
 * drained and the connection closed after the response (see handle). A client that goes away
 * still fails the upload.
 */
function uploadBody(req: Request): Readable {
  const body = new PassThrough();
  req.pipe(body);
  req.once('error', (err) => body.destroy(err));
  req.once('close', () => {
    if (!req.complete)
      body.destroy(Object.assign(new Error('The client aborted the upload'), { code: 'ECONNRESET' }));
  });
  body.once('close', () => {
    if (!req.readableEnded) {
      req.unpipe(body);
      req.resume();
    }
  });
  return body;
}

/** Answers before reading the body, then discards what is left of it (bounded: discardRefusedBody). */
function refuseBody(req: Request, res: Response, status: number, code: string, message: string): void {
  sendError(req, res, status, code, message);
  discardRefusedBody(req);
}

/** A download's signed link (GET and HEAD only), verified with the clock it was signed with. */
function downloadLink(platform: Platform): RequestAuthentication['signedLink'] {
  return (req) => {
    if (typeof req.query['sig'] !== 'string' || req.method === 'POST') return undefined;
    return verifyDownloadLink(
      platform,
      String(req.params['id']),
      req.query,
      // fileDownloadLink signs with ctx.clock, not the host's.
      Math.floor(platform.clock.now().getTime() / 1000),
    ).then((claims) => claims && { userId: claims.userId, expiresAt: new Date(claims.expiresAt * 1000) });
  };
}

/** Module routes' one runner, with this module's signed download links accepted besides tokens. */
function handle(
  platform: Platform,
  req: Request,
  res: Response,
  next: NextFunction,
  work: (ctx: RequestContext) => Promise<void>,
): void {
  runModuleRoute(platform, req, res, next, work, { signedLink: downloadLink(platform) });
}
