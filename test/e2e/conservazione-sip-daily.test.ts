import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  loadSipPackage,
  validateConservationXml,
  versamentoRequestXml,
  writeSip,
} from '../../plugins/conservazione/sip/index.js';
import { produceDailyRegister } from '../../schema/registro-giornaliero/index.js';
import { systemContext } from '../../server/context.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const run = promisify(execFile);
const XSD_DIR = fileURLToPath(new URL('../../../plugins/conservazione/sip/xsd/', import.meta.url));
const VERSATORE = { ambiente: 'PARER_TEST', ente: 'c_x000', struttura: 'ADEMO01', userId: 'dms' };

/**
 * The daily register as a unit: keyed in its REGISTRO_GIORNALIERO repertorio by progressive and
 * year, its XML the primary component and its CAdES seal a FIRMA component of the primary
 * document; the package validates with Debian's xmllint and the zip holds both files with their
 * digests. Also the batch validator: several documents in one call, each with its own errors.
 */
describe('conservazione SIP: daily register and validation', () => {
  const clock = new SettableClock('2026-03-26T08:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let work: string;

  before(async () => {
    env = await startTestEnv({ clock, plugins: ['conservazione'] });
    ids = await demoIds(env);
    work = await mkdtemp(path.join(tmpdir(), 'sip-daily-'));
    const admin = await env.asUser('admin');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    const prot = await env.asUser('protocollista');
    const [doc] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    await prot.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: doc ?? '',
        oggetto: 'Richiesta di contributo',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi' }],
      },
    });
    clock.set('2026-03-27T08:00:00Z');
  });
  after(async () => {
    await env?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('sends the daily register with its seal as a FIRMA component, valid and digest-checked', async () => {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    const { register } = await produceDailyRegister(ctx, ids.aooId, '2026-03-26');
    const pkg = await loadSipPackage(env.platform.orm.em.fork(), {
      packageId: randomUUID(),
      aooId: ids.aooId,
      kind: 'DAILY_REGISTER',
      label: 'Registro giornaliero 2026-03-26',
      createdAt: clock.now(),
      documentIds: [],
      fascicoloId: null,
      dailyRegisterId: register.id,
    });
    const [unit] = pkg.units;
    assert.ok(unit);
    const [repertorio] = await sql<{ code: string }>(
      env,
      'select r.code from repertorio r join repertorio_entry e on e.repertorio_id = r.id where e.id = $1',
      [register.repertorioEntryId],
    );
    assert.deepEqual(unit.key, {
      registro: repertorio?.code,
      anno: register.progressiveYear,
      numero: String(register.progressive),
    });
    assert.equal(unit.tipologia, 'REGISTRO GIORNALIERO DI PROTOCOLLO');
    assert.deepEqual(
      unit.components.map((c) => [c.role, c.sha256]),
      [
        ['PRINCIPALE', register.sha256],
        ['FIRMA', register.signatureSha256],
      ],
    );

    const built = await writeSip(env.platform, pkg, VERSATORE);
    const file = path.join(work, 'daily.zip');
    await pipeline(await env.platform.blobs.get(built.sip.key), createWriteStream(file));
    const { stdout } = await run('python3', [
      '-c',
      `import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
for i in z.infolist(): print(i.filename, hashlib.sha256(z.read(i)).hexdigest())
z.extractall(sys.argv[2])`,
      file,
      work,
    ]);
    const digests = new Set(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ').at(-1)),
    );
    assert.ok(digests.has(register.sha256) && digests.has(register.signatureSha256));
    const request = path.join(
      work,
      `${unit.key.registro}-${unit.key.anno}-${unit.key.numero}`,
      'UnitaDocumentaria.xml',
    );
    await run('xmllint', [
      '--nonet',
      '--noout',
      '--schema',
      path.join(XSD_DIR, 'WSRequestVersamento.xsd'),
      request,
    ]);
    await run('xmllint', [
      '--nonet',
      '--noout',
      '--schema',
      path.join(XSD_DIR, 'Unisincro_PIndex.xsd'),
      path.join(work, 'PIndex.xml'),
    ]);
    const xml = await readFile(request, 'utf8');
    assert.match(xml, /<TipoComponente>FIRMA<\/TipoComponente>/);
    assert.match(xml, /<NumeroAllegati>0<\/NumeroAllegati>/);
    assert.match(xml, /<ModalitaDiFormazione>d<\/ModalitaDiFormazione>/);
  });

  it('validates a batch in one call, attributing each error to its document', async () => {
    const pkg = await loadSipPackage(env.platform.orm.em.fork(), {
      packageId: randomUUID(),
      aooId: ids.aooId,
      kind: 'SERIES',
      label: 'x',
      createdAt: clock.now(),
      documentIds: (await sql<{ document_id: string }>(env, 'select document_id from protocol_record')).map(
        (r) => r.document_id,
      ),
      fascicoloId: null,
      dailyRegisterId: null,
    });
    const good = versamentoRequestXml(pkg.units[0] ?? assert.fail('no unit'), VERSATORE);
    const results = await validateConservationXml(
      [
        { name: 'good', xml: good },
        { name: 'no key', xml: good.replace(/<Chiave>[\s\S]*?<\/Chiave>/, '') },
        { name: 'also good', xml: good },
        { name: 'not xml', xml: '<UnitaDocumentaria>' },
      ],
      'versamento',
    );
    assert.deepEqual(
      results.map((r) => [r.name, r.errors.length > 0]),
      [
        ['good', false],
        ['no key', true],
        ['also good', false],
        ['not xml', true],
      ],
    );
    assert.match(results[1]?.errors.join(' ') ?? '', /Chiave|TipologiaUnitaDocumentaria/);
    // The responses the connector checks have their schemas here too.
    const [response] = await validateConservationXml(
      [{ name: 'r', xml: '<Nothing/>' }],
      'response-versamento',
    );
    assert.ok((response?.errors.length ?? 0) > 0);
  });
});
