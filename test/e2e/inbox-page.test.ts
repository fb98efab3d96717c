import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** Screenshots of the page, kept as test artefacts (git ignores the folder). */
const ARTIFACTS = path.resolve('test-artifacts');

/**
 * The live inbox page (clients/inbox) in a real Chromium, served by the server at /apps/inbox/:
 * everything it loads comes from the server under a strict Content-Security-Policy, and it runs
 * the SDK's typed operations over HTTP and graphql-ws.
 */
describe('the live inbox page (Chromium)', () => {
  let env: TestEnv;
  let chromium: { browser: Browser; close(): Promise<void> };
  before(async () => {
    env = await startTestEnv();
    chromium = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await chromium?.close();
    await env?.close();
  });

  /**
   * A context whose requests may reach only the server: anything else is aborted and recorded,
   * as are the page's errors and the CSP violations it reports.
   */
  async function open(): Promise<{
    context: BrowserContext;
    page: Page;
    elsewhere: string[];
    failures: string[];
  }> {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const elsewhere: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(env.baseUrl)) await route.continue();
      else {
        elsewhere.push(url);
        await route.abort();
      }
    });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') failures.push(m.text());
    });
    return { context, page, elsewhere, failures };
  }

  it('is served with a strict policy, loads only from the server, and signs in with a token', async () => {
    const { context, page, elsewhere, failures } = await open();
    try {
      const response = await page.goto(`${env.baseUrl}/apps/inbox/`);
      assert.equal(response?.status(), 200);
      const csp = response?.headers()['content-security-policy'] ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(
        csp,
        /script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/,
        'scripts: the server and the import map',
      );
      assert.match(csp, /style-src 'self'(;|$)/, 'no inline styles');
      assert.match(csp, /connect-src 'self'(;|$)/);
      assert.match(csp, /require-trusted-types-for 'script'/);
      await page.getByLabel('Token di accesso').fill(await env.tokenFor('rpa.ragioneria'));
      await page.getByRole('button', { name: 'Accedi' }).click();
      await page.locator('#who').getByText('Rita').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#who').getAttribute('title'), 'rpa.ragioneria');
      await page.screenshot({ path: path.join(ARTIFACTS, 'inbox-signed-in.png'), fullPage: true });
      assert.deepEqual(elsewhere, [], 'no request left the server');
      assert.deepEqual(failures, []);
    } finally {
      await context.close();
    }
  });

  it('runs the SDK in the browser: a query over HTTP and a subscription over graphql-ws', async () => {
    const { context, page, failures } = await open();
    try {
      await page.goto(`${env.baseUrl}/apps/inbox/`);
      const token = await env.tokenFor('protocollista');
      // The page's own modules, imported as the page imports them (import map, CSP in force).
      const out = await page.evaluate(
        async ({ bearer, origin, modules }) => {
          const sdk = (await import(modules.sdk)) as Record<string, unknown>;
          const { Api } = (await import(modules.api)) as {
            Api: new (
              endpoint: string,
              token: string,
              live: { onState(s: string): void; onSignedOut(r: string): void },
            ) => {
              request(doc: unknown, vars?: unknown): Promise<{ me: { username: string } }>;
              subscribe(
                doc: unknown,
                vars: unknown,
                sink: { next(d: { heartbeat: { at: string } }): void },
              ): () => void;
              dispose(): void;
            };
          };
          const states: string[] = [];
          const api = new Api(`${origin}/graphql`, bearer, {
            onState: (s) => states.push(s),
            onSignedOut: (r) => states.push(`out:${r}`),
          });
          const me = await api.request(sdk['MeDocument']);
          const tick = await new Promise<string>((resolve) => {
            const stop = api.subscribe(
              sdk['HeartbeatDocument'],
              { intervalSeconds: 1 },
              {
                next: (d) => {
                  stop();
                  resolve(d.heartbeat.at);
                },
              },
            );
          });
          api.dispose();
          return { username: me.me.username, tick, states };
        },
        {
          bearer: token,
          origin: env.baseUrl,
          modules: { sdk: '/apps/sdk/generated/graphql.js', api: '/apps/inbox/src/api.js' },
        },
      );
      assert.equal(out.username, 'protocollista');
      assert.ok(!Number.isNaN(Date.parse(out.tick)), `a heartbeat time: ${out.tick}`);
      assert.deepEqual(out.states.slice(0, 2), ['connecting', 'live']);
      assert.deepEqual(failures, []);
    } finally {
      await context.close();
    }
  });

  it('sends the user back to sign in when the token is refused', async () => {
    const { context, page } = await open();
    try {
      await page.goto(`${env.baseUrl}/apps/inbox/`);
      await page.getByLabel('Token di accesso').fill('not-a-token');
      await page.getByRole('button', { name: 'Accedi' }).click();
      await page.getByRole('alert').getByText('Token non valido o scaduto').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#desk').isHidden(), true);
    } finally {
      await context.close();
    }
  });

  it('serves only the files the apps need: no path outside their folders, no source, no dot files', async () => {
    const get = (p: string) => fetch(`${env.baseUrl}${p}`);
    const ok = [
      '/apps/inbox/inbox.css',
      '/apps/inbox/src/main.js',
      '/apps/sdk/generated/graphql.js',
      '/apps/vendor/graphql/language/printer.mjs',
      '/apps/vendor/graphql-ws/client.js',
    ];
    for (const p of ok) {
      const res = await get(p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
      assert.match(
        res.headers.get('content-type') ?? '',
        p.endsWith('.css') ? /^text\/css/ : /^text\/javascript/,
        p,
      );
    }
    assert.equal((await get('/apps/inbox')).url, `${env.baseUrl}/apps/inbox/`, 'redirected to the folder');
    for (const p of [
      '/apps/inbox/src/main.ts',
      '/apps/.tsbuildinfo',
      '/apps/vendor/graphql/package.json',
      '/apps/vendor/graphql-ws/../package.json',
      '/apps/vendor/graphql/%2e%2e/graphql-ws/package.json',
      '/apps/inbox/..%2f..%2fpackage.json',
      '/apps/vendor/graphql/index.js',
      '/apps/other/',
    ]) {
      assert.equal((await get(p)).status, 404, p);
    }
  });
});
