import { createRequire } from 'node:module';
import path from 'node:path';
import type { Express, Request, Response } from 'express';
import type { Platform } from '../platform.js';

const require = createRequire(import.meta.url);

/**
 * The in-browser IDE (GraphiQL) at GET /graphql for browsers, served entirely from this server's
 * own node_modules: it works on a network without internet access, and loads nothing from a CDN
 * (Apollo's default landing page does). Enabled with introspection (off in production unless
 * GRAPHQL_INTROSPECTION=true). The token is typed once and kept in the browser's localStorage.
 */
/** A file of an installed package (their `exports` do not list the browser builds). */
const fileOf = (pkg: string, file: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

const ASSETS: Record<string, { file: string; type: string }> = {
  'graphiql.min.js': { file: fileOf('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { file: fileOf('graphiql', 'graphiql.min.css'), type: 'text/css' },
  'react.production.min.js': {
    file: fileOf('react', 'umd/react.production.min.js'),
    type: 'text/javascript',
  },
  'react-dom.production.min.js': {
    file: fileOf('react-dom', 'umd/react-dom.production.min.js'),
    type: 'text/javascript',
  },
};

const PAGE = `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>protocollo-dms · GraphQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #token { display: flex; gap: .5rem; align-items: center; padding: .4rem .8rem; border-bottom: 1px solid #ddd; font-size: 14px; }
  #token input { flex: 1; font-family: monospace; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<form id="token"><label for="bearer">Bearer token</label>
<input id="bearer" name="bearer" placeholder="npx dms token protocollista" autocomplete="off">
<button type="submit">Use</button></form>
<div id="graphiql">Loading…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/init.js"></script>
</body>
</html>
`;

// Kept out of the page so the Content-Security-Policy can forbid inline scripts.
const INIT = `(function () {
  var KEY = 'dms.graphiql.token';
  var input = document.getElementById('bearer');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  function render() {
    var token = localStorage.getItem(KEY) || '';
    input.value = token;
    var auth = token ? { authorization: 'Bearer ' + token } : {};
    var fetcher = GraphiQL.createFetcher({
      url: location.origin + '/graphql',
      subscriptionUrl: location.origin.replace(/^http/, 'ws') + '/graphql',
      headers: auth,
      wsConnectionParams: auth,
    });
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: new URLSearchParams(location.search).get('query') || '{\\n  me { username givenName familyName }\\n}\\n',
      shouldPersistHeaders: false,
      key: token,
    }));
  }
  document.getElementById('token').addEventListener('submit', function (e) {
    e.preventDefault();
    localStorage.setItem(KEY, input.value.trim().replace(/^Bearer\\s+/i, ''));
    render();
  });
  render();
})();
`;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL's editors set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
].join('; ');

export function graphiqlRoutes(app: Express, platform: Platform): void {
  if (!platform.config.graphql.landingPage) return;
  app.get('/graphql', (req: Request, res: Response, next) => {
    // Browsers navigating here ask for HTML; GraphQL clients do not.
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    res.setHeader('Content-Security-Policy', CSP);
    res.type('html').send(PAGE);
  });
  app.get('/graphiql/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT);
  });
  app.get('/graphiql/:asset', (req, res, next) => {
    const asset = ASSETS[String(req.params['asset'])];
    if (!asset) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type(asset.type).sendFile(asset.file);
  });
}
