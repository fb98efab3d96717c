import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AnnotateProtocolDocument,
  AnnulProtocolDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  ProtocolHistoryDocument,
  ProtocolRecordDocument,
  ProtocolRecordNumbersDocument,
  ProtocolRecordsDocument,
  RegisterProtocolDocument,
  UpdateProtocolFieldsDocument,
  type ProtocolRecordFieldsFragment,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import {
  ProtocolAnnulled,
  ProtocolFieldsChanged,
  ProtocolRegistered,
} from '../../schema/protocollo/index.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { withFailingStatement } from '../harness/faults.js';
import { comparable, demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

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

interface Seen {
  topic: string;
  recordId: string;
  committed: boolean;
}

/**
 * The protocol register (DOMAIN §5): registration of arrivo, partenza, interno with bound
 * digests, numbering per AOO and Europe/Rome year without gaps (also under concurrency with
 * failures), an immutable registratura (GraphQL offers no path, the database refuses SQL),
 * managed fields with history, annulment rules, bad input refused with nothing persisted.
 */
describe('protocollo', () => {
  const clock = new RunningClock();
  const seen: Seen[] = [];
  let probing = true;
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let protocollista: GraphqlClient;
  let other: { aooId: string; uorId: string };
  let otherProt: GraphqlClient;

  const probe = defineModule({
    name: 'probe',
    eventHandlers: [ProtocolRegistered, ProtocolAnnulled, ProtocolFieldsChanged].map((event) => ({
      event,
      handle: async (_ctx, e: DomainEvent<object>) => {
        // The concurrency run leaves events alone (a connection per check would dominate it).
        if (!probing) return;
        const data = e.data as { recordId: string };
        const rows = await sql(env, 'select 1 from protocol_record where id = $1', [data.recordId]);
        seen.push({ topic: e.topic, recordId: data.recordId, committed: rows.length === 1 });
      },
    })),
  });

  before(async () => {
    env = await startTestEnv({ clock, modules: [probe] });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    protocollista = await env.asUser('protocollista');
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    otherProt = await env.asUser('altrove.protocollo');
    // Both AOOs seal their segnature, so every registration here (the concurrency run too) pays
    // for building and sealing one.
    for (const aooId of [ids.aooId, other.aooId]) {
      await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId });
    }
  });
  after(async () => {
    await env.close();
  });

  /**
   * Draft documents made directly, each with a primary file and `attachments` attachments
   * (distinct digests), in an office of the demo AOO or in the other AOO.
   */
  async function drafts(
    n: number,
    opts: { uor?: string; attachments?: number; creator?: string } = {},
  ): Promise<string[]> {
    const uorId = opts.uor === 'other' ? other.uorId : ids.uor[opts.uor ?? 'PROT'];
    const creator = opts.creator ?? (opts.uor === 'other' ? 'altrove.protocollo' : 'protocollista');
    const rows = await sql<{ id: string }>(
      env,
      `with docs as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza n. ' || g,
                (select id from app_user where username = $3)
           from uor u, generate_series(1, $2::int) g where u.id = $1 returning id, created_by),
       slots as (
         select d.id as document_id, d.created_by, p, encode(sha256((d.id::text || p)::bytea), 'hex') as h
           from docs d, generate_series(0, $4::int) p),
       files as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from slots returning id, sha256)
       insert into document_file (id, document_id, file_id, position, version, description, created_by)
       select gen_random_uuid(), s.document_id, f.id, s.p, 1,
              case when s.p > 0 then 'Allegato ' || s.p end, s.created_by
         from slots s join files f on f.sha256 = s.h
       returning document_id as id`,
      [uorId, n, creator, opts.attachments ?? 0],
    );
    return [...new Set(rows.map((r) => r.id))];
  }

  const mittente = {
    kind: 'PERSONA_FISICA' as const,
    nome: 'Mario',
    cognome: 'Rossi',
    codiceFiscale: 'RSSMRA80A01H501U',
  };
  const destinatario = {
    kind: 'AMMINISTRAZIONE_ITALIANA' as const,
    denominazione: 'Regione Lazio',
    ipaAmministrazione: 'r_lazio',
    pec: 'protocollo@pec.regione.lazio.it',
  };

  function input(documentId: string, extra: Partial<RegisterProtocolInput> = {}): RegisterProtocolInput {
    return {
      kind: 'ARRIVO',
      documentId,
      oggetto: 'Richiesta di accesso agli atti',
      correspondents: [mittente],
      ...extra,
    };
  }

  async function register(
    client: GraphqlClient,
    i: RegisterProtocolInput,
  ): Promise<ProtocolRecordFieldsFragment> {
    return (await client.data(RegisterProtocolDocument, { input: i })).registerProtocol;
  }

  const counter = async (aooId: string): Promise<number> => {
    const rows = await sql<{ n: number | null }>(
      env,
      `select max(number) as n from protocol_record where aoo_id = $1
        and year = extract(year from now() at time zone 'Europe/Rome')`,
      [aooId],
    );
    return rows[0]?.n ?? 0;
  };
  const settled = () => new Promise((r) => setTimeout(r, 300));

  it('registers arrivo, partenza and interno: registratura copied, digests bound, document PROTOCOLLATO, event after commit', async () => {
    const [a, p, n] = await drafts(3, { attachments: 2 });
    const arrivo = await register(
      protocollista,
      input(a ?? '', { attachmentCount: 2, meansOfTransmission: 'pec', annotations: ['Pervenuta via PEC'] }),
    );
    assert.equal(arrivo.kind, 'ARRIVO');
    assert.match(arrivo.formattedNumber, /^\d{7}$/);
    assert.equal(arrivo.formattedNumber, String(arrivo.number).padStart(7, '0'));
    assert.equal(arrivo.correspondents[0]?.role, 'MITTENTE');
    assert.equal(arrivo.correspondents[0]?.codiceFiscale, 'RSSMRA80A01H501U');
    assert.equal(arrivo.attachmentCount, 2);
    assert.deepEqual(
      arrivo.files.map((f) => [f.position, f.description]),
      [
        [0, null],
        [1, 'Allegato 1'],
        [2, 'Allegato 2'],
      ],
    );
    const digests = await sql<{ sha256: string }>(
      env,
      `select f.sha256 from document_file df join stored_file f on f.id = df.file_id where df.document_id = $1 order by position`,
      [a],
    );
    assert.deepEqual(
      arrivo.files.map((f) => f.sha256),
      digests.map((d) => d.sha256),
    );
    assert.equal(arrivo.primarySha256, digests[0]?.sha256);
    assert.equal(arrivo.meansOfTransmission, 'PEC');
    assert.equal(arrivo.annotations[0]?.text, 'Pervenuta via PEC');
    assert.equal(arrivo.document.kind, 'PROTOCOLLATO');
    assert.equal(arrivo.document.registeredAt, arrivo.registeredAt);
    const partenza = await register(
      rgd,
      input(p ?? '', { kind: 'PARTENZA', correspondents: [destinatario] }),
    );
    assert.equal(partenza.number, arrivo.number + 1);
    assert.equal(partenza.correspondents[0]?.role, 'DESTINATARIO');
    const interno = await register(
      rgd,
      input(n ?? '', {
        kind: 'INTERNO',
        correspondents: [{ kind: 'UFFICIO_INTERNO', denominazione: 'Ragioneria' }],
      }),
    );
    assert.equal(interno.number, partenza.number + 1);
    // A document is registered once.
    const again = await protocollista.request(RegisterProtocolDocument, { input: input(a ?? '') });
    assert.equal(errorCode(again), 'PROTOCOL_DOCUMENT_REGISTERED');
    await settled();
    const registered = seen.filter(
      (s) => s.topic === 'protocollo.registered' && [arrivo.id, partenza.id, interno.id].includes(s.recordId),
    );
    assert.equal(registered.length, 3);
    assert.ok(registered.every((s) => s.committed));
    const audited = await sql<{ n: string }>(
      env,
      `select count(*) as n from audit_event where operation = 'protocol.register' and target_id = $1`,
      [arrivo.id],
    );
    assert.equal(audited[0]?.n, '1');
  });

  it('numbers per AOO and Europe/Rome year: 23:59:59 on 31 December is the old year, one second later number 1 of the new', async () => {
    const docs = await drafts(3);
    clock.set('2027-12-31T22:59:59.000Z'); // 23:59:59 in Rome (CET)
    const last = await register(protocollista, input(docs[0] ?? ''));
    assert.equal(last.year, 2027);
    assert.equal(last.date, '2027-12-31');
    clock.set('2027-12-31T23:00:00.000Z'); // 00:00:00 of 1 January 2028 in Rome, still 2027 in UTC
    const first = await register(protocollista, input(docs[1] ?? ''));
    assert.deepEqual([first.year, first.number, first.date], [2028, 1, '2028-01-01']);
    const second = await register(protocollista, input(docs[2] ?? ''));
    assert.deepEqual([second.year, second.number], [2028, 2]);
    clock.set(new Date());
  });

  it('1,000 registrations from 32 parallel clients across two AOOs with 10 % forced failures: per AOO exactly 1..N, time order follows numbers', async () => {
    clock.set('2031-03-10T09:00:00.000Z');
    // Seals valid at that time, so every registration of the run builds and seals its segnatura.
    const admin = await env.asUser('admin');
    for (const aooId of [ids.aooId, other.aooId]) {
      await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId });
    }
    const demoDocs = await drafts(500);
    const otherDocs = await drafts(500, { uor: 'other' });
    const all = [
      ...demoDocs.map((d) => ({ d, c: protocollista })),
      ...otherDocs.map((d) => ({ d, c: otherProt })),
    ].sort(() => Math.random() - 0.5);
    const failing = all.filter((_, i) => i % 10 === 7).map((x) => x.d);
    let next = 0;
    const outcomes: Array<{ d: string; number?: number; failed: boolean }> = [];
    probing = false;
    await withFailingStatement(
      env.databaseUrl,
      {
        table: 'protocol_record',
        event: 'insert',
        when: `new.document_id = any('{${failing.join(',')}}'::uuid[])`,
      },
      () =>
        Promise.all(
          Array.from({ length: 32 }, async () => {
            while (next < all.length) {
              const job = all[next++];
              if (!job) break;
              const r = await job.c.request(RegisterProtocolDocument, { input: input(job.d) });
              outcomes.push({
                d: job.d,
                number: r.data?.registerProtocol.number,
                failed: Boolean(r.errors?.length),
              });
            }
          }),
        ),
    );
    probing = true;
    assert.equal(outcomes.length, 1000);
    assert.equal(outcomes.filter((o) => o.failed).length, failing.length);
    for (const [aooId, docs] of [
      [ids.aooId, demoDocs],
      [other.aooId, otherDocs],
    ] as const) {
      const rows = await sql<{ number: number; registered_at: Date }>(
        env,
        `select number, registered_at from protocol_record where aoo_id = $1 and year = 2031 order by number`,
        [aooId],
      );
      const expected = docs.filter((d) => !failing.includes(d)).length;
      assert.deepEqual(
        rows.map((r) => r.number),
        Array.from({ length: expected }, (_, i) => i + 1),
      );
      for (let i = 1; i < rows.length; i++) {
        assert.ok((rows[i]?.registered_at.getTime() ?? 0) >= (rows[i - 1]?.registered_at.getTime() ?? 0));
      }
    }
    // The failed ones left nothing: their documents are drafts, no record, no audit row.
    const still = await sql<{ n: string }>(
      env,
      `select count(*) as n from document where id = any($1::uuid[]) and kind = 'NON_PROTOCOLLATO'`,
      [failing],
    );
    assert.equal(still[0]?.n, String(failing.length));
    const records = await sql<{ n: string }>(
      env,
      `select count(*) as n from protocol_record where document_id = any($1::uuid[])`,
      [failing],
    );
    assert.equal(records[0]?.n, '0');
    // Every registration of the run was sealed in its transaction.
    const unsealed = await sql<{ n: string }>(
      env,
      `select count(*) as n from protocol_record r
        where r.year = 2031 and not exists (select 1 from protocol_segnatura s where s.record_id = r.id)`,
    );
    assert.equal(unsealed[0]?.n, '0');
    clock.set(new Date());
  });

  it('the registratura is immutable: no GraphQL path changes it, SQL UPDATE and DELETE are refused, also on correspondents and files', async () => {
    const [d] = await drafts(1, { attachments: 1 });
    const r = await register(protocollista, input(d ?? '', { annotations: ['Busta chiusa'] }));
    // The managed-field mutation ignores registratura fields (the input type has none of them).
    const changed = await protocollista.request(UpdateProtocolFieldsDocument, {
      input: { id: r.id, oggetto: 'Altro oggetto' } as never,
    });
    assert.ok(changed.errors?.length);
    for (const stmt of [
      `update protocol_record set oggetto = 'altro' where id = $1`,
      `update protocol_record set number = number + 100000 where id = $1`,
      `update protocol_record set registered_at = registered_at - interval '1 day' where id = $1`,
      `update protocol_record set primary_sha256 = repeat('0', 64) where id = $1`,
      `update protocol_record set attachment_count = 7 where id = $1`,
      `update protocol_record set kind = 'PARTENZA' where id = $1`,
      `delete from protocol_record where id = $1`,
      `update protocol_correspondent set cognome = 'Bianchi' where record_id = $1`,
      `delete from protocol_correspondent where record_id = $1`,
      `update protocol_file set sha256 = repeat('0', 64) where record_id = $1`,
      `update protocol_file set description = 'altro' where record_id = $1`,
      `delete from protocol_file where record_id = $1`,
      `insert into protocol_correspondent (id, record_id, position, role, kind, denominazione) values (gen_random_uuid(), $1, 9, 'MITTENTE', 'AMMINISTRAZIONE_ITALIANA', 'Aggiunto')`,
      `delete from protocol_version where record_id = $1`,
      `update protocol_record set registered_txid = txid_current() where id = $1`,
      `update protocol_annotation set text = 'x' where record_id = $1`,
    ]) {
      await assert.rejects(sql(env, stmt, [r.id]), /immutable|never|complete at registration/, stmt);
    }
    const after = await rgd.data(ProtocolRecordDocument, { id: r.id });
    assert.deepEqual({ ...after.protocolRecord, annotations: [] }, { ...r, annotations: [] });
    // Corrections only as annotations, appended.
    const note = await protocollista.data(AnnotateProtocolDocument, {
      input: { id: r.id, text: 'Il cognome corretto è Rossini' },
    });
    const read = await rgd.data(ProtocolRecordDocument, { id: r.id });
    assert.deepEqual(
      read.protocolRecord.annotations.map((a) => a.text),
      ['Busta chiusa', 'Il cognome corretto è Rossini'],
    );
    assert.equal(read.protocolRecord.annotations[1]?.id, note.annotateProtocol.id);
    assert.equal(read.protocolRecord.correspondents[0]?.cognome, 'Rossi');
  });

  it('managed fields change with history: previous and new value, who and when; versions comparable', async () => {
    const [d] = await drafts(1);
    const r = await register(protocollista, input(d ?? '', { documentType: 'Istanza' }));
    clock.set(new Date(Date.now() + 60_000));
    const u1 = await protocollista.data(UpdateProtocolFieldsDocument, {
      input: {
        id: r.id,
        uorId: ids.uor['RAG'],
        rpaId: ids.user['rpa.ragioneria'],
        documentType: 'Richiesta',
      },
    });
    assert.equal(u1.updateProtocolFields.version, 2);
    assert.equal(u1.updateProtocolFields.uor?.id, ids.uor['RAG']);
    assert.equal(u1.updateProtocolFields.oggetto, r.oggetto);
    // No change, no version.
    const same = await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: r.id, documentType: 'Richiesta' },
    });
    assert.equal(same.updateProtocolFields.version, 2);
    const u2 = await rgd.data(UpdateProtocolFieldsDocument, {
      input: { id: r.id, rpaId: null, meansOfTransmission: 'raccomandata' },
    });
    assert.equal(u2.updateProtocolFields.version, 3);
    const history = (await rgd.data(ProtocolHistoryDocument, { id: r.id })).protocolHistory;
    assert.deepEqual(
      history.map((v) => v.version),
      [1, 2, 3],
    );
    assert.equal(history[0]?.uorId, ids.uor['PROT']);
    assert.equal(history[0]?.documentType, 'Istanza');
    assert.deepEqual(
      history[1]?.changes.map((c) => [c.field, c.previous, c.value]).sort(),
      [
        ['documentType', 'Istanza', 'Richiesta'],
        ['rpaId', null, ids.user['rpa.ragioneria']],
        ['uorId', ids.uor['PROT'], ids.uor['RAG']],
      ].sort(),
    );
    assert.equal(history[1]?.changedBy?.username, 'protocollista');
    assert.deepEqual(history[2]?.changes.map((c) => [c.field, c.previous, c.value]).sort(), [
      ['meansOfTransmission', null, 'RACCOMANDATA'],
      ['rpaId', ids.user['rpa.ragioneria'], null],
    ]);
    assert.equal(history[2]?.changedBy?.username, 'rgd');
    await settled();
    assert.ok(
      seen.some((s) => s.topic === 'protocollo.fields-changed' && s.recordId === r.id && s.committed),
    );
    clock.set(new Date());
  });

  it('annulment: permission, reason and authorisation required, stays readable and in the sequence, sent-by-PEC refused', async () => {
    const [a, p] = await drafts(2);
    const r = await register(protocollista, input(a ?? ''));
    const denied = await protocollista.request(AnnulProtocolDocument, {
      input: { id: r.id, reason: 'Errore', authorisation: 'Atto 1' },
    });
    assert.equal(errorCode(denied), 'FORBIDDEN');
    for (const bad of [
      { reason: ' ', authorisation: 'Provvedimento n. 1' },
      { reason: 'Doppia registrazione', authorisation: '' },
    ]) {
      assert.equal(
        errorCode(await rgd.request(AnnulProtocolDocument, { input: { id: r.id, ...bad } })),
        'BAD_USER_INPUT',
      );
    }
    const annulled = await rgd.data(AnnulProtocolDocument, {
      input: { id: r.id, reason: 'Doppia registrazione', authorisation: 'Provvedimento RGD n. 3/2026' },
    });
    assert.equal(annulled.annulProtocol.state, 'ANNULLATO');
    assert.equal(annulled.annulProtocol.annulledBy?.username, 'rgd');
    assert.equal(annulled.annulProtocol.annulmentAuthorisation, 'Provvedimento RGD n. 3/2026');
    const read = await protocollista.data(ProtocolRecordDocument, { id: r.id });
    assert.equal(read.protocolRecord.state, 'ANNULLATO');
    assert.equal(read.protocolRecord.number, r.number);
    assert.equal(
      errorCode(
        await rgd.request(AnnulProtocolDocument, { input: { id: r.id, reason: 'x', authorisation: 'y' } }),
      ),
      'PROTOCOL_ANNULLED',
    );
    assert.equal(
      errorCode(await rgd.request(UpdateProtocolFieldsDocument, { input: { id: r.id, documentType: 'x' } })),
      'PROTOCOL_ANNULLED',
    );
    await assert.rejects(
      sql(
        env,
        `update protocol_record set state = 'REGISTRATO', annulled_at = null, annulled_by = null, annulment_reason = null, annulment_authorisation = null where id = $1`,
        [r.id],
      ),
      /stays annulled/,
    );
    // An outgoing record sent by PEC is never annulled.
    const out = await register(
      protocollista,
      input(p ?? '', { kind: 'PARTENZA', correspondents: [destinatario] }),
    );
    await sql(env, `update protocol_record set sent_by_pec = true, sent_by_pec_at = now() where id = $1`, [
      out.id,
    ]);
    const refused = await rgd.request(AnnulProtocolDocument, {
      input: { id: out.id, reason: 'Errore', authorisation: 'Atto' },
    });
    assert.equal(errorCode(refused), 'PROTOCOL_SENT_BY_PEC');
    assert.equal((await rgd.data(ProtocolRecordDocument, { id: out.id })).protocolRecord.state, 'REGISTRATO');
    await settled();
    assert.ok(seen.some((s) => s.topic === 'protocollo.annulled' && s.recordId === r.id && s.committed));
    assert.ok(!seen.some((s) => s.topic === 'protocollo.annulled' && s.recordId === out.id));
  });

  it('bad input is refused with a typed error, nothing persisted, no number consumed', async () => {
    const [d] = await drafts(1, { attachments: 1 });
    const [foreign] = await drafts(1, { uor: 'other' });
    const [bare] = await sql<{ id: string }>(
      env,
      `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
       values (gen_random_uuid(), $1, $2, 'NON_PROTOCOLLATO', 'Senza file', (select id from app_user where username = 'protocollista')) returning id`,
      [ids.aooId, ids.uor['PROT']],
    );
    const before = await counter(ids.aooId);
    const audits = async () =>
      (
        await sql<{ n: string }>(
          env,
          `select count(*) as n from audit_event where operation = 'protocol.register'`,
        )
      )[0]?.n;
    const auditedBefore = await audits();
    const cases: Array<[string, RegisterProtocolInput, string]> = [
      ['no correspondent', input(d ?? '', { correspondents: [] }), 'BAD_USER_INPUT'],
      ['empty oggetto', input(d ?? '', { oggetto: '  ' }), 'BAD_USER_INPUT'],
      ['oversize oggetto', input(d ?? '', { oggetto: 'x'.repeat(2001) }), 'BAD_USER_INPUT'],
      [
        'nameless correspondent',
        input(d ?? '', { correspondents: [{ kind: 'PERSONA_GIURIDICA' }] }),
        'BAD_USER_INPUT',
      ],
      [
        'bad codice fiscale',
        input(d ?? '', { correspondents: [{ ...mittente, codiceFiscale: 'ABC' }] }),
        'BAD_USER_INPUT',
      ],
      [
        'bad PEC',
        input(d ?? '', { correspondents: [{ ...destinatario, pec: 'non-una-pec' }] }),
        'BAD_USER_INPUT',
      ],
      [
        'oversize denominazione',
        input(d ?? '', {
          correspondents: [{ kind: 'AMMINISTRAZIONE_ESTERA', denominazione: 'y'.repeat(301) }],
        }),
        'BAD_USER_INPUT',
      ],
      ['attachment count mismatch', input(d ?? '', { attachmentCount: 3 }), 'PROTOCOL_ATTACHMENTS_MISMATCH'],
      ['unknown document', input('00000000-0000-4000-8000-000000000000'), 'NOT_FOUND'],
      ['not an id', input('nope'), 'NOT_FOUND'],
      ['document of another AOO', input(foreign ?? ''), 'NOT_FOUND'],
      ['document without a primary file', input(bare?.id ?? ''), 'PROTOCOL_NO_PRIMARY_FILE'],
      [
        'unknown classification',
        input(d ?? '', { classificationId: '00000000-0000-4000-8000-000000000000' }),
        'CLASSIFICATION_NOT_FOUND',
      ],
      ['UOR of another AOO', input(d ?? '', { uorId: other.uorId }), 'BAD_USER_INPUT'],
      [
        'RPA not of the AOO',
        input(d ?? '', { rpaId: '00000000-0000-4000-8000-000000000000' }),
        'BAD_USER_INPUT',
      ],
    ];
    for (const [what, i, code] of cases) {
      const r = await protocollista.request(RegisterProtocolDocument, { input: i });
      assert.equal(errorCode(r), code, what);
    }
    assert.equal(await counter(ids.aooId), before);
    assert.equal(await audits(), auditedBefore);
    const kinds = await sql<{ kind: string }>(env, `select kind from document where id = $1`, [d]);
    assert.equal(kinds[0]?.kind, 'NON_PROTOCOLLATO');
    // The next good one takes the next number.
    const ok = await register(protocollista, input(d ?? ''));
    assert.equal(ok.number, before + 1);
  });

  it('lists with filters, Relay pages and totalCount; a hidden record answers like a missing one', async () => {
    clock.set('2032-05-04T08:00:00.000Z');
    const docs = await drafts(6);
    const made: ProtocolRecordFieldsFragment[] = [];
    for (const [i, d] of docs.entries()) {
      clock.set(new Date(Date.parse('2032-05-04T08:00:00.000Z') + i * 60_000));
      made.push(
        await register(
          protocollista,
          input(d, {
            kind: i % 2 === 0 ? 'ARRIVO' : 'PARTENZA',
            oggetto: i === 3 ? 'Richiesta di contributi per le attività culturali' : `Comunicazione n. ${i}`,
            correspondents:
              i % 2 === 0 ? [{ ...mittente, cognome: i === 2 ? 'Niccolò' : 'Rossi' }] : [destinatario],
          }),
        ),
      );
    }
    const page = async (filter: object, first = 10) =>
      (
        await rgd.data(ProtocolRecordNumbersDocument, {
          filter: { year: 2032, ...filter },
          first,
          orderBy: 'ASC',
        })
      ).protocolRecords;
    assert.equal((await page({})).totalCount, 6);
    assert.deepEqual(
      (await page({ kinds: ['PARTENZA'] })).edges.map((e) => e.node.id),
      [made[1]?.id, made[3]?.id, made[5]?.id],
    );
    assert.deepEqual(
      (await page({ oggetto: 'contributo culturale' })).edges.map((e) => e.node.id),
      [made[3]?.id],
    );
    assert.deepEqual(
      (await page({ correspondent: 'niccolo' })).edges.map((e) => e.node.id),
      [made[2]?.id],
    );
    assert.equal((await page({ correspondent: 'r_lazio' })).totalCount, 3);
    assert.equal((await page({ numberFrom: made[1]?.number, numberTo: made[2]?.number })).totalCount, 2);
    assert.equal(
      (await page({ dateFrom: '2032-05-04', dateTo: '2032-05-04', states: ['REGISTRATO'] })).totalCount,
      6,
    );
    assert.equal((await page({ dateFrom: '2032-05-05' })).totalCount, 0);
    assert.equal((await page({ uorId: ids.uor['PROT'] })).totalCount, 6);
    // Nested fields of a page: the registratura as registered.
    const full = (
      await rgd.data(ProtocolRecordsDocument, { filter: { year: 2032 }, orderBy: 'ASC', first: 2 })
    ).protocolRecords;
    assert.deepEqual(
      full.edges.map((e) => [e.node.correspondents[0]?.role, e.node.files.length, e.node.uor?.code]),
      [
        ['MITTENTE', 1, 'PROT'],
        ['DESTINATARIO', 1, 'PROT'],
      ],
    );
    // Pages follow one another without overlap.
    const first = await page({}, 4);
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = (
      await rgd.data(ProtocolRecordNumbersDocument, {
        filter: { year: 2032 },
        first: 4,
        orderBy: 'ASC',
        after: first.pageInfo.endCursor,
      })
    ).protocolRecords;
    assert.deepEqual(
      [...first.edges, ...second.edges].map((e) => e.node.id),
      made.map((m) => m.id),
    );
    // Another AOO's protocollista sees none of them, and a record id answers like a missing one.
    const theirs = (await otherProt.data(ProtocolRecordNumbersDocument, { filter: { year: 2032 } }))
      .protocolRecords;
    assert.equal(theirs.totalCount, 0);
    const hidden = await otherProt.request(ProtocolRecordDocument, { id: made[0]?.id ?? '' });
    const missing = await otherProt.request(ProtocolRecordDocument, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(
      comparable(hidden, made[0]?.id ?? ''),
      comparable(missing, '00000000-0000-4000-8000-000000000000'),
    );
    assert.equal(
      errorCode(await otherProt.request(ProtocolHistoryDocument, { id: made[0]?.id ?? '' })),
      'NOT_FOUND',
    );
    clock.set(new Date());
  });

  it('classifies on the titolario in force on the registration day, changes it with history, filters by subtree', async () => {
    clock.set(new Date());
    const nodes = await titolarioInForce(env, ids.aooId, [
      ['VII', 'Servizi alla persona'],
      ['VII/1', 'Diritto allo studio'],
      ['VII/2', 'Attività culturali'],
      ['VIII', 'Attività economiche'],
    ]);
    const [a, b] = await drafts(2);
    const first = await register(protocollista, input(a ?? '', { classificationId: nodes['VII/1'] }));
    assert.equal(first.classification?.fullCode, 'VII/1');
    const second = await register(protocollista, input(b ?? '', { classificationId: nodes['VIII'] }));
    const under = async (node: string) =>
      (
        await rgd.data(ProtocolRecordNumbersDocument, {
          filter: { classificationId: nodes[node] },
          first: 10,
        })
      ).protocolRecords.edges.map((e) => e.node.id);
    assert.deepEqual(await under('VII'), [first.id]);
    assert.deepEqual(await under('VIII'), [second.id]);
    const moved = await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: first.id, classificationId: nodes['VII/2'] },
    });
    assert.equal(moved.updateProtocolFields.classification?.fullCode, 'VII/2');
    assert.deepEqual(await under('VII/1'), []);
    assert.deepEqual(await under('VII'), [first.id]);
    const history = (await rgd.data(ProtocolHistoryDocument, { id: first.id })).protocolHistory;
    assert.deepEqual(
      history.map((v) => v.classificationId),
      [nodes['VII/1'], nodes['VII/2']],
    );
    const unknown = await protocollista.request(UpdateProtocolFieldsDocument, {
      input: { id: first.id, classificationId: '00000000-0000-4000-8000-000000000000' },
    });
    assert.equal(errorCode(unknown), 'CLASSIFICATION_NOT_FOUND');
  });
});
