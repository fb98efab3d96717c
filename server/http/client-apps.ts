import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, Request, Response } from 'express';

const require = createRequire(import.meta.url);

/** The repository (or image) root: this file runs as dist/server/http/client-apps.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const packageDir = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));

/**
 * The reference browser apps of clients/ (the live inbox page), served at /apps/ from this
 * server's own files: no CDN, no bundler. An app is an HTML page and its styles
 * (clients/<app>/public), its TypeScript compiled by tsc into ES modules (dist/apps/, with the
 * typed SDK operations they import), and the two packages they use, taken as the ES modules
 * their npm packages ship (graphql's printer, graphql-ws's client) and named by an import map
 * in the page. Everything is public: the apps hold no data, every call they make carries the
 * user's token.
 */
const APPS = ['inbox'] as const;

/** Where the browser finds each kind of file; the URL's rest is a path inside that folder. */
const FOLDERS: ReadonlyArray<{ prefix: string; dir: string; files: RegExp }> = [
  { prefix: '/apps/vendor/graphql/', dir: packageDir('graphql'), files: /\.mjs$/ },
  { prefix: '/apps/vendor/graphql-ws/', dir: path.join(packageDir('graphql-ws'), 'dist'), files: /\.js$/ },
  // tsc's output for clients/ (clients/inbox/tsconfig.json): the apps' modules and the SDK.
  { prefix: '/apps/', dir: path.join(ROOT, 'dist', 'apps'), files: /\.js(\.map)?$/ },
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A path inside a folder: plain segments only (no `..`, no dot files, no backslashes). */
const SAFE_PATH = /^(?:[A-Za-z0-9_@-][A-Za-z0-9_.@-]*\/)*[A-Za-z0-9_@-][A-Za-z0-9_.@-]*$/;

/**
 * The page's Content-Security-Policy: scripts only from this server, plus the page's own import
 * map, allowed by its hash (an import map must be inline, and hashing it keeps 'unsafe-inline'
 * out); no inline styles, no frames, no forms posting anywhere, connections only to this origin
 * (CSP 3 lets 'self' cover ws:/wss: of the same host). Trusted Types with no policy: the page
 * builds its DOM with textContent, so any HTML sink is an error rather than a hole.
 */
function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

function send(res: Response, file: string, type: string, cache: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cache);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.sendFile(file);
}

export function clientAppRoutes(app: Express): void {
  for (const name of APPS) {
    const publicDir = path.join(ROOT, 'clients', name, 'public');
    const indexFile = path.join(publicDir, 'index.html');
    if (!existsSync(indexFile)) continue;
    // Read once: the policy's hash must match the import map the browser gets.
    const html = readFileSync(indexFile, 'utf8');
    const csp = contentSecurityPolicy(html);
    const page = (_req: Request, res: Response) => {
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(html);
    };
    // Express matches /apps/inbox and /apps/inbox/ alike; the page's relative URLs need the slash.
    app.get([`/apps/${name}`, `/apps/${name}/index.html`], (req, res) => {
      if (req.path === `/apps/${name}`) res.redirect(301, `/apps/${name}/`);
      else page(req, res);
    });
    app.get(`/apps/${name}/:file`, (req, res, next) => {
      const file = String(req.params['file']);
      const type = TYPES[path.extname(file)];
      if (
        !SAFE_PATH.test(file) ||
        !type ||
        file === 'index.html' ||
        !existsSync(path.join(publicDir, file))
      ) {
        next();
        return;
      }
      send(res, path.join(publicDir, file), type, 'no-cache');
    });
  }
  app.get('/apps/*rest', (req, res, next) => {
    const folder = FOLDERS.find((f) => req.path.startsWith(f.prefix));
    const rest = folder ? req.path.slice(folder.prefix.length) : '';
    if (!folder || !SAFE_PATH.test(rest) || !folder.files.test(rest)) {
      next();
      return;
    }
    const file = path.join(folder.dir, rest);
    const type = TYPES[path.extname(file)];
    if (!type || !existsSync(file)) {
      next();
      return;
    }
    // Revalidated on every load (ETag): the apps change with the server, not on a schedule.
    send(res, file, type, 'no-cache');
  });
}
