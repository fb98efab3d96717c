import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CloseEmergencyRegisterDocument,
  EmergencyRegistersDocument,
  ImportEmergencyRecordsDocument,
  OpenEmergencyRegisterDocument,
  EmergencyRegisterDocument,
  ProtocolRecordDocument,
  ProtocolRecordEmergencyDocument,
  RegisterProtocolDocument,
  type EmergencyFileFormat,
} from '../../clients/sdk/generated/graphql.js';
import {
  EmergencyRecordsImported,
  EmergencyRegisterClosed,
  EmergencyRegisterOpened,
} from '../../schema/emergenza/index.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const ROOT = new URL('../../../', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(`test/fixtures/emergenza/${name}`, ROOT), 'utf8');

/** The request clock, set to a moment and running on from there (so order in time is real). */
class RunningClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(at: string | Date): void {
    this.offset = new Date(at).getTime() - Date.now();
  }
}

interface ImportError {
  line: number;
  number: number | null;
  field: string;
  message: string;
}

/**
 * The emergency register (001 §6.9, DOMAIN §5): sessions opened and closed by the RGD only (no
 * future start, one open per AOO — also in PostgreSQL —, no end before the start), and the import
 * of the records captured offline, in JSON and CSV (the example files of test/fixtures): each
 * record gets an ordinary protocol number, in emergency order, and keeps its emergency number
 * and date; a file with errors imports nothing, reports every error and takes no number; numbers
 * already imported, and documents of another AOO, are refused.
 */
describe('emergenza', () => {
  const clock = new RunningClock();
  const seen: Array<{ topic: string; data: Record<string, unknown>; committed: boolean }> = [];
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let protocollista: GraphqlClient;
  let other: { aooId: string; uorId: string };

  const probe = defineModule({
    name: 'probe',
    eventHandlers: [EmergencyRegisterOpened, EmergencyRegisterClosed, EmergencyRecordsImported].map(
      (event) => ({
        event,
        handle: async (_ctx, e: DomainEvent<object>) => {
          const data = e.data as { registerId: string };
          const rows = await sql(env, 'select 1 from emergency_register where id = $1', [data.registerId]);
          seen.push({
            topic: e.topic,
            data: e.data as Record<string, unknown>,
            committed: rows.length === 1,
          });
        },
      }),
    ),
  });

  before(async () => {
    clock.set('2026-12-05T10:00:00Z');
    env = await startTestEnv({ clock, modules: [probe] });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    protocollista = await env.asUser('protocollista');
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
  });
  after(async () => {
    await env.close();
  });

  /** Draft documents with a primary file, made directly, in PROT of the demo AOO (or the other AOO). */
  async function drafts(n: number, where: 'demo' | 'other' = 'demo'): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      env,
      `with docs as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Scansione ' || g,
                (select id from app_user where username = $3)
           from uor u, generate_series(1, $2::int) g where u.id = $1 returning id, created_by),
       files as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'scansione.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', d.created_by
           from docs d, lateral (select encode(sha256(d.id::text::bytea), 'hex') as h) x
         returning id, sha256)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), d.id, f.id, 0, 1, d.created_by
         from docs d join files f on f.sha256 = encode(sha256(d.id::text::bytea), 'hex')
       returning document_id as id`,
      [
        where === 'other' ? other.uorId : ids.uor['PROT'],
        n,
        where === 'other' ? 'altrove.protocollo' : 'rgd',
      ],
    );
    return rows.map((r) => r.id);
  }

  /** The example file with its placeholder document ids (…0001, …0002…) replaced by real drafts. */
  function withDocuments(text: string, documents: readonly string[]): string {
    return text.replace(
      /00000000-0000-4000-8000-0000000000(\d\d)/g,
      (_, n: string) => documents[(Number(n) - 1) % documents.length] ?? '',
    );
  }

  async function open(startedAt: string, client = rgd) {
    return client.request(OpenEmergencyRegisterDocument, {
      input: {
        aooId: ids.aooId,
        cause: 'Interruzione della rete del data center',
        startedAt,
        authorisation: 'Provvedimento RGD n. 4/2026',
      },
    });
  }

  const close = (id: string, endedAt: string, client = rgd) =>
    client.request(CloseEmergencyRegisterDocument, { input: { id, endedAt } });

  const importFile = (registerId: string, format: EmergencyFileFormat, content: string) =>
    rgd.request(ImportEmergencyRecordsDocument, { input: { registerId, format, content } });

  const errorsOf = (r: GraphqlResponse<unknown>): ImportError[] =>
    (r.errors?.[0]?.extensions?.['errors'] as ImportError[] | undefined) ?? [];

  const protocolCount = async () =>
    Number((await sql<{ n: string }>(env, 'select count(*) as n from protocol_record'))[0]?.n);
  const lastEmergencyNumber = async () =>
    Number(
      (
        await sql<{ n: string | null }>(
          env,
          `select max(emergency_number) as n from emergency_registration where aoo_id = $1`,
          [ids.aooId],
        )
      )[0]?.n ?? 0,
    );

  const registers: Record<'a' | 'b', string> = { a: '', b: '' };

  it('opening: only the RGD, cause and authorisation required, never a future start', async () => {
    const refused = await open('2026-12-03T08:00:00+01:00', protocollista);
    assert.equal(errorCode(refused), 'FORBIDDEN');
    const foreign = await env.asUser('altrove.protocollo');
    assert.ok(
      ['FORBIDDEN', 'NOT_FOUND'].includes(
        String(errorCode(await open('2026-12-03T08:00:00+01:00', foreign))),
      ),
    );
    const future = await open('2026-12-05T12:00:00+01:00'); // 11:00 UTC, an hour ahead of the clock
    assert.equal(errorCode(future), 'BAD_USER_INPUT');
    assert.equal(future.errors?.[0]?.extensions?.['field'], 'input.startedAt');
    const noOffset = await open('2026-12-03T08:00:00');
    assert.equal(errorCode(noOffset), 'BAD_USER_INPUT');
    const blank = await rgd.request(OpenEmergencyRegisterDocument, {
      input: { aooId: ids.aooId, cause: ' ', startedAt: '2026-12-03T08:00:00+01:00', authorisation: 'Atto' },
    });
    assert.equal(blank.errors?.[0]?.extensions?.['field'], 'input.cause');
    assert.equal(
      Number((await sql<{ n: string }>(env, 'select count(*) as n from emergency_register'))[0]?.n),
      0,
    );
  });

  it('one open register per AOO (service and database); closing: not before the start, not in the future, once', async () => {
    const opened = await open('2026-12-03T08:00:00+01:00');
    assert.equal(opened.errors, undefined);
    const a = opened.data?.openEmergencyRegister;
    assert.ok(a);
    assert.equal(a.open, true);
    assert.equal(a.startedAt, '2026-12-03T07:00:00.000Z');
    assert.equal(a.openedBy?.username, 'rgd');
    registers.a = a.id;
    assert.equal(errorCode(await open('2026-12-03T09:00:00+01:00')), 'EMERGENCY_REGISTER_ALREADY_OPEN');
    await assert.rejects(
      sql(
        env,
        `insert into emergency_register (id, aoo_id, cause, authorisation, started_at, opened_at, opened_by)
         select gen_random_uuid(), aoo_id, 'x', 'y', started_at, opened_at, opened_by from emergency_register`,
      ),
      /emergency_register_one_open/,
    );
    // Records are imported once the session is closed.
    const early = await importFile(
      a.id,
      'JSON',
      withDocuments(fixture('registro-emergenza.json'), await drafts(3)),
    );
    assert.equal(errorCode(early), 'EMERGENCY_REGISTER_OPEN');
    assert.equal(errorCode(await close(a.id, '2026-12-03T07:59:00+01:00')), 'BAD_USER_INPUT');
    assert.equal(errorCode(await close(a.id, '2026-12-05T12:00:00+01:00')), 'BAD_USER_INPUT');
    assert.equal(errorCode(await close(a.id, '2026-12-03T18:00:00+01:00', protocollista)), 'FORBIDDEN');
    const closed = await close(a.id, '2026-12-03T18:00:00+01:00');
    assert.equal(closed.errors, undefined);
    assert.equal(closed.data?.closeEmergencyRegister.open, false);
    assert.equal(closed.data?.closeEmergencyRegister.endedAt, '2026-12-03T17:00:00.000Z');
    assert.equal(closed.data?.closeEmergencyRegister.closedBy?.username, 'rgd');
    assert.equal(errorCode(await close(a.id, '2026-12-03T19:00:00+01:00')), 'EMERGENCY_REGISTER_CLOSED');
    // A closed session stays as it was, even for SQL.
    await assert.rejects(
      sql(env, `update emergency_register set ended_at = ended_at + interval '1 hour' where id = $1`, [a.id]),
      /stays as it was/,
    );
    await assert.rejects(sql(env, `delete from emergency_register where id = $1`, [a.id]), /never deleted/);
    const opening = seen.find((s) => s.topic === 'emergenza.opened' && s.data['registerId'] === a.id);
    assert.equal(opening?.committed, true);
    assert.ok(seen.some((s) => s.topic === 'emergenza.closed' && s.data['registerId'] === a.id));
  });

  it('a valid JSON file: ordinary numbers in emergency order, emergency numbers and dates kept', async () => {
    const docs = await drafts(3);
    const [before] = await sql<{ n: string | null }>(
      env,
      'select max(number) as n from protocol_record where aoo_id = $1',
      [ids.aooId],
    );
    const base = Number(before?.n ?? 0);
    const r = await importFile(registers.a, 'JSON', withDocuments(fixture('registro-emergenza.json'), docs));
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const imported = r.data?.importEmergencyRecords.registrations ?? [];
    assert.deepEqual(
      imported.map((g) => [g.number, g.year, g.at, g.record.number, g.record.kind, g.record.document.id]),
      [
        [1, 2026, '2026-12-03T08:15:00.000Z', base + 1, 'ARRIVO', docs[0]],
        [2, 2026, '2026-12-03T09:40:00.000Z', base + 2, 'PARTENZA', docs[1]],
        [3, 2026, '2026-12-03T15:05:00.000Z', base + 3, 'INTERNO', docs[2]],
      ],
    );
    // Registered now (the ordinary date), in the order of the emergency numbers.
    const times = imported.map((g) => Date.parse(g.record.registeredAt));
    assert.ok(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0)));
    assert.ok((times[0] ?? 0) >= Date.parse('2026-12-05T10:00:00Z'));
    const second = await rgd.data(ProtocolRecordDocument, { id: imported[1]?.record.id ?? '' });
    assert.deepEqual(
      second.protocolRecord.correspondents.map((c) => c.denominazione),
      ['Regione Esempio', 'Edilizia Esempio S.r.l.'],
    );
    const first = await rgd.data(ProtocolRecordDocument, { id: imported[0]?.record.id ?? '' });
    assert.deepEqual(
      first.protocolRecord.annotations.map((a) => a.text),
      ['Registrato sul registro di emergenza cartaceo, pagina 1'],
    );
    assert.equal(first.protocolRecord.meansOfTransmission, 'A_MANO');
    const read = await rgd.data(ProtocolRecordEmergencyDocument, { id: imported[0]?.record.id ?? '' });
    assert.deepEqual(read.protocolRecord.emergency, {
      number: 1,
      year: 2026,
      at: '2026-12-03T08:15:00.000Z',
      register: { id: registers.a, cause: 'Interruzione della rete del data center' },
    });
    const event = seen.find((s) => s.topic === 'emergenza.records-imported');
    assert.equal(event?.committed, true);
    assert.equal(event?.data['count'], 3);
    // An ordinary registration has no emergency.
    const [plain] = await drafts(1);
    const ordinary = await rgd.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: plain ?? '',
        oggetto: 'Lettera ordinaria',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Luca', cognome: 'Neri' }],
      },
    });
    assert.equal(ordinary.registerProtocol.number, base + 4);
    const plainRead = await rgd.data(ProtocolRecordEmergencyDocument, { id: ordinary.registerProtocol.id });
    assert.equal(plainRead.protocolRecord.emergency, null);
  });

  it('a valid CSV file (quotes, a continuation row) in a later session continues the numbers of the year', async () => {
    // Sessions follow one another: none starts before the end of an earlier one (service and database).
    const overlapping = await open('2026-12-03T17:00:00+01:00');
    assert.equal(errorCode(overlapping), 'BAD_USER_INPUT');
    assert.equal(overlapping.errors?.[0]?.extensions?.['field'], 'input.startedAt');
    await assert.rejects(
      sql(
        env,
        `insert into emergency_register (id, aoo_id, cause, authorisation, started_at, opened_at, opened_by)
         select gen_random_uuid(), aoo_id, 'x', 'y', started_at, opened_at, opened_by from emergency_register`,
      ),
      /do not overlap/,
    );
    const opened = await open('2026-12-04T07:30:00+01:00');
    registers.b = opened.data?.openEmergencyRegister.id ?? '';
    assert.equal((await close(registers.b, '2026-12-04T12:00:00+01:00')).errors, undefined);
    const docs = await drafts(3);
    const before = await protocolCount();
    const [top] = await sql<{ n: string }>(
      env,
      'select max(number) as n from protocol_record where aoo_id = $1',
      [ids.aooId],
    );
    const base = Number(top?.n);
    const r = await importFile(registers.b, 'CSV', withDocuments(fixture('registro-emergenza.csv'), docs));
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const imported = r.data?.importEmergencyRecords.registrations ?? [];
    assert.deepEqual(
      imported.map((g) => [g.number, g.at, g.record.number, g.record.kind]),
      [
        [4, '2026-12-04T07:10:00.000Z', base + 1, 'ARRIVO'],
        [5, '2026-12-04T08:00:00.000Z', base + 2, 'PARTENZA'],
        [6, '2026-12-04T10:45:00.000Z', base + 3, 'INTERNO'],
      ],
    );
    assert.equal(imported[0]?.record.oggetto, 'Esposto del comitato "Via Roma", con allegata planimetria');
    const esposto = await rgd.data(ProtocolRecordDocument, { id: imported[0]?.record.id ?? '' });
    assert.deepEqual(
      esposto.protocolRecord.correspondents.map((c) => [c.kind, c.denominazione, c.cognome]),
      [
        ['PERSONA_GIURIDICA', 'Comitato "Via Roma"', null],
        ['PERSONA_FISICA', null, 'Verdi'],
      ],
    );
    assert.equal(await protocolCount(), before + 3);
    // The registers of the AOO list their records.
    const listed = await rgd.data(EmergencyRegistersDocument, { aooId: ids.aooId });
    assert.deepEqual(
      listed.emergencyRegisters.map((g) => [g.id, g.registrations.map((x) => x.number)]),
      [
        [registers.b, [4, 5, 6]],
        [registers.a, [1, 2, 3]],
      ],
    );
    // A page at a time, in emergency order.
    const page = await rgd.data(EmergencyRegisterDocument, { id: registers.b, first: 2, after: '2026/4' });
    assert.deepEqual(
      page.emergencyRegister.registrations.map((x) => x.number),
      [5, 6],
    );
  });

  it('a file with errors imports nothing, reports every error and takes no number', async () => {
    const docs = await drafts(6);
    const before = await protocolCount();
    const lastBefore = await lastEmergencyNumber();
    const record = (n: number, at: string, extra: Record<string, unknown> = {}, doc = 0) => ({
      number: n,
      at,
      kind: 'ARRIVO',
      oggetto: `Istanza ${n}`,
      documentId: docs[doc],
      correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Bianchi' }],
      ...extra,
    });
    const content = [
      '{ "records": [',
      JSON.stringify(record(7, '2026-12-04T08:00:00+01:00', { kind: 'ENTRATA' }, 0)) + ',',
      JSON.stringify(record(9, '2026-12-04T08:30:00+01:00', {}, 1)) + ',',
      JSON.stringify(record(10, '2026-12-04T09:00:00+01:00', {}, 2)) + ',',
      JSON.stringify(record(10, '2026-12-04T09:10:00+01:00', {}, 3)) + ',',
      JSON.stringify(record(11, '2026-12-04T13:00:00+01:00', {}, 4)) + ',',
      JSON.stringify(record(12, '2026-12-04T11:00:00+01:00', { documentId: randomUUID() })) + ',',
      JSON.stringify(record(13, '2026-12-04T11:10:00+01:00', { oggetto: undefined }, 5)),
      '] }',
    ].join('\n');
    const r = await importFile(registers.b, 'JSON', content);
    assert.equal(errorCode(r), 'EMERGENCY_IMPORT_INVALID');
    const errors = errorsOf(r);
    const has = (line: number, field: string, pattern: RegExp) =>
      assert.ok(
        errors.some((e) => e.line === line && e.field === field && pattern.test(e.message)),
        `line ${line}, ${field} ${pattern}: ${JSON.stringify(errors)}`,
      );
    has(2, 'kind', /ARRIVO, PARTENZA or INTERNO/);
    has(2, 'at', /earlier than the date of emergency number 6\/2026 already imported/);
    has(3, 'number', /8\/2026 is missing/);
    has(5, 'number', /appears twice/);
    has(6, 'at', /inside the emergency register's session/);
    has(7, 'documentId', /no document/);
    has(8, 'oggetto', /missing/);
    assert.equal(r.errors?.[0]?.extensions?.['field'], 'input.content');
    assert.match(r.errors?.[0]?.message ?? '', /errors, nothing was imported/);
    // Nothing written, no ordinary or emergency number taken: the next registration is the next number.
    assert.equal(await protocolCount(), before);
    assert.equal(await lastEmergencyNumber(), lastBefore);
    const [counter] = await sql<{ last_value: string }>(
      env,
      `select last_value from number_counter where key = $1`,
      [`emergenza/${ids.aooId}/2026`],
    );
    assert.equal(Number(counter?.last_value), 6);
    const [top] = await sql<{ n: string }>(
      env,
      'select max(number) as n from protocol_record where aoo_id = $1',
      [ids.aooId],
    );
    const next = await rgd.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: docs[0] ?? '',
        oggetto: 'Lettera ordinaria',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Luca', cognome: 'Neri' }],
      },
    });
    assert.equal(next.registerProtocol.number, Number(top?.n) + 1);
  });

  it('CSV errors carry their lines (a quoted field spanning lines counts them), every one reported', async () => {
    const docs = await drafts(2);
    const content = [
      'number,at,kind,oggetto,documentId,correspondentKind,denominazione',
      `7,2026-12-04T08:00:00+01:00,ARRIVO,"Oggetto su`,
      `due righe",${docs[0]},PERSONA_GIURIDICA,Ditta`,
      `8,2026-12-04T08:00:00+01:00,USCITA,Oggetto,${docs[1]},PERSONA_GIURIDICA,Ditta`,
      `9,ieri,ARRIVO,,non-un-id,PERSONA_GIURIDICA,`,
    ].join('\n');
    const r = await importFile(registers.b, 'CSV', content);
    assert.equal(errorCode(r), 'EMERGENCY_IMPORT_INVALID');
    const got = errorsOf(r).map((e) => `${e.line} ${e.field}`);
    for (const want of [
      '2 oggetto',
      '4 kind',
      '5 at',
      '5 oggetto',
      '5 documentId',
      '5 correspondents.0.denominazione',
    ]) {
      assert.ok(got.includes(want), `${want} in ${JSON.stringify(got)}`);
    }
  });

  it('numbers already imported are refused (a second import of the same file imports nothing)', async () => {
    const before = await protocolCount();
    const r = await importFile(
      registers.a,
      'JSON',
      withDocuments(fixture('registro-emergenza.json'), await drafts(3)),
    );
    assert.equal(errorCode(r), 'EMERGENCY_IMPORT_INVALID');
    const numbers = errorsOf(r)
      .filter((e) => e.field === 'number' && /already imported/.test(e.message))
      .map((e) => e.number);
    assert.deepEqual(numbers, [1, 2, 3]);
    assert.equal(await protocolCount(), before);
    // The database keeps emergency numbers unique per AOO and year whatever the service does.
    const [constraint] = await sql<{ def: string }>(
      env,
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'emergency_registration_number_unique'`,
    );
    assert.match(constraint?.def ?? '', /UNIQUE \(aoo_id, emergency_year, emergency_number\)/);
    await assert.rejects(sql(env, 'delete from emergency_registration'), /never changed or deleted/);
  });

  it('a document of another AOO (or one the importer cannot see) is not found, and nothing is imported', async () => {
    const [foreign] = await drafts(1, 'other');
    const [own] = await drafts(1);
    const content = JSON.stringify({
      records: [
        {
          number: 7,
          at: '2026-12-04T11:50:00+01:00',
          kind: 'ARRIVO',
          oggetto: 'Istanza',
          documentId: own,
          correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Bianchi' }],
        },
        {
          number: 8,
          at: '2026-12-04T11:55:00+01:00',
          kind: 'ARRIVO',
          oggetto: 'Istanza',
          documentId: foreign,
          correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Bianchi' }],
        },
      ],
    });
    const before = await protocolCount();
    const r = await importFile(registers.b, 'JSON', content);
    assert.equal(errorCode(r), 'EMERGENCY_IMPORT_INVALID');
    assert.deepEqual(
      errorsOf(r).map((e) => [e.number, e.field]),
      [[8, 'documentId']],
    );
    assert.equal(await protocolCount(), before);
    // The other AOO's users do not see the sessions of this one.
    const foreignUser = await env.asUser('altrove.protocollo');
    assert.equal(
      errorCode(await foreignUser.request(EmergencyRegistersDocument, { aooId: ids.aooId })),
      'NOT_FOUND',
    );
  });
  it('the emergency numbering renews on 1 January (Europe/Rome): a session across midnight numbers each year on its own', async () => {
    clock.set('2027-01-02T10:00:00Z');
    const opened = await open('2026-12-31T23:00:00+01:00');
    const id = opened.data?.openEmergencyRegister.id ?? '';
    assert.equal((await close(id, '2027-01-01T01:00:00+01:00')).errors, undefined);
    const [late, early] = await drafts(2);
    const record = (number: number, at: string, documentId: string | undefined) => ({
      number,
      at,
      kind: 'ARRIVO',
      oggetto: 'Istanza di fine anno',
      documentId,
      correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Bianchi' }],
    });
    const r = await importFile(
      id,
      'JSON',
      JSON.stringify({
        records: [
          // Rome midnight: 23:59 of 31 December is 2026, 00:15 of 1 January (23:15 UTC) is 2027.
          record(1, '2026-12-31T23:15:00Z', early),
          record(7, '2026-12-31T23:59:00+01:00', late),
        ],
      }),
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const imported = r.data?.importEmergencyRecords.registrations ?? [];
    assert.deepEqual(
      imported.map((g) => [g.year, g.number, g.record.year, g.record.document.id]),
      [
        [2026, 7, 2027, late],
        [2027, 1, 2027, early],
      ],
    );
    const counters = await sql<{ key: string; last_value: string }>(
      env,
      `select key, last_value from number_counter where key like $1 order by key`,
      [`emergenza/${ids.aooId}/%`],
    );
    assert.deepEqual(
      counters.map((c) => [c.key.split('/').pop(), Number(c.last_value)]),
      [
        ['2026', 7],
        ['2027', 1],
      ],
    );
  });

  it('a file over the size limit is refused before it is read', async () => {
    const r = await importFile(registers.b, 'CSV', 'x'.repeat(900_001));
    assert.equal(errorCode(r), 'LIMIT_REACHED');
    assert.equal(r.errors?.[0]?.extensions?.['field'], 'input.content');
  });
  it('concurrent opens leave one open register; concurrent imports of the same numbers leave one', async () => {
    const opens = await Promise.all([
      open('2027-01-02T08:00:00+01:00'),
      open('2027-01-02T08:00:00+01:00'),
      open('2027-01-02T08:00:00+01:00'),
    ]);
    assert.deepEqual(opens.map((r) => errorCode(r) ?? 'ok').sort(), [
      'EMERGENCY_REGISTER_ALREADY_OPEN',
      'EMERGENCY_REGISTER_ALREADY_OPEN',
      'ok',
    ]);
    const id = opens.find((r) => !r.errors)?.data?.openEmergencyRegister.id ?? '';
    assert.equal((await close(id, '2027-01-02T09:00:00+01:00')).errors, undefined);
    // Three files with the same numbers (2 and 3 of 2027), each on its own documents.
    const contents = await Promise.all(
      [0, 1, 2].map(async () => {
        const docs = await drafts(2);
        return JSON.stringify({
          records: [2, 3].map((number, i) => ({
            number,
            at: `2027-01-02T08:${10 * number}:00+01:00`,
            kind: 'PARTENZA',
            oggetto: 'Comunicazione',
            documentId: docs[i],
            correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Ditta Esempio' }],
          })),
        });
      }),
    );
    const before = await protocolCount();
    const imports = await Promise.all(contents.map((content) => importFile(id, 'JSON', content)));
    assert.deepEqual(imports.map((r) => errorCode(r) ?? 'ok').sort(), [
      'EMERGENCY_IMPORT_INVALID',
      'EMERGENCY_IMPORT_INVALID',
      'ok',
    ]);
    assert.equal(await protocolCount(), before + 2);
    const [counter] = await sql<{ last_value: string }>(
      env,
      `select last_value from number_counter where key = $1`,
      [`emergenza/${ids.aooId}/2027`],
    );
    assert.equal(Number(counter?.last_value), 3);
  });
});
