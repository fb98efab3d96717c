import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, servePage } from '../harness/browser.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * A browser app on another origin, in a real Chromium: with its origin in CORS_ORIGINS it calls
 * a query, uploads a file, reads the headers it needs and downloads the bytes (with the token
 * and through a signed link), and subscribes over WebSocket; a page of an origin not listed can
 * do none of it.
 */
const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>App</title></head><body>app</body></html>';

interface Outcome {
  me?: unknown;
  upload?: { status: number; location: string | null; id: string };
  download?: { status: number; disposition: string | null; digest: string | null; text: string };
  linked?: { status: number; text: string };
  socket?: string;
  error?: string;
}

/**
 * What the page does, as a front-end app would: plain fetch and WebSocket. The documents are
 * written out because this function runs inside the page (Playwright serializes it), where the
 * SDK cannot be imported.
 */
async function exercise({ api, token }: { api: string; token: string }): Promise<Outcome> {
  const out: Outcome = {};
  try {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const me = await fetch(`${api}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ me { username } }' }),
    });
    out.me = await me.json();
    const file = new Blob(['Relazione tecnica, città di Esempio'], { type: 'text/plain' });
    const up = await fetch(`${api}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'text/plain',
        'x-file-name': encodeURIComponent('relazione città.txt'),
      },
      body: file,
    });
    const created = (await up.json()) as { id: string };
    out.upload = { status: up.status, location: up.headers.get('location'), id: created.id };
    const down = await fetch(`${api}/files/${created.id}`, { headers: { authorization: `Bearer ${token}` } });
    out.download = {
      status: down.status,
      disposition: down.headers.get('content-disposition'),
      digest: down.headers.get('repr-digest'),
      text: await down.text(),
    };
    const link = await fetch(`${api}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query: 'mutation($id: ID!) { fileDownloadLink(id: $id, ttlSeconds: 60) }',
        variables: { id: created.id },
      }),
    });
    const url = ((await link.json()) as { data: { fileDownloadLink: string } }).data.fileDownloadLink;
    const linked = await fetch(url);
    out.linked = { status: linked.status, text: await linked.text() };
    out.socket = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${api.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      ws.onopen = () =>
        ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { type: string };
        if (msg.type === 'connection_ack') {
          ws.send(
            JSON.stringify({
              id: '1',
              type: 'subscribe',
              payload: { query: 'subscription { heartbeat { at } }' },
            }),
          );
        } else if (msg.type === 'next') {
          ws.close();
          resolve('ticked');
        }
      };
      ws.onerror = () => resolve('refused');
    });
  } catch (e) {
    out.error = String(e);
  }
  return out;
}

describe('a browser app on another origin (Chromium)', () => {
  let env: TestEnv;
  let chromium: { browser: Browser; close(): Promise<void> };
  let allowedPage: { origin: string; close(): Promise<void> };
  let otherPage: { origin: string; close(): Promise<void> };

  before(async () => {
    allowedPage = await servePage(PAGE);
    otherPage = await servePage(PAGE);
    env = await startTestEnv({ env: { CORS_ORIGINS: allowedPage.origin } });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await allowedPage?.close();
    await otherPage?.close();
    await env?.close();
  });

  async function from(origin: string): Promise<Outcome> {
    const page = await chromium.browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(exercise, { api: env.baseUrl, token: await env.tokenFor('protocollista') });
    } finally {
      await page.close();
    }
  }

  it('with its origin listed: query, upload, download with its headers, signed link, WebSocket', async () => {
    const out = await from(allowedPage.origin);
    assert.equal(out.error, undefined);
    assert.deepEqual(out.me, { data: { me: { username: 'protocollista' } } });
    assert.equal(out.upload?.status, 201);
    assert.equal(out.upload?.location, `/files/${out.upload?.id ?? ''}`);
    assert.equal(out.download?.status, 200);
    assert.equal(out.download?.text, 'Relazione tecnica, città di Esempio');
    assert.match(out.download?.disposition ?? '', /filename\*=UTF-8''relazione%20citt%C3%A0\.txt/);
    assert.match(out.download?.digest ?? '', /^sha-256=:/);
    assert.deepEqual(out.linked, { status: 200, text: 'Relazione tecnica, città di Esempio' });
    assert.equal(out.socket, 'ticked');
  });

  it('from an origin not listed the browser gets nothing: fetch fails, the WebSocket is refused', async () => {
    const out = await from(otherPage.origin);
    assert.match(out.error ?? '', /Failed to fetch/);
    assert.equal(out.me, undefined);
    const socket = await (async () => {
      const page = await chromium.browser.newPage();
      try {
        await page.goto(otherPage.origin);
        return await page.evaluate(
          (api) =>
            new Promise<string>((resolve) => {
              const ws = new WebSocket(`${api.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
              ws.onopen = () => resolve('open');
              ws.onerror = () => resolve('refused');
            }),
          env.baseUrl,
        );
      } finally {
        await page.close();
      }
    })();
    assert.equal(socket, 'refused');
  });

  it('answers the preflight for the headers an app sends, and refuses it for an origin not listed', async () => {
    const preflight = (origin: string) =>
      fetch(`${env.baseUrl}/files`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-file-name',
        },
      });
    const ok = await preflight(allowedPage.origin);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), allowedPage.origin);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /x-file-name/);
    assert.equal(ok.headers.get('access-control-allow-credentials'), null, 'no cookies: tokens only');
    const refused = await preflight(otherPage.origin);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });
});
