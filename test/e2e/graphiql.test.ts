import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The in-browser IDE works without internet access: every request it makes stays on the
 * server (anything else is blocked and recorded), a query runs with the token typed in, and
 * GraphQL clients asking for JSON at the same URL still get GraphQL.
 */
describe('the in-browser IDE, offline', () => {
  let env: TestEnv;
  let chromium: { browser: Browser; close(): Promise<void> };
  before(async () => {
    env = await startTestEnv();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await env?.close();
  });

  it('loads from the server alone and runs a query with the token', async () => {
    const context = await chromium.browser.newContext();
    const elsewhere: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(env.baseUrl) || url.startsWith(env.baseUrl.replace('http', 'ws')))
        await route.continue();
      else {
        elsewhere.push(url);
        await route.abort();
      }
    });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    try {
      const response = await page.goto(
        `${env.baseUrl}/graphql?query=${encodeURIComponent('{ me { username } }')}`,
      );
      assert.equal(response?.status(), 200);
      assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
      await page.fill('#bearer', await env.tokenFor('protocollista'));
      await page.click('#token button');
      await page.waitForSelector('.graphiql-execute-button');
      await page.click('.graphiql-execute-button');
      await page.locator('.result-window').getByText('"protocollista"').waitFor({ timeout: 20_000 });
      assert.deepEqual(elsewhere, [], 'no request left the server');
      assert.deepEqual(failures, []);
    } finally {
      await context.close();
    }
  });

  it('answers GraphQL clients at the same URL, and is absent where introspection is off', async () => {
    const json = await fetch(`${env.graphqlUrl}?query=${encodeURIComponent('{ serverInfo { version } }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    assert.match(json.headers.get('content-type') ?? '', /application\/graphql-response\+json/);
    const closed = await startTestEnv({ env: { GRAPHQL_INTROSPECTION: 'false' } });
    try {
      const page = await fetch(closed.graphqlUrl, { headers: { accept: 'text/html' } });
      assert.notEqual(page.headers.get('content-type')?.startsWith('text/html'), true);
      assert.equal((await fetch(`${closed.baseUrl}/graphiql/graphiql.min.js`)).status, 404);
    } finally {
      await closed.close();
    }
  });
});
