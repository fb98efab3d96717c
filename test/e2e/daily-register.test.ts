import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  AnnulProtocolDocument,
  DailyRegisterDocument,
  DailyRegistersDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolDocument,
  UpdateProtocolFieldsDocument,
  type DailyRegisterFieldsFragment,
} from '../../clients/sdk/generated/graphql.js';
import { systemContext } from '../../server/context.js';
import { registroGiornalieroModule } from '../../schema/registro-giornaliero/index.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const XSD = fileURLToPath(
  new URL('../../../schema/registro-giornaliero/registro-giornaliero.xsd', import.meta.url),
);
const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));

/**
 * The daily protocol register (001 §6.8): produced by the recurring job for every day of the AOO
 * in order once DAILY_REGISTER_TIME has passed in Rome, with the day's registrations (state and
 * managed fields at the close), annulments and changes; valid against the project's XSD
 * (xmllint); sealed with a detached CAdES-BES that openssl verifies; produced once per day; an
 * empty day gives an empty register; the day of the change to legal time has 23 hours.
 */
describe('daily register', () => {
  // Thursday 26 March 2026, 09:00 in Rome; legal time starts on Sunday 29 March at 02:00.
  const clock = new SettableClock('2026-03-26T08:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let prot: GraphqlClient;
  let rgd: GraphqlClient;
  let certificatePem = '';
  const dir = mkdtempSync(join(tmpdir(), 'daily-register-'));
  const records: Record<string, { id: string; number: number }> = {};

  const runJob = async (): Promise<unknown> => {
    const job = registroGiornalieroModule.jobs?.[0];
    assert.ok(job);
    const ctx = await systemContext(env.platform, {
      actorId: null,
      requestId: randomUUID(),
      agent: job.name,
    });
    return job.run(ctx, {});
  };

  const register = async (key: string, oggetto: string, kind: 'ARRIVO' | 'PARTENZA', at: string) => {
    clock.set(at);
    const [doc] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    const r = await prot.data(RegisterProtocolDocument, {
      input: {
        kind,
        documentId: doc ?? '',
        oggetto,
        correspondents: [
          kind === 'ARRIVO'
            ? { kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U' }
            : { kind: 'PERSONA_GIURIDICA', denominazione: 'Verde Srl', partitaIva: '01234567897' },
        ],
      },
    });
    records[key] = { id: r.registerProtocol.id, number: r.registerProtocol.number };
  };

  const dms = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [DMS, ...args], {
        env: {
          ...process.env,
          DATABASE_URL: env.databaseUrl,
          DATA_DIR: env.config.dataDir,
          JWT_SECRET: 'x'.repeat(43),
          LOG_LEVEL: 'warn',
          JOBS_ENABLED: 'false',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  const fetchBytes = async (url: string): Promise<Buffer> => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${await env.tokenFor('rgd')}` } });
    assert.equal(res.status, 200, url);
    return Buffer.from(await res.arrayBuffer());
  };

  const registerOf = async (
    day: string,
  ): Promise<{ meta: DailyRegisterFieldsFragment; xml: string; p7s: Buffer }> => {
    const meta = (await rgd.data(DailyRegisterDocument, { aooId: ids.aooId, day })).dailyRegister;
    assert.ok(meta, `a register for ${day}`);
    const xmlBytes = await fetchBytes(meta.xmlUrl);
    assert.equal(createHash('sha256').update(xmlBytes).digest('hex'), meta.sha256);
    return { meta, xml: xmlBytes.toString('utf8'), p7s: await fetchBytes(meta.signatureUrl) };
  };

  const xmllint = (xml: string): void => {
    const f = join(dir, `${randomUUID()}.xml`);
    writeFileSync(f, xml);
    const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', XSD, f], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };

  const opensslVerify = (xml: string, p7s: Buffer, withCa: boolean): void => {
    const f = join(dir, randomUUID());
    writeFileSync(`${f}.xml`, xml);
    writeFileSync(`${f}.p7s`, p7s);
    writeFileSync(`${f}.pem`, certificatePem);
    const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${f}.p7s`, '-content', `${f}.xml`];
    const r = spawnSync(
      'openssl',
      [...args, ...(withCa ? ['-CAfile', `${f}.pem`] : ['-noverify']), '-out', '/dev/null'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Verification successful/);
  };

  /** The Registrazione elements of the XML, as number → its text. */
  const registrations = (xml: string): Map<number, string> =>
    new Map(
      [...xml.matchAll(/<Registrazione>([\s\S]*?)<\/Registrazione>/g)].map((m) => [
        Number(/<Numero>(\d+)<\/Numero>/.exec(m[1] ?? '')?.[1]),
        m[1] ?? '',
      ]),
    );

  before(async () => {
    env = await startTestEnv({ clock, env: { DAILY_REGISTER_TIME: '00:30' } });
    ids = await demoIds(env);
    prot = await env.asUser('protocollista');
    rgd = await env.asUser('rgd');
    const admin = await env.asUser('admin');
    const seal = await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    certificatePem = seal.generateDevelopmentSegnaturaSeal.certificatePem;

    // Thursday 26: three registrations, the second annulled, the first changed.
    await register('a', 'Richiesta di contributo & rendiconto', 'ARRIVO', '2026-03-26T08:10:00Z');
    await register('b', 'Comunicazione errata', 'PARTENZA', '2026-03-26T09:00:00Z');
    await register('c', 'Istanza di accesso', 'ARRIVO', '2026-03-26T10:00:00Z');
    clock.set('2026-03-26T11:00:00Z');
    await rgd.data(AnnulProtocolDocument, {
      input: {
        id: records['b']?.id ?? '',
        reason: 'Registrazione duplicata',
        authorisation: 'Decreto RGD 1/2026',
      },
    });
    clock.set('2026-03-26T12:00:00Z');
    await prot.data(UpdateProtocolFieldsDocument, {
      input: { id: records['a']?.id ?? '', documentType: 'Istanza' },
    });
    // Friday 27: one registration; c (of the 26th) annulled, a (of the 26th) changed again.
    await register('d', 'Convocazione', 'PARTENZA', '2026-03-27T08:00:00Z');
    clock.set('2026-03-27T09:00:00Z');
    await rgd.data(AnnulProtocolDocument, {
      input: {
        id: records['c']?.id ?? '',
        reason: 'Documento di altra AOO',
        authorisation: 'Decreto RGD 2/2026',
      },
    });
    clock.set('2026-03-27T10:00:00Z');
    await prot.data(UpdateProtocolFieldsDocument, {
      input: { id: records['a']?.id ?? '', meansOfTransmission: 'POSTA' },
    });
    // Saturday 28: nothing. Sunday 29 (23 hours): 00:30 CET, 03:30 CEST, 23:30 CEST.
    await register('e', 'Prima del cambio', 'ARRIVO', '2026-03-28T23:30:00Z');
    await register('f', "Dopo il cambio dell'ora", 'ARRIVO', '2026-03-29T01:30:00Z');
    await register('g', 'Ultima della domenica', 'PARTENZA', '2026-03-29T21:30:00Z');
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up the missed days in order once DAILY_REGISTER_TIME has passed, and never produces a day twice', async () => {
    // Monday 30, 00:10 in Rome: before 00:30 the registers due end with Saturday 28.
    clock.set('2026-03-29T22:10:00Z');
    // Before: GET /readyz names the AOO whose register of the previous working day (Friday) is missing.
    const ready = (await (await fetch(`${env.baseUrl}/readyz`)).json()) as {
      reports?: Record<string, string[]>;
    };
    assert.deepEqual(ready.reports?.['registro-giornaliero.missing'], [
      'AOO ADEMO01: the daily register of 2026-03-27 (the previous working day) is missing',
    ]);
    await runJob();
    assert.deepEqual(await registroGiornalieroModule.healthReports?.[0]?.report(env.platform), []);
    const first = (await rgd.data(DailyRegistersDocument, { aooId: ids.aooId })).dailyRegisters;
    assert.deepEqual(
      first.map((r) => [r.day, r.progressive]),
      [
        ['2026-03-28', 3],
        ['2026-03-27', 2],
        ['2026-03-26', 1],
      ],
    );
    // 00:45: Sunday's is due.
    clock.set('2026-03-29T22:45:00Z');
    await runJob();
    await runJob();
    const all = (await rgd.data(DailyRegistersDocument, { aooId: ids.aooId })).dailyRegisters;
    assert.deepEqual(
      all.map((r) => [r.day, r.progressive, r.state]),
      [
        ['2026-03-29', 4, 'READY_FOR_CONSERVATION'],
        ['2026-03-28', 3, 'READY_FOR_CONSERVATION'],
        ['2026-03-27', 2, 'READY_FOR_CONSERVATION'],
        ['2026-03-26', 1, 'READY_FOR_CONSERVATION'],
      ],
    );
    const counts = await sql<{ registers: string; documents: string; entries: string }>(
      env,
      `select (select count(*) from daily_register) as registers,
              (select count(*) from document where oggetto like 'Registro giornaliero di protocollo%') as documents,
              (select count(*) from repertorio_entry e join repertorio r on r.id = e.repertorio_id
                where r.code = 'REGISTRO_GIORNALIERO') as entries`,
    );
    assert.deepEqual(counts[0], { registers: '4', documents: '4', entries: '4' });
    // The database keeps one per day and never changes one.
    await assert.rejects(
      sql(
        env,
        `insert into daily_register select (jsonb_populate_record(null::daily_register,
           to_jsonb(d) || jsonb_build_object('id', gen_random_uuid()))).* from daily_register d limit 1`,
      ),
      /daily_register_aoo_day_unique/,
    );
    await assert.rejects(sql(env, `update daily_register set sha256 = repeat('0', 64)`), /immutable/);
    await assert.rejects(sql(env, `delete from daily_register`), /never deleted/);
  });

  it("has the day's registrations, annulments and changes, valid against the XSD and sealed", async () => {
    const { meta, xml, p7s } = await registerOf('2026-03-26');
    xmllint(xml);
    opensslVerify(xml, p7s, false);
    opensslVerify(xml, p7s, true);
    const a = records['a']?.number ?? 0;
    const b = records['b']?.number ?? 0;
    const c = records['c']?.number ?? 0;
    assert.deepEqual([meta.registrationCount, meta.firstNumber, meta.lastNumber], [3, a, c]);
    assert.deepEqual([meta.annulmentCount, meta.changeCount], [1, 1]);
    assert.match(xml, /<IdentificativoPersistente>[^<]+-ADEMO01-20260326<\/IdentificativoPersistente>/);
    assert.match(xml, /<Oggetto>Registro giornaliero di protocollo<\/Oggetto>/);
    assert.match(xml, /<NumeroProgressivo anno="2026">1<\/NumeroProgressivo>/);
    assert.match(xml, /<Responsabile>\s*<Utente>rgd<\/Utente>/);
    assert.match(xml, new RegExp(`<PrimoNumero>${String(a).padStart(7, '0')}</PrimoNumero>`));
    const regs = registrations(xml);
    assert.deepEqual([...regs.keys()], [a, b, c]);
    assert.match(regs.get(a) ?? '', /<Oggetto>Richiesta di contributo &amp; rendiconto<\/Oggetto>/);
    assert.match(regs.get(a) ?? '', /<Denominazione>Mario Rossi<\/Denominazione>/);
    assert.match(
      regs.get(a) ?? '',
      /<DataOraRegistrazione>2026-03-26T09:10:00\.000\+01:00<\/DataOraRegistrazione>/,
    );
    assert.match(regs.get(a) ?? '', /<Impronta posizione="0" algoritmo="SHA-256">[0-9a-f]{64}<\/Impronta>/);
    // State at the day's close: b was annulled that day, c only the day after.
    assert.match(regs.get(b) ?? '', /<Stato>ANNULLATO<\/Stato>/);
    assert.match(regs.get(c) ?? '', /<Stato>REGISTRATO<\/Stato>/);
    assert.match(
      xml,
      /<Annullamento>[\s\S]*<Motivazione>Registrazione duplicata<\/Motivazione>[\s\S]*<\/Annullamento>/,
    );
    assert.doesNotMatch(xml, /Documento di altra AOO/);
    assert.match(
      xml,
      /<Modifica>[\s\S]*<Versione>2<\/Versione>[\s\S]*<Campo nome="documentType">\s*<Precedente>null<\/Precedente>\s*<Nuovo>"Istanza"<\/Nuovo>/,
    );
    assert.doesNotMatch(xml, /POSTA/);
    // The AOO's audit chain head at the close (26 March, 24:00 in Rome = 23:00 UTC).
    const [head] = await sql<{ seq: string; hash: string }>(
      env,
      `select s.seq::text as seq, s.hash from audit_seal s join audit_event e on e.id = s.audit_id
        where s.chain = $1 and e.occurred_at < '2026-03-26T23:00:00Z' order by s.seq desc limit 1`,
      [ids.aooId],
    );
    assert.ok(head, 'the day has sealed audit rows');
    assert.deepEqual([meta.chainSeq, meta.chainHash], [head.seq, head.hash]);
    assert.match(
      xml,
      new RegExp(`<CatenaAudit>\\s*<Sequenza>${head.seq}</Sequenza>\\s*<Hash>${head.hash}</Hash>`),
    );

    // The 27th: its registration, and the annulment and change of records of the 26th.
    const next = await registerOf('2026-03-27');
    xmllint(next.xml);
    opensslVerify(next.xml, next.p7s, true);
    assert.deepEqual([...registrations(next.xml).keys()], [records['d']?.number]);
    assert.match(
      next.xml,
      /<Annullamento>\s*<Numero>\d+<\/Numero>[\s\S]*<DataRegistrazione>2026-03-26<\/DataRegistrazione>[\s\S]*Documento di altra AOO/,
    );
    assert.match(
      next.xml,
      /<Modifica>[\s\S]*<DataRegistrazione>2026-03-26<\/DataRegistrazione>\s*<Versione>3<\/Versione>[\s\S]*<Nuovo>"POSTA"<\/Nuovo>/,
    );
  });

  it('gives an empty register for a day without registrations', async () => {
    const { meta, xml, p7s } = await registerOf('2026-03-28');
    xmllint(xml);
    opensslVerify(xml, p7s, true);
    assert.deepEqual([meta.registrationCount, meta.firstNumber, meta.lastNumber], [0, null, null]);
    assert.match(xml, /<NumeroRegistrazioni>0<\/NumeroRegistrazioni>/);
    assert.doesNotMatch(xml, /<PrimoNumero>|<Registrazione>/);
  });

  it('covers the 23 hours of the day legal time begins', async () => {
    const { meta, xml, p7s } = await registerOf('2026-03-29');
    xmllint(xml);
    opensslVerify(xml, p7s, true);
    assert.match(xml, /<Inizio>2026-03-29T00:00:00\.000\+01:00<\/Inizio>/);
    assert.match(xml, /<Fine>2026-03-30T00:00:00\.000\+02:00<\/Fine>/);
    const regs = registrations(xml);
    assert.deepEqual([...regs.keys()], [records['e']?.number, records['f']?.number, records['g']?.number]);
    assert.equal(meta.registrationCount, 3);
    assert.match(regs.get(records['e']?.number ?? 0) ?? '', /T00:30:00\.000\+01:00/);
    assert.match(regs.get(records['f']?.number ?? 0) ?? '', /T03:30:00\.000\+02:00/);
    assert.match(regs.get(records['g']?.number ?? 0) ?? '', /T23:30:00\.000\+02:00/);
  });

  it('leaves an AOO without a seal waiting, and catches it up once the seal is configured', async () => {
    const admin = await env.asUser('admin');
    clock.set('2026-03-30T08:00:00Z');
    const other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'rgd.altrove', 'RGD');
    clock.set('2026-03-31T08:00:00Z');
    const outcomes = (await runJob()) as Array<{
      aooCode: string;
      produced: string[];
      failed?: { day: string; error: string };
    }>;
    const waiting = outcomes.find((o) => o.aooCode === 'AALTR01');
    assert.deepEqual(waiting?.produced, []);
    assert.equal(waiting?.failed?.day, '2026-03-30');
    assert.match(waiting?.failed?.error ?? '', /has no seal/);
    const none = await sql(env, 'select 1 from daily_register where aoo_id = $1', [other.aooId]);
    assert.equal(none.length, 0);
    // The demo AOO went on meanwhile.
    assert.deepEqual(outcomes.find((o) => o.aooCode === 'ADEMO01')?.produced, ['2026-03-30']);

    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: other.aooId });
    const after = (await runJob()) as Array<{ aooCode: string; produced: string[] }>;
    assert.deepEqual(after.find((o) => o.aooCode === 'AALTR01')?.produced, ['2026-03-30']);
    const [row] = await sql<{ progressive: number; registration_count: number }>(
      env,
      'select progressive, registration_count from daily_register where aoo_id = $1',
      [other.aooId],
    );
    assert.deepEqual(row, { progressive: 1, registration_count: 0 });
  });

  it('is read by the RGD and refused to others; dms daily-register answers a produced day unchanged', async () => {
    const lettore = await env.asUser('lettore');
    const denied = await lettore.request(DailyRegistersDocument, { aooId: ids.aooId });
    assert.equal(errorCode(denied), 'FORBIDDEN');
    const res = await fetch((await registerOf('2026-03-26')).meta.xmlUrl, {
      headers: { authorization: `Bearer ${await env.tokenFor('lettore')}` },
    });
    assert.equal(res.status, 404);

    const run = await dms('daily-register', '--aoo', 'ADEMO01', '--date', '2026-03-26');
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /Already produced: [^,]+-ADEMO01-20260326, progressive 1\/2026, 3 registrations/,
    );
    const early = await dms('daily-register', '--aoo', 'ADEMO01', '--date', '2999-01-01');
    assert.equal(early.code, 1);
    assert.match(early.stderr, /DAILY_REGISTER_DAY_NOT_CLOSED: the day 2999-01-01 is not over/);
    const [{ n } = { n: '' }] = await sql<{ n: string }>(env, 'select count(*) as n from daily_register');
    assert.equal(n, '6');
  });
});
