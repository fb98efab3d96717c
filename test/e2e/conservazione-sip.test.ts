import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RegisterProtocolDocument } from '../../clients/sdk/generated/graphql.js';
import {
  loadSipPackage,
  writeSip,
  type LoadSipInput,
  type SipPackage,
  type Versatore,
} from '../../plugins/conservazione/sip/index.js';
import type { FsBlobStore } from '../../server/blob/fs-blob-store.js';
import {
  createDocument,
  demoIds,
  sql,
  storedKeys,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { closedSipTree, type SipTree } from '../harness/conservazione-sip-fixtures.js';
import { titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const run = promisify(execFile);
const XSD_DIR = fileURLToPath(new URL('../../../plugins/conservazione/sip/xsd/', import.meta.url));

const VERSATORE: Versatore = { ambiente: 'PARER_TEST', ente: 'c_x000', struttura: 'ADEMO01', userId: 'dms' };

/** Every entry's SHA-256 (python3 zipfile, CRC checked) and the PIndex's Path → Hash. */
const READ_SIP = `
import hashlib, json, sys, zipfile, urllib.parse
import xml.etree.ElementTree as ET
NS = "{http://www.uni.com/U3011/sincro-v2/}"
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    entries = {i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}
    root = ET.fromstring(z.read("PIndex.xml"))
    listed = {urllib.parse.unquote(f.find(NS + "Path").text): f.find(NS + "Hash").text for f in root.iter(NS + "File")}
    z.extractall(sys.argv[2])
print(json.dumps({"entries": entries, "pindex": listed}))
`;

/**
 * The conservation package (SIP) built from real registrations and a closed fascicolo tree: every
 * XML valid for Debian's xmllint against the conservator's XSDs, the zip read back by python and
 * unzip with every document's digest equal to the stored one and to the PIndex's; a draft is not
 * conservable; a blob altered on disk stops the build with nothing stored.
 */
describe('conservazione SIP', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let work: string;
  const records: Array<{ documentId: string; number: number; year: number }> = [];
  let fascicolo: SipTree;
  let registerCode: string;

  const input = (over: Partial<LoadSipInput>): LoadSipInput => ({
    packageId: '00000000-0000-4000-8000-000000000001',
    aooId: ids.aooId,
    kind: 'SERIES',
    label: 'Serie di prova',
    createdAt: new Date('2026-12-05T08:00:00Z'),
    documentIds: [],
    fascicoloId: null,
    dailyRegisterId: null,
    ...over,
  });
  const load = (over: Partial<LoadSipInput>) => loadSipPackage(env.platform.orm.em.fork(), input(over));

  before(async () => {
    env = await startTestEnv({ plugins: ['conservazione'] });
    ids = await demoIds(env);
    work = await mkdtemp(path.join(tmpdir(), 'sip-e2e-'));
    const [aoo] = await sql<{ register_code: string }>(env, 'select register_code from aoo where id = $1', [
      ids.aooId,
    ]);
    assert.ok(aoo);
    registerCode = aoo.register_code;
    const nodes = await titolarioInForce(env, ids.aooId);

    // Two protocol registrations, the first with an attachment that shares the primary's name.
    const prot = await env.asUser('protocollista');
    for (const [kind, withAttachment] of [
      ['ARRIVO', true],
      ['PARTENZA', false],
    ] as const) {
      const primary = await upload(
        env,
        'protocollista',
        uniqueBytes(`primario ${kind}`, 3000),
        'lettera.pdf',
      );
      const attachments = withAttachment
        ? [
            {
              fileId: (await upload(env, 'protocollista', uniqueBytes('allegato', 900), 'lettera.pdf')).id,
              description: 'Planimetria',
            },
          ]
        : [];
      const doc = await createDocument(env, 'protocollista', {
        uorId: ids.uor['PROT'] ?? '',
        primaryFileId: primary.id,
        attachments,
        oggetto: `Istanza ${kind} — via Roma «1» & C.`,
      });
      const r = await prot.data(RegisterProtocolDocument, {
        input: {
          kind,
          documentId: doc.id,
          oggetto: `Istanza ${kind} — via Roma «1» & C.`,
          classificationId: nodes['VI/3/1'] ?? '',
          correspondents: [
            kind === 'ARRIVO'
              ? { kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U' }
              : { kind: 'PERSONA_GIURIDICA', denominazione: 'Verde Srl', partitaIva: '01234567897' },
          ],
        },
      });
      records.push({ documentId: doc.id, number: r.registerProtocol.number, year: r.registerProtocol.year });
    }

    // A fascicolo with two sottofascicoli and an inserto, 200 documents filed across, closed.
    fascicolo = await closedSipTree(env, ids, nodes['VI/3/1'] ?? '', 200, (i) =>
      Readable.from([uniqueBytes(`Documento ${i}`, 200 + i)]),
    );
  });
  after(async () => {
    await env?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The zip out of the blob store, read back by python; the XML checked by Debian's xmllint. */
  async function readBack(pkg: SipPackage, label: string) {
    const built = await writeSip(env.platform, pkg, VERSATORE);
    const file = path.join(work, `${label}.zip`);
    await pipeline(await env.platform.blobs.get(built.sip.key), createWriteStream(file));
    const bytes = await readFile(file);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), built.sip.sha256);
    assert.equal(bytes.length, built.sip.size);
    assert.match((await run('unzip', ['-t', file])).stdout, /No errors detected/);
    const out = path.join(work, label);
    await mkdir(out);
    const { stdout } = await run('python3', ['-c', READ_SIP, file, out], { maxBuffer: 64 * 1024 * 1024 });
    const read = JSON.parse(stdout) as { entries: Record<string, string>; pindex: Record<string, string> };
    return { built, read, out };
  }

  async function xmllint(schema: string, files: string[]): Promise<void> {
    const r = await run('xmllint', ['--nonet', '--noout', '--schema', path.join(XSD_DIR, schema), ...files], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((e: Error & { stderr?: string }) => {
      throw new Error(`xmllint ${schema}: ${e.stderr ?? e.message}`);
    });
    assert.equal(r.stderr.split('\n').filter((l) => l && !l.endsWith(' validates')).length, 0, r.stderr);
  }

  function assertDigests(
    pkg: SipPackage,
    read: { entries: Record<string, string>; pindex: Record<string, string> },
  ) {
    const names = Object.keys(read.entries);
    // Every entry but the PIndex is listed in it with the digest of its bytes.
    assert.deepEqual(Object.keys(read.pindex).sort(), names.filter((n) => n !== 'PIndex.xml').sort());
    for (const [name, digest] of Object.entries(read.pindex)) assert.equal(read.entries[name], digest, name);
    for (const unit of pkg.units) {
      const folder = `${unit.key.registro}-${unit.key.anno}-${unit.key.numero}`;
      const inFolder = names.filter((n) => n.startsWith(`${folder}/`));
      assert.equal(inFolder.length, unit.components.length + 1, folder);
      for (const c of unit.components) {
        assert.ok(
          inFolder.some((n) => read.entries[n] === c.sha256),
          `${folder}: component ${c.id} with its stored digest`,
        );
      }
    }
  }

  it('builds a SERIES of protocol registrations that validates and reads back', async () => {
    const pkg = await load({ documentIds: records.map((r) => r.documentId) });
    assert.deepEqual(
      pkg.units.map((u) => [u.key.registro, u.key.anno, u.key.numero, u.tipologia]),
      records.map((r, i) => [
        registerCode,
        r.year,
        String(r.number).padStart(7, '0'),
        i === 0 ? 'PROTOCOLLO IN ARRIVO' : 'PROTOCOLLO IN PARTENZA',
      ]),
    );
    const stored = await sql<{ sha256: string }>(
      env,
      `select f.sha256 from document_file df join stored_file f on f.id = df.file_id
        where df.document_id = $1 and df.superseded_at is null order by df.position`,
      [records[0]?.documentId],
    );
    assert.deepEqual(
      pkg.units[0]?.components.map((c) => [c.role, c.sha256]),
      stored.map((s, i) => [i === 0 ? 'PRINCIPALE' : 'ALLEGATO', s.sha256]),
    );
    const { built, read, out } = await readBack(pkg, 'series');
    assertDigests(pkg, read);
    const folder = `${registerCode}-${records[0]?.year}-${String(records[0]?.number).padStart(7, '0')}`;
    // Two files named lettera.pdf: told apart by their component id.
    assert.ok(read.entries[`${folder}/1-lettera.pdf`] && read.entries[`${folder}/2-lettera.pdf`]);
    const requests = pkg.units.map((u) =>
      path.join(out, `${u.key.registro}-${u.key.anno}-${u.key.numero}`, 'UnitaDocumentaria.xml'),
    );
    await xmllint('WSRequestVersamento.xsd', requests);
    await xmllint('Unisincro_PIndex.xsd', [path.join(out, 'PIndex.xml')]);
    const request = await readFile(requests[0] ?? '', 'utf8');
    assert.match(request, /<TipoRegistro>.+<\/TipoRegistro>/);
    assert.match(request, /<NumeroAllegati>1<\/NumeroAllegati>/);
    assert.match(request, /<Classifica>VI\/3\/1<\/Classifica>/);
    assert.match(request, /<Cognome>Rossi<\/Cognome>/);
    assert.match(request, /Istanza ARRIVO — via Roma «1» &amp; C\./);
    // The stored descriptors and PIndex are the bytes inside the zip.
    for (const d of built.descriptors) {
      const unit = pkg.units.find((u) => u.documentId === d.documentId);
      assert.ok(unit);
      assert.equal(
        read.entries[`${unit.key.registro}-${unit.key.anno}-${unit.key.numero}/UnitaDocumentaria.xml`],
        d.blob.sha256,
      );
    }
    assert.equal(read.entries['PIndex.xml'], built.pindex.sha256);
  });

  it('builds a FASCICOLO package of the closed tree with ~200 documents that validates', async () => {
    const pkg = await load({ kind: 'FASCICOLO', fascicoloId: fascicolo.id, label: 'Fascicolo chiuso' });
    assert.equal(pkg.units.length, 200);
    assert.deepEqual(
      pkg.units.map((u) => u.documentId),
      fascicolo.documentIds,
      'registration (creation) order',
    );
    assert.ok(pkg.units.every((u) => u.key.registro === 'NP' && u.key.numero === u.documentId));
    const agg = pkg.aggregation;
    assert.ok(agg);
    assert.deepEqual(agg.participatingAdministrations, ['Soprintendenza ABAP', 'ASL Roma 1']);
    assert.equal(agg.children.length, 2);
    assert.equal(agg.children[0]?.children.length, 1, 'the inserto under the first sottofascicolo');
    const all = (a: typeof agg): string[] => [...a.documentIds, ...a.children.flatMap(all)];
    assert.deepEqual(all(agg).sort(), [...fascicolo.documentIds].sort());
    assert.ok(agg.closingDate);

    const { read, out } = await readBack(pkg, 'fascicolo');
    assertDigests(pkg, read);
    assert.equal(Object.keys(read.entries).length, 2 + 200 * 2);
    const folders = (await readdir(out)).filter((f) => f.startsWith('NP-'));
    await xmllint(
      'WSRequestVersamento.xsd',
      folders.map((f) => path.join(out, f, 'UnitaDocumentaria.xml')),
    );
    await xmllint('Unisincro_PIndex.xsd', [path.join(out, 'PIndex.xml')]);
    await xmllint('WSRequestIndiceSIPFascicolo.xsd', [path.join(out, 'IndiceSIPFascicolo.xml')]);
    const indice = await readFile(path.join(out, 'IndiceSIPFascicolo.xml'), 'utf8');
    assert.match(indice, /<NumeroUnitaDocumentarie>200<\/NumeroUnitaDocumentarie>/);
    assert.match(indice, /<NumeroFascicoli>3<\/NumeroFascicoli>/);
    assert.match(indice, /Soprintendenza ABAP/);
    // A unit in the inserto names its fascicolo and the sottofascicolo it sits in.
    const inInserto = pkg.units.find((u) => u.fascicoloId === fascicolo.subs[2]);
    assert.ok(inInserto);
    const request = await readFile(
      path.join(out, `NP-${inInserto.key.anno}-${inInserto.documentId}`, 'UnitaDocumentaria.xml'),
      'utf8',
    );
    assert.match(request, /<Fascicolo>\s*<Identificativo>[^<]*Permesso di costruire/);
    assert.match(request, /<SottoFascicolo>\s*<Identificativo>[^<]*Varianti/);
  });

  it('refuses a draft document: CONSERVATION_UNIT_NOT_READY naming it', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('bozza'), 'bozza.txt');
    const draft = await createDocument(env, 'protocollista', {
      uorId: ids.uor['PROT'] ?? '',
      primaryFileId: file.id,
    });
    await assert.rejects(
      load({ documentIds: [records[0]?.documentId ?? '', draft.id] }),
      (e: Error & { extensions?: Record<string, unknown> }) => {
        assert.equal(e.extensions?.['code'], 'CONSERVATION_UNIT_NOT_READY');
        assert.equal(e.extensions?.['documentId'], draft.id);
        assert.match(e.message, /draft/);
        return true;
      },
    );
  });

  it('stops at a blob altered in the store: CONSERVATION_UNIT_NOT_READY, nothing stored', async () => {
    const pkg = await load({ documentIds: [records[1]?.documentId ?? ''] });
    const component = pkg.units[0]?.components[0];
    assert.ok(component);
    const blobFile = path.join((env.platform.blobs as FsBlobStore).root, ...component.blobKey.split('/'));
    const original = await readFile(blobFile);
    const altered = Buffer.from(original);
    altered[10] = (altered[10] ?? 0) ^ 0xff;
    await writeFile(blobFile, altered);
    const before = await storedKeys(env);
    try {
      await assert.rejects(
        writeSip(env.platform, pkg, VERSATORE),
        (e: Error & { extensions?: Record<string, unknown> }) => {
          assert.equal(e.extensions?.['code'], 'CONSERVATION_UNIT_NOT_READY');
          assert.equal(e.extensions?.['documentId'], records[1]?.documentId);
          assert.match(e.message, /SHA-256/);
          return true;
        },
      );
      assert.deepEqual(await storedKeys(env), before, 'no zip, PIndex or descriptor stored');
    } finally {
      await writeFile(blobFile, original);
    }
  });
});
