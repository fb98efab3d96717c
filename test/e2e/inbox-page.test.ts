import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import {
  CreateDocumentDocument,
  InboxDocument,
  LiveAssignRpaDocument,
  InboxPageRecordWorkflowDocument,
  LiveSmistaDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import { launchChromium } from '../harness/browser.js';
import { demoIds, uniqueBytes, upload, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
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
  let ids: DemoIds;
  let protocollista: GraphqlClient;
  /** RPA of the ragioneria and head of FIN (demo organisation): she assigns FIN's work. */
  let rita: GraphqlClient;
  before(async () => {
    env = await startTestEnv();
    chromium = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
    ids = await demoIds(env);
    protocollista = await env.asUser('protocollista');
    rita = await env.asUser('rpa.ragioneria');
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

  /** A paper letter registered by the protocol office and sent to FIN per competenza. */
  async function sentToFin(
    oggetto: string,
  ): Promise<{ recordId: string; assignmentId: string; number: string }> {
    const file = await upload(env, 'protocollista', uniqueBytes(oggetto), 'lettera.pdf');
    const { createDocument } = await protocollista.data(CreateDocumentDocument, {
      input: { oggetto, primaryFileId: file.id, uorId: ids.uor['PROT'] ?? '', attachments: [] },
    });
    const { registerProtocol: record } = await protocollista.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: createDocument.id,
        oggetto,
        meansOfTransmission: 'POSTA',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi' }],
      },
    });
    const { smistaProtocol } = await protocollista.data(LiveSmistaDocument, {
      input: { recordId: record.id, competenza: [ids.uor['FIN'] ?? ''] },
    });
    const assignment = smistaProtocol.assignments.find((a) => a.uor?.code === 'FIN');
    assert.ok(assignment, 'FIN has the competence');
    return {
      recordId: record.id,
      assignmentId: assignment.id,
      number: `${record.formattedNumber}/${record.year}`,
    };
  }

  async function workflowOf(recordId: string) {
    const { protocolRecord } = await protocollista.data(InboxPageRecordWorkflowDocument, { id: recordId });
    assert.ok(protocolRecord);
    return protocolRecord;
  }

  it('shows new work as it is assigned, takes it in charge and rejects from the page; the API sees both', async () => {
    const { context, page, elsewhere, failures } = await open();
    try {
      await page.goto(`${env.baseUrl}/apps/inbox/`);
      await page.getByLabel('Token di accesso').fill(await env.tokenFor('rpa.ragioneria'));
      await page.getByRole('button', { name: 'Accedi' }).click();
      await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
      const navigations: string[] = [];
      page.on('framenavigated', (f) => navigations.push(f.url()));
      const toTake = page.getByRole('button', { name: /Da prendere in carico/ });
      const countOf = (kind: string) => page.locator(`[data-count="${kind}"]`).textContent();
      const before = Number(await countOf('TO_TAKE_IN_CHARGE'));

      // Through the API: smistamento to FIN, then Rita (FIN's head) names herself RPA. Paper:
      // it waits for her to take it in charge.
      const letter = await sentToFin('Istanza di rateizzazione IMU, contribuente Rossi');
      await rita.data(LiveAssignRpaDocument, {
        input: { assignmentId: letter.assignmentId, rpaId: ids.user['rpa.ragioneria'] ?? '' },
      });
      const row = page.locator(`tr[data-record="${letter.recordId}"]`);
      await row.waitFor({ timeout: 10_000 });
      assert.match((await row.getAttribute('class')) ?? '', /is-new/, 'highlighted as new');
      await page.locator('.toast').getByText(letter.number).first().waitFor();
      // The count follows (inboxChanged).
      await page
        .locator('[data-count="TO_TAKE_IN_CHARGE"]')
        .filter({ hasText: new RegExp(`^${before + 1}$`) })
        .waitFor();
      assert.deepEqual(navigations, [], 'no reload');
      await page.locator('#entries-table:not([aria-busy])').waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'inbox-new-assignment.png'), fullPage: true });

      // Take it in charge from the page: the API's state follows.
      await toTake.click();
      await row.getByRole('button', { name: `Prendi in carico ${letter.number}` }).click();
      await page.locator('.toast').getByText('Preso in carico').waitFor();
      const taken = (await workflowOf(letter.recordId)).assignments.find((a) => a.id === letter.assignmentId);
      assert.equal(taken?.state, 'IN_CARICO');
      assert.ok(taken?.takenAt, 'taken in charge at a time');
      assert.equal(taken?.rpa?.username, 'rpa.ragioneria');
      await row.waitFor({ state: 'detached' }); // gone from "to take in charge"

      // A second letter, rejected from the page with a note naming the competent UOR.
      const wrong = await sentToFin('Segnalazione buca stradale in via Roma');
      await page.getByRole('button', { name: /Da assegnare/ }).click();
      const wrongRow = page.locator(`tr[data-record="${wrong.recordId}"]`);
      await wrongRow.waitFor({ timeout: 10_000 });
      // The search narrows the inbox (the API's full-text filter on oggetto), and says when nothing is left.
      const search = page.getByRole('searchbox', { name: 'Oggetto' });
      await search.fill('cimitero');
      await page.getByText('Nessun documento in questa vaschetta.').waitFor();
      assert.equal(await wrongRow.count(), 0);
      await search.fill('stradale');
      await wrongRow.waitFor();
      await wrongRow.getByRole('button', { name: `Rigetta ${wrong.number}` }).click();
      const dialog = page.getByRole('dialog', { name: "Rigetta l'assegnazione" });
      await dialog
        .getByLabel('UOR competente suggerita')
        .selectOption({ label: 'LLPP · Ufficio lavori pubblici' });
      await dialog.getByLabel('Motivazione').fill('Manutenzione stradale: di competenza dei lavori pubblici');
      await page.screenshot({ path: path.join(ARTIFACTS, 'inbox-reject.png'), fullPage: true });
      await dialog.getByRole('button', { name: 'Rigetta', exact: true }).click();
      await page.locator('.toast').getByText('Rigettato').waitFor();
      await wrongRow.waitFor({ state: 'detached' });
      const rejected = await workflowOf(wrong.recordId);
      assert.equal(rejected.assignments.find((a) => a.id === wrong.assignmentId)?.state, 'RIGETTATO');
      const step = rejected.workflow.find((s) => s.action === 'RIGETTO');
      assert.equal(step?.note, 'Manutenzione stradale: di competenza dei lavori pubblici');
      assert.equal(step?.actor?.username, 'rpa.ragioneria');
      assert.equal(step?.suggestedUor?.code, 'LLPP', 'the office chosen in the dialog');
      const { inbox } = await protocollista.data(InboxDocument, { kind: 'REJECTED', first: 50 });
      assert.ok(
        inbox.edges.some((e) => e.node.record?.id === wrong.recordId),
        "back in the protocol office's rejected inbox",
      );
      assert.deepEqual(navigations, [], 'no reload');
      assert.deepEqual(elsewhere, []);
      assert.deepEqual(failures, []);
    } finally {
      await context.close();
    }
  });

  it('after a dropped connection, announces what was assigned meanwhile (replay since the last event), once', async () => {
    const { context, page, failures } = await open();
    // The page's WebSocket goes through the test, which can cut it and refuse reconnections.
    let up = true;
    const sockets: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/graphql$/, (ws) => {
      if (!up) {
        void ws.close({ code: 1012, reason: 'service restart' }); // graphql-ws retries after this code
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    });
    try {
      await page.goto(`${env.baseUrl}/apps/inbox/`);
      await page.getByLabel('Token di accesso').fill(await env.tokenFor('rpa.ragioneria'));
      await page.getByRole('button', { name: 'Accedi' }).click();
      await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: /Da assegnare/ }).click();
      const first = await sentToFin('Richiesta certificato di destinazione urbanistica');
      await page.locator(`tr[data-record="${first.recordId}"]`).waitFor({ timeout: 10_000 });

      up = false;
      for (const ws of sockets.splice(0)) await ws.close({ code: 1012, reason: 'service restart' });
      await page.locator('#live[data-state="reconnecting"]').waitFor();
      const missed = await sentToFin('Esposto rumori molesti, via Garibaldi');
      up = true;

      await page.locator('#live[data-state="live"]').waitFor({ timeout: 20_000 });
      await page.locator(`tr[data-record="${missed.recordId}"].is-new`).waitFor({ timeout: 10_000 });
      await page.locator('.toast').getByText(missed.number).first().waitFor({ timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 500)); // a late duplicate would show by now
      const toasts = await page.locator('.toast').allTextContents();
      assert.deepEqual(
        toasts.filter((t) => t.includes(missed.number)),
        ['Smistato alla tua UOR' + `${missed.number} · Esposto rumori molesti, via Garibaldi`],
        'announced once, from the replay',
      );
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

  it('asks to sign in again when the token expires (the server closes the socket with 4401)', async () => {
    const { context, page, failures } = await open();
    try {
      await page.goto(`${env.baseUrl}/apps/inbox/`);
      await page.getByLabel('Token di accesso').fill(await env.tokenFor('rpa.ragioneria', 3));
      await page.getByRole('button', { name: 'Accedi' }).click();
      await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
      await page.getByRole('alert').getByText('Sessione terminata').waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('#desk').isHidden(), true);
      assert.equal(await page.getByLabel('Token di accesso').isVisible(), true);
      assert.equal(
        await page.evaluate(
          () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
        ),
        0,
        'the expired token is forgotten',
      );
      assert.deepEqual(failures, []);
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
