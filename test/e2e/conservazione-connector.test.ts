import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  ConservatorResponseInvalid,
  ConservatorUnavailable,
  httpConnector,
  type ConservationConnector,
} from '../../plugins/conservazione/connector/index.js';
import { versamentoRequestXml, type SipUnit, type UnitKey } from '../../plugins/conservazione/sip/index.js';
import {
  startConservatorSimulator,
  type ConservatorSimulator,
} from '../../plugins/conservazione/simulator/index.js';
import { parseMultipart } from '../../plugins/conservazione/simulator/multipart-parser.js';
import {
  esitoVersamentoXml,
  rapportoVersamentoXml,
} from '../../plugins/conservazione/simulator/simulator-answers.js';
import { multipartBody } from '../../plugins/conservazione/connector/multipart-body.js';
import { runSignalledAtReady } from '../harness/signalled-at-ready.js';
import {
  bufferComponent,
  TEST_VERSATORE,
  testConservationConfig,
  testSubmission,
  type TestComponent,
} from '../harness/conservazione-connector.js';

let sequence = 0;
function nextKey(): UnitKey {
  sequence++;
  return { registro: 'PG', anno: 2026, numero: String(sequence).padStart(7, '0') };
}

const pdf = (): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2000)]);

/** A raw HTTP server answering every request with the given body: answers no real conservator would give. */
async function rawServer(
  answer: (res: http.ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sacerws`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('conservation connector against the ParER-style simulator', () => {
  let sim: ConservatorSimulator;
  let connector: ConservationConnector;

  before(async () => {
    sim = await startConservatorSimulator();
    connector = httpConnector(testConservationConfig(sim.url), TEST_VERSATORE);
  });
  after(async () => {
    await sim.setFault(null);
    await sim.stop();
  });

  it('conserves a unit with its attachment and returns the RapportoVersamento the conservator keeps', async () => {
    const key = nextKey();
    const outcome = await connector.send(
      testSubmission(key, [
        bufferComponent('1', 'principale.pdf', pdf()),
        bufferComponent('2', 'allegato 1.pdf', pdf()),
      ]),
    );
    assert.equal(outcome.kind, 'CONSERVED');
    assert.equal(outcome.alreadyConserved, false);
    assert.deepEqual(outcome.warnings, []);
    assert.equal(outcome.rapportoXml, sim.conserved(key));
    assert.match(
      outcome.rapportoXml,
      /<RapportoVersamento>.*<URNRapportoVersamento>urn:PARER_TEST:c_a000:AOO1:PG-2026-0000001:RappVers</s,
    );
    assert.equal(outcome.conservatorId, 'urn:PARER_TEST:c_a000:AOO1:PG-2026-0000001:SIP');
    assert.match(outcome.responseXml, /<CodiceEsito>POSITIVO<\/CodiceEsito>/);
    assert.equal(sim.receivedCount(key), 1);
  });

  it('the request the SIP module builds (primary with its detached signature, an attachment) is accepted as it is', async () => {
    const key = nextKey();
    const files = [pdf(), Buffer.from('signature bytes'), pdf()];
    const made = files.map((f, i) =>
      bufferComponent(String(i + 1), ['principale.pdf', 'principale.pdf.p7s', 'allegato.pdf'][i] ?? '', f),
    );
    const unit: SipUnit = {
      documentId: 'doc-1',
      key,
      tipologia: 'PROTOCOLLO IN ARRIVO',
      oggetto: 'Richiesta di accesso agli atti',
      date: '2026-12-04',
      registeredAt: '2026-12-04T09:00:00.000Z',
      registration: { kind: 'PROTOCOLLO', flow: 'ARRIVO', annulled: false, registerName: null },
      correspondents: [],
      classification: null,
      filing: null,
      uor: { code: 'SEG', name: 'Segreteria' },
      rpa: null,
      riservato: false,
      components: made.map((c, i) => ({
        id: c.id,
        role: (['PRINCIPALE', 'FIRMA', 'ALLEGATO'] as const)[i] ?? 'ALLEGATO',
        name: c.name,
        mediaType: c.mediaType,
        format: i === 1 ? 'P7M' : 'PDF',
        size: c.size,
        sha256: c.sha256,
        blobKey: `blob-${i}`,
        fileId: `file-${i}`,
        description: null,
      })),
      fascicoloId: null,
    };
    const outcome = await connector.send({
      key,
      xml: versamentoRequestXml(unit, TEST_VERSATORE),
      components: made,
    });
    assert.equal(
      outcome.kind,
      'CONSERVED',
      JSON.stringify(outcome.kind === 'REJECTED' ? outcome.reasons : null),
    );
    assert.match(sim.conserved(key) ?? '', /allegato\.pdf/);
  });

  it('a second send of a conserved unit (UD-002-001) is CONSERVED alreadyConserved, with the rapporto from the status services', async () => {
    const key = nextKey();
    const unit = testSubmission(key, [bufferComponent('1', 'a.pdf', pdf())]);
    const first = await connector.send(unit);
    assert.equal(first.kind, 'CONSERVED');
    const second = await connector.send(unit);
    assert.equal(second.kind, 'CONSERVED');
    assert.equal(second.alreadyConserved, true);
    assert.equal(second.rapportoXml, first.rapportoXml);
    assert.match(second.responseXml, /UD-002-001/);
    assert.equal(sim.receivedCount(key), 2);
  });

  it('a component corrupted on the way (digest mismatch) is REJECTED with HASH-004-001 on that component', async () => {
    const key = nextKey();
    await sim.setFault({ kind: 'tamper' });
    try {
      const outcome = await connector.send(
        testSubmission(key, [bufferComponent('1', 'p.pdf', pdf()), bufferComponent('2', 'a.pdf', pdf())]),
      );
      assert.equal(outcome.kind, 'REJECTED');
      const hash = outcome.reasons.filter((r) => r.code === 'HASH-004-001');
      assert.equal(hash.length, 1);
      assert.equal(hash[0]?.componentId, '1');
      assert.match(hash[0]?.message ?? '', /hash calcolato non coincide/);
    } finally {
      await sim.setFault(null);
    }
    assert.equal(sim.conserved(key), undefined);
  });

  it('a declared digest that is not the content is REJECTED too (no simulator fault)', async () => {
    const key = nextKey();
    const good = bufferComponent('1', 'p.pdf', pdf());
    const wrong: TestComponent = { ...bufferComponent('7', 'a.pdf', pdf()), sha256: 'ab'.repeat(32) };
    const outcome = await connector.send(testSubmission(key, [good, wrong]));
    assert.equal(outcome.kind, 'REJECTED');
    assert.deepEqual(
      outcome.reasons.filter((r) => r.componentId).map((r) => [r.code, r.componentId]),
      [['HASH-004-001', '7']],
    );
  });

  it('invalid metadata is REJECTED: XSD failure (XSD-001-002) and a missing mandatory oggetto (UD-014-001)', async () => {
    const xsd = await connector.send(
      testSubmission(nextKey(), [bufferComponent('1', 'p.pdf', pdf())], { omitTipologia: true }),
    );
    assert.equal(xsd.kind, 'REJECTED');
    assert.equal(xsd.reasons[0]?.code, 'XSD-001-002');
    assert.match(xsd.reasons[0]?.message ?? '', /TipologiaUnitaDocumentaria|Intestazione/);
    const key = nextKey();
    const oggetto = await connector.send(
      testSubmission(key, [bufferComponent('1', 'p.pdf', pdf())], { oggetto: null }),
    );
    assert.equal(oggetto.kind, 'REJECTED');
    assert.deepEqual(
      oggetto.reasons.map((r) => r.code),
      ['UD-014-001'],
    );
    assert.equal(sim.conserved(key), undefined);
  });

  it('wrong credentials are a refusal the operator sees (UD-001-012)', async () => {
    const bad = httpConnector(testConservationConfig(sim.url, { password: 'wrong' }), TEST_VERSATORE);
    const outcome = await bad.send(testSubmission(nextKey(), [bufferComponent('1', 'p.pdf', pdf())]));
    assert.equal(outcome.kind, 'REJECTED');
    assert.equal(outcome.reasons[0]?.code, 'UD-001-012');
    await assert.rejects(bad.status(nextKey()), ConservatorUnavailable);
  });

  it('an answer later than the timeout is ConservatorUnavailable, and so is a caller abort', async () => {
    const quick = httpConnector(testConservationConfig(sim.url, { timeoutMs: 300 }), TEST_VERSATORE);
    await sim.setFault({ kind: 'delay', ms: 2000 });
    try {
      await assert.rejects(
        quick.send(testSubmission(nextKey(), [bufferComponent('1', 'p.pdf', pdf())])),
        (e: unknown) => {
          assert.ok(e instanceof ConservatorUnavailable);
          assert.equal(e.code, 'CONSERVATOR_UNAVAILABLE');
          assert.match(e.message, /did not answer within/);
          return true;
        },
      );
      const controller = new AbortController();
      const pending = connector.status(nextKey(), controller.signal);
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, /aborted/);
    } finally {
      await sim.setFault(null);
    }
  });

  it('a conservator that is down (503, or refusing connections) is ConservatorUnavailable', async () => {
    await sim.setFault({ kind: 'down', mode: 'http-503' });
    await assert.rejects(
      connector.send(testSubmission(nextKey(), [bufferComponent('1', 'p.pdf', pdf())])),
      (e: unknown) => {
        assert.ok(e instanceof ConservatorUnavailable);
        assert.match(e.message, /HTTP 503/);
        return true;
      },
    );
    await sim.setFault({ kind: 'down', mode: 'refuse' });
    await assert.rejects(connector.status(nextKey()), (e: unknown) => {
      assert.ok(e instanceof ConservatorUnavailable);
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    await assert.rejects(
      connector.send(testSubmission(nextKey(), [bufferComponent('1', 'p.pdf', pdf())])),
      (e: unknown) => {
        assert.ok(e instanceof ConservatorUnavailable);
        return true;
      },
    );
    await sim.setFault(null);
    assert.deepEqual(await connector.status(nextKey()), { kind: 'UNKNOWN' });
  });

  it('a lost answer: the unit IS conserved; status() says CONSERVED with its rapporto, a resend is alreadyConserved', async () => {
    const key = nextKey();
    const unit = testSubmission(key, [bufferComponent('1', 'p.pdf', pdf())]);
    await sim.setFault({ kind: 'drop-after-conserve' });
    await assert.rejects(connector.send(unit), ConservatorUnavailable);
    await sim.setFault(null);
    const rapporto = sim.conserved(key);
    assert.ok(rapporto);
    const status = await connector.status(key);
    assert.equal(status.kind, 'CONSERVED');
    assert.ok(status.kind === 'CONSERVED');
    assert.equal(status.rapportoXml, rapporto);
    assert.equal(
      status.conservatorId,
      `urn:PARER_TEST:c_a000:AOO1:${key.registro}-${key.anno}-${key.numero}`,
    );
    const resent = await connector.send(unit);
    assert.ok(resent.kind === 'CONSERVED' && resent.alreadyConserved);
    assert.equal(resent.rapportoXml, rapporto);
  });

  it('broken answers from the simulator (malformed, DOCTYPE, unknown CodiceEsito) are ConservatorResponseInvalid', async () => {
    const cases = [
      ['malformed', /malformed/],
      ['doctype', /DOCTYPE/],
      ['unknown-code', /FORSE|schema/],
    ] as const;
    for (const [kind, message] of cases) {
      await sim.setFault({ kind });
      try {
        await assert.rejects(
          connector.send(testSubmission(nextKey(), [bufferComponent('1', 'p.pdf', pdf())])),
          (e: unknown) => {
            assert.ok(e instanceof ConservatorResponseInvalid, `${kind}: ${String(e)}`);
            assert.equal(e.code, 'CONSERVATOR_RESPONSE_INVALID');
            assert.match(e.message, message);
            return true;
          },
        );
      } finally {
        await sim.setFault(null);
      }
    }
  });

  it("a component whose stream has fewer bytes than declared fails the send as our error, not the conservator's", async () => {
    const key = nextKey();
    const data = pdf();
    const short: TestComponent = { ...bufferComponent('1', 'p.pdf', data), size: data.length + 10 };
    await assert.rejects(connector.send(testSubmission(key, [short])), (e: unknown) => {
      assert.ok(
        !(e instanceof ConservatorUnavailable) && !(e instanceof ConservatorResponseInvalid),
        String(e),
      );
      assert.match((e as Error).message, /fewer bytes than its declared size/);
      return true;
    });
    assert.equal(sim.conserved(key), undefined);
  });

  it('a 200 MiB component streams through: never more than a few MiB ahead of what the conservator received', async () => {
    const block = randomBytes(1024 * 1024);
    const blocks = 200;
    const digest = createHash('sha256');
    for (let i = 0; i < blocks; i++) digest.update(block);
    let opened = 0;
    let produced = 0;
    let maxAhead = 0;
    const start = sim.bytesReceived();
    const big: TestComponent = {
      id: '1',
      name: 'grande.pdf',
      mediaType: 'application/pdf',
      size: block.length * blocks,
      sha256: digest.digest('hex'),
      open: () => {
        opened++;
        // The same block again and again, 64 KiB at a time (the source allocates nothing), noting
        // how far the connector has read ahead of the bytes the conservator has received: a
        // connector that buffered the component would read all 200 MiB before any arrived.
        return Promise.resolve(
          Readable.from(
            (function* () {
              for (let i = 0; i < blocks; i++)
                for (let o = 0; o < block.length; o += 65536) {
                  maxAhead = Math.max(maxAhead, produced - (sim.bytesReceived() - start));
                  produced += 65536;
                  yield block.subarray(o, o + 65536);
                }
            })(),
          ),
        );
      },
    };
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const key = nextKey();
      const outcome = await connector.send(testSubmission(key, [big]));
      assert.equal(outcome.kind, 'CONSERVED');
      assert.ok(sim.conserved(key));
    } finally {
      clearInterval(sampler);
    }
    assert.equal(opened, 1);
    assert.equal(sim.bytesReceived() - start, big.size);
    assert.ok(
      maxAhead < 32 * 1024 * 1024,
      `the connector read ${(maxAhead / 1048576).toFixed(1)} MiB ahead of the conservator`,
    );
    // Client and simulator share this process; 200 MiB held by either would show here.
    const growth = (peak - before) / (1024 * 1024);
    assert.ok(growth < 128, `RSS grew by ${growth.toFixed(1)} MiB while 200 MiB crossed`);
  });
});

describe('multipart body and parser', () => {
  it('what the connector writes, the simulator reads back part by part, even one byte at a time', async () => {
    const file = randomBytes(5000);
    // Bytes that look like the start of a delimiter inside the content must stay content.
    file.write('\r\n--', 100, 'latin1');
    const body = multipartBody([
      { kind: 'field', name: 'VERSIONE', value: '1.5' },
      { kind: 'field', name: 'XMLSIP', value: '<a>è</a>' },
      {
        kind: 'file',
        name: '1',
        filename: 'nome "strano".pdf',
        mediaType: 'application/pdf',
        size: file.length,
        open: () => Promise.resolve(Readable.from([file])),
      },
    ]);
    const chunks: Buffer[] = [];
    for await (const c of body.chunks()) chunks.push(c);
    const all = Buffer.concat(chunks);
    assert.equal(all.length, body.length);
    const boundary = /boundary=(.+)$/.exec(body.contentType)?.[1] ?? '';
    for (const split of [all.length, 1, 7]) {
      const pieces: Buffer[] = [];
      for (let o = 0; o < all.length; o += split) pieces.push(all.subarray(o, o + split));
      const parts: Array<{ name: string; filename: string | null; data: Buffer }> = [];
      await parseMultipart(Readable.from(pieces), boundary, (head) => {
        const got: Buffer[] = [];
        return {
          write: (c) => void got.push(Buffer.from(c)),
          end: () => void parts.push({ name: head.name, filename: head.filename, data: Buffer.concat(got) }),
        };
      });
      assert.deepEqual(
        parts.map((p) => [p.name, p.filename]),
        [
          ['VERSIONE', null],
          ['XMLSIP', null],
          ['1', 'nome %22strano%22.pdf'],
        ],
      );
      assert.equal(parts[1]?.data.toString('utf8'), '<a>è</a>');
      assert.ok(parts[2]?.data.equals(file), `split ${split}`);
    }
  });
});

describe('conservation connector against answers no conservator should give', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'cons-conn-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function statusAgainst(answer: (res: http.ServerResponse) => void): Promise<unknown> {
    const server = await rawServer(answer);
    try {
      return await httpConnector(testConservationConfig(server.url), TEST_VERSATORE)
        .status(nextKey())
        .then(
          (v) => v,
          (e: unknown) => e,
        );
    } finally {
      await server.close();
    }
  }

  it('a DOCTYPE with an external entity naming a local file is refused before parsing: the file never shows', async () => {
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    const file = join(work, 'secret.txt');
    writeFileSync(file, secret);
    const body = `<?xml version="1.0"?><!DOCTYPE StatoConservazione [<!ENTITY xxe SYSTEM "file://${file}">]><StatoConservazione><DataRichiestaStato>2026-12-05T00:00:00Z</DataRichiestaStato><EsitoGenerale><CodiceEsito>NEGATIVO</CodiceEsito><CodiceErrore>&xxe;</CodiceErrore></EsitoGenerale></StatoConservazione>`;
    const error = await statusAgainst((res) =>
      res.writeHead(200, { 'content-type': 'application/xml' }).end(body),
    );
    assert.ok(error instanceof ConservatorResponseInvalid, String(error));
    assert.match(error.message, /DOCTYPE/);
    assert.ok(!JSON.stringify({ m: error.message, e: error.excerpt, s: error.stack }).includes(secret));
  });

  it('malformed XML, an unknown CodiceEsito, another root and an oversized answer are ConservatorResponseInvalid', async () => {
    const stato = (code: string): string =>
      `<?xml version="1.0"?><StatoConservazione><DataRichiestaStato>2026-12-05T00:00:00Z</DataRichiestaStato><EsitoGenerale><CodiceEsito>${code}</CodiceEsito></EsitoGenerale><EsitoChiamataWS><VersioneWSCorretta>POSITIVO</VersioneWSCorretta><CredenzialiOperatore>POSITIVO</CredenzialiOperatore></EsitoChiamataWS></StatoConservazione>`;
    const answers: Array<[string, (res: http.ServerResponse) => void, RegExp]> = [
      [
        'malformed',
        (res) =>
          res
            .writeHead(200, { 'content-type': 'application/xml' })
            .end('<StatoConservazione><EsitoGenerale>'),
        /malformed/,
      ],
      [
        'unknown code',
        (res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(stato('MAYBE')),
        /schema|MAYBE/,
      ],
      [
        'other root',
        (res) =>
          res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Esito/>'),
        /root <Esito>/,
      ],
      [
        'oversized',
        (res) =>
          res
            .writeHead(200, { 'content-type': 'application/xml' })
            .end(`<x>${'a'.repeat(11 * 1024 * 1024)}</x>`),
        /limit/,
      ],
    ];
    for (const [what, answer, message] of answers) {
      const error = await statusAgainst(answer);
      assert.ok(error instanceof ConservatorResponseInvalid, `${what}: ${String(error)}`);
      assert.match(error.message, message, what);
    }
  });

  it('a 5xx or a non-XML error page is ConservatorUnavailable; a valid POSITIVO without a unit is invalid', async () => {
    const html = await statusAgainst((res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>gone</html>'),
    );
    assert.ok(html instanceof ConservatorUnavailable, String(html));
    const fivexx = await statusAgainst((res) =>
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway'),
    );
    assert.ok(fivexx instanceof ConservatorUnavailable, String(fivexx));
    const missing = await statusAgainst((res) =>
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          '<?xml version="1.0"?><StatoConservazione><DataRichiestaStato>2026-12-05T00:00:00Z</DataRichiestaStato><EsitoGenerale><CodiceEsito>POSITIVO</CodiceEsito></EsitoGenerale><EsitoChiamataWS><VersioneWSCorretta>POSITIVO</VersioneWSCorretta><CredenzialiOperatore>POSITIVO</CredenzialiOperatore></EsitoChiamataWS></StatoConservazione>',
        ),
    );
    assert.ok(missing instanceof ConservatorResponseInvalid, String(missing));
  });

  it('a WARNING answer is CONSERVED with the warning as a reason and the rapporto verbatim', async () => {
    const key = nextKey();
    const now = '2026-12-05T08:00:00.000Z';
    const rapporto = rapportoVersamentoXml(
      {
        key,
        versatore: TEST_VERSATORE,
        tipologia: 'PROTOCOLLO IN ARRIVO',
        urn: 'urn:x:y:z:k',
        documents: [],
      },
      now,
    );
    const body = esitoVersamentoXml({
      versioneChiamata: '1.5',
      outcome: 'WARNING',
      errors: [{ code: 'COMP-006-001', message: 'Componente 1: il Formato DOCX non è ammesso' }],
      versioneOk: true,
      credentialsOk: true,
      filesOk: true,
      xsdOk: true,
      unit: null,
      rapporto,
      xmlVersamento: null,
      now,
    });
    const server = await rawServer((res) =>
      res.writeHead(200, { 'content-type': 'application/xml' }).end(body),
    );
    try {
      const outcome = await httpConnector(testConservationConfig(server.url), TEST_VERSATORE).send(
        testSubmission(key, [bufferComponent('1', 'p.pdf', pdf())]),
      );
      assert.equal(outcome.kind, 'CONSERVED');
      assert.ok(outcome.kind === 'CONSERVED');
      assert.equal(outcome.rapportoXml, rapporto);
      assert.deepEqual(outcome.warnings, [
        { code: 'COMP-006-001', message: 'Componente 1: il Formato DOCX non è ammesso' },
      ]);
      assert.equal(outcome.conservatorId, 'urn:x:y:z:k:SIP');
    } finally {
      await server.close();
    }
  });

  it('a conservator that is not configured is ConservatorUnavailable naming the variables', async () => {
    const none = httpConnector(testConservationConfig('', { url: undefined }), TEST_VERSATORE);
    await assert.rejects(none.status(nextKey()), /CONSERVATION_URL/);
  });
});

describe('dms conservazione-simulator (offline command)', () => {
  it('starts on loopback, prints its URL and account, answers the status service, stops on SIGTERM', async () => {
    const commandUrl = new URL('../../plugins/conservazione/simulator/simulator.command.js', import.meta.url)
      .href;
    const script = `import(${JSON.stringify(commandUrl)}).then(async (m) => process.exit(await m.conservatorSimulatorCommand.run(process.argv.slice(1), {})))`;
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', script, '--', '--json', '--user', 'ente-x', '--password', 'pw-x'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | string | null>((r) =>
      child.once('exit', (code, signal) => r(code ?? signal)),
    );
    try {
      const summary = await new Promise<{ url: string; user: string; password: string }>(
        (resolve, reject) => {
          let out = '';
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const line = out.split('\n').find((l) => l.startsWith('{'));
            if (line) resolve(JSON.parse(line) as { url: string; user: string; password: string });
          });
          void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
        },
      );
      assert.match(summary.url, /^http:\/\/127\.0\.0\.1:\d+\/sacerws$/);
      assert.deepEqual([summary.user, summary.password], ['ente-x', 'pw-x']);
      const connector = httpConnector(
        testConservationConfig(summary.url, { user: 'ente-x', password: 'pw-x' }),
        { ...TEST_VERSATORE, userId: 'ente-x' },
      );
      assert.deepEqual(await connector.status(nextKey()), { kind: 'UNKNOWN' });
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
  });

  // Regression: its handlers were installed after the summary was printed, so a SIGTERM sent on
  // reading it killed the process instead of stopping the server.
  it('a SIGTERM sent the instant the summary is printed stops it cleanly, exit 0', async () => {
    const run = await runSignalledAtReady(['conservazione-simulator', '--json'], '^\\{', 'SIGTERM', {
      DMS_PLUGINS: 'conservazione',
    });
    assert.equal(run.exit, 0, run.stderr);
    assert.match(run.stdout, /"url":"http:\/\/127\.0\.0\.1:\d+\/sacerws"/);
  });
});
