import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AnnotateProtocolDocument,
  CreateRepertorioDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  ProtocolRecordSpecialDocument,
  ProtocolSegnaturaDocument,
  RegisterProtocolSpecialDocument,
  UpdateProtocolFieldsDocument,
  type ProtocolRecordSpecialFieldsFragment,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { xmllintValidate } from '../fixtures/segnatura-fixture.js';
import { SettableClock } from '../harness/clock.js';
import { withFailingStatement } from '../harness/faults.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The special registrations of the protocol register (DOMAIN §5): protocollo differito (001
 * §6.5), protocollo particolare numbered in its repertorio too (001 §8.10), vari destinatari,
 * anonymous and unsigned letters, signature-check outcomes as typed notes (002 §9.7,
 * §4.1.2.1), and dates in the future refused. Every refusal leaves nothing behind and
 * consumes no number, in the register or in the repertorio.
 */
describe('protocollo: special registrations', () => {
  // 22:30 UTC on 15 June is 00:30 of 16 June in Rome: "today" is the Italian day.
  const clock = new SettableClock('2026-06-15T22:30:00Z');
  const TODAY = '2026-06-16';
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let protocollista: GraphqlClient;

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    protocollista = await env.asUser('protocollista');
    // Sealed segnature: every special registration here builds and seals one too.
    await (await env.asUser('admin')).data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
  });
  after(async () => {
    await env.close();
  });

  interface DraftOptions {
    uor?: string;
    creator?: string;
    /** Signature outcome of each slot: 0 the primary, 1.. attachments. */
    signatures?: string[];
    particolare?: boolean;
    /** Users named on a particolare document. */
    named?: string[];
  }

  /** A draft made directly, with its files' signature outcomes as the upload recorded them. */
  async function draft(opts: DraftOptions = {}): Promise<string> {
    const signatures = opts.signatures ?? ['FIRMA_MANCANTE'];
    const [doc] = await sql<{ id: string }>(
      env,
      `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by, particolare)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Lettera', (select id from app_user where username = $2), $3
         from uor u where u.id = $1 returning id`,
      [ids.uor[opts.uor ?? 'PROT'], opts.creator ?? 'rgd', opts.particolare ?? false],
    );
    assert.ok(doc);
    for (const [position, status] of signatures.entries()) {
      await sql(
        env,
        `with f as (
           insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                    signature_kind, signature_status, uploaded_by)
           select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                  'application/pdf', 'atto.pdf', 'PDF', true, $3, $4, d.created_by
             from document d, lateral (select encode(sha256((d.id::text || $2)::bytea), 'hex') as h) x
            where d.id = $1 returning id, uploaded_by)
         insert into document_file (id, document_id, file_id, position, version, description, created_by)
         select gen_random_uuid(), $1, f.id, $2::int, 1, case when $2::int > 0 then 'Allegato' end, f.uploaded_by from f`,
        [doc.id, position, status === 'FIRMA_MANCANTE' ? 'NONE' : 'CADES', status],
      );
    }
    for (const username of opts.named ?? []) {
      await sql(
        env,
        `insert into document_access (id, document_id, user_id, reason, granted_by)
         select gen_random_uuid(), $1, id, 'NAMED', id from app_user where username = $2`,
        [doc.id, username],
      );
    }
    return doc.id;
  }

  const sender = { kind: 'PERSONA_FISICA' as const, nome: 'Mario', cognome: 'Rossi' };
  const input = (documentId: string, extra: Partial<RegisterProtocolInput> = {}): RegisterProtocolInput => ({
    kind: 'ARRIVO',
    documentId,
    oggetto: 'Domanda di partecipazione al concorso',
    correspondents: [sender],
    ...extra,
  });
  const register = async (
    client: GraphqlClient,
    i: RegisterProtocolInput,
  ): Promise<ProtocolRecordSpecialFieldsFragment> =>
    (await client.data(RegisterProtocolSpecialDocument, { input: i })).registerProtocol;

  /** Every number ever taken (register and repertori): a refusal must leave it as it was. */
  const numbersTaken = async (): Promise<number> =>
    Number(
      (await sql<{ n: string }>(env, 'select coalesce(sum(last_value), 0) as n from number_counter'))[0]?.n,
    );

  /** Refused with `code`: nothing registered for the document, no number taken. */
  async function refused(
    code: string | RegExp,
    documentId: string,
    attempt: () => Promise<GraphqlResponse<unknown>>,
  ): Promise<GraphqlResponse<unknown>> {
    const before = await numbersTaken();
    const r = await attempt();
    if (typeof code === 'string') assert.equal(errorCode(r), code, JSON.stringify(r.errors));
    else assert.match(String(errorCode(r)), code, JSON.stringify(r.errors));
    assert.equal(await numbersTaken(), before, 'no number consumed');
    const left = await sql<{ kind: string; n: string }>(
      env,
      `select d.kind, (select count(*) from protocol_record r where r.document_id = d.id)
                    + (select count(*) from repertorio_entry e where e.document_id = d.id) as n
         from document d where d.id = $1`,
      [documentId],
    );
    assert.deepEqual(left, [{ kind: 'NON_PROTOCOLLATO', n: '0' }], 'nothing persisted');
    return r;
  }

  const differimento = {
    receivedOn: '2026-06-12',
    reason: 'Domande di concorso pervenute in numero eccezionale il giorno di scadenza',
    authorisation: 'Autorizzazione RGD n. 4/2026',
  };

  it('registers a protocollo differito: receipt day, cause and authorisation kept with the record', async () => {
    const r = await register(
      protocollista,
      input(await draft(), { differimento, meansOfTransmission: 'posta' }),
    );
    assert.equal(r.date, TODAY);
    assert.deepEqual(r.differimento, differimento);
    // Today's Italian day is not in the future, though it is still the 15th in UTC.
    const same = await register(
      protocollista,
      input(await draft(), { differimento: { ...differimento, receivedOn: TODAY } }),
    );
    assert.equal(same.differimento?.receivedOn, TODAY);
    const read = await protocollista.data(ProtocolRecordSpecialDocument, { id: r.id });
    assert.deepEqual(read.protocolRecord.differimento, differimento);
    const plain = await register(protocollista, input(await draft()));
    assert.equal(plain.differimento, null);
  });

  it('refuses a differito that is not incoming, arrived by PEC, dated in the future or incomplete: nothing persisted, no number consumed', async () => {
    const cases: Array<[string, Partial<RegisterProtocolInput>, string?]> = [
      ['PROTOCOL_DIFFERITO_NOT_ARRIVO', { kind: 'PARTENZA', differimento }],
      ['PROTOCOL_DIFFERITO_NOT_ARRIVO', { kind: 'INTERNO', differimento }],
      ['PROTOCOL_DIFFERITO_PEC', { differimento, meansOfTransmission: 'pec' }, 'input.meansOfTransmission'],
      [
        'PROTOCOL_DATE_IN_FUTURE',
        { differimento: { ...differimento, receivedOn: '2026-06-17' } },
        'input.differimento.receivedOn',
      ],
      ['PROTOCOL_DATE_IN_FUTURE', { differimento: { ...differimento, receivedOn: '2031-01-01' } }],
      ['BAD_USER_INPUT', { differimento: { ...differimento, receivedOn: '2026-02-30' } }],
      ['BAD_USER_INPUT', { differimento: { ...differimento, receivedOn: '16/06/2026' } }],
      ['BAD_USER_INPUT', { differimento: { ...differimento, reason: '  ' } }, 'input.differimento.reason'],
      ['BAD_USER_INPUT', { differimento: { ...differimento, authorisation: '' } }],
      ['BAD_USER_INPUT', { differimento: { ...differimento, reason: 'x'.repeat(2001) } }],
    ];
    for (const [code, extra, field] of cases) {
      const documentId = await draft();
      const r = await refused(code, documentId, () =>
        protocollista.request(RegisterProtocolSpecialDocument, { input: input(documentId, extra) }),
      );
      if (field) assert.equal(r.errors?.[0]?.extensions?.['field'], field);
    }
  });

  it('a differito record never becomes PEC afterwards (managed field), other means are fine', async () => {
    const r = await register(
      protocollista,
      input(await draft(), { differimento, meansOfTransmission: 'posta' }),
    );
    const pec = await protocollista.request(UpdateProtocolFieldsDocument, {
      input: { id: r.id, meansOfTransmission: 'PEC' },
    });
    assert.equal(errorCode(pec), 'PROTOCOL_DIFFERITO_PEC');
    const [row] = await sql<{ m: string }>(
      env,
      'select means_of_transmission as m from protocol_record where id = $1',
      [r.id],
    );
    assert.equal(row?.m, 'POSTA');
    await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: r.id, meansOfTransmission: 'A_MANO' },
    });
  });

  it('the differimento and the special flags are registratura: a direct SQL UPDATE fails, the database checks hold', async () => {
    const r = await register(protocollista, input(await draft(), { differimento }));
    const plain = await register(protocollista, input(await draft()));
    const attempts: Array<[string, string]> = [
      [`update protocol_record set received_on = '2026-06-10' where id = $1`, r.id],
      [`update protocol_record set differimento_reason = 'altro' where id = $1`, r.id],
      [`update protocol_record set differimento_authorisation = 'altro' where id = $1`, r.id],
      [
        `update protocol_record set received_on = null, differimento_reason = null, differimento_authorisation = null where id = $1`,
        r.id,
      ],
      [
        `update protocol_record set received_on = '2026-06-01', differimento_reason = 'x', differimento_authorisation = 'y' where id = $1`,
        plain.id,
      ],
      [`update protocol_record set anonymous_sender = true where id = $1`, plain.id],
      [`update protocol_record set vari_destinatari = true where id = $1`, plain.id],
      // A differito record never becomes PEC, even bypassing the service.
      [`update protocol_record set means_of_transmission = 'PEC' where id = $1`, r.id],
      // Typed notes are written at registration only.
      [
        `insert into protocol_annotation (id, record_id, text, created_at, created_by, note)
         select gen_random_uuid(), id, 'Firma mancante', now(), registered_by, 'FIRMA_MANCANTE' from protocol_record where id = $1`,
        plain.id,
      ],
    ];
    for (const [statement, id] of attempts) {
      await assert.rejects(
        sql(env, statement, [id]),
        /immutable|violates check constraint|complete at registration/,
        statement,
      );
    }
    const [row] = await sql<{ received_on: string; differimento_reason: string }>(
      env,
      `select to_char(received_on, 'YYYY-MM-DD') as received_on, differimento_reason from protocol_record where id = $1`,
      [r.id],
    );
    assert.deepEqual(row, { received_on: differimento.receivedOn, differimento_reason: differimento.reason });
  });

  it('a protocollo particolare is refused while the AOO has no PROTOCOLLO_PARTICOLARE repertorio (no number consumed)', async () => {
    const documentId = await draft({ particolare: true, named: ['rgd'] });
    await refused('PROTOCOL_PARTICOLARE_NO_REPERTORIO', documentId, () =>
      rgd.request(RegisterProtocolSpecialDocument, { input: input(documentId) }),
    );
  });

  it('a protocollo particolare is numbered in the register and in its repertorio, in the same transaction', async () => {
    const rep = await rgd.data(CreateRepertorioDocument, {
      input: { aooId: ids.aooId, code: 'PROTOCOLLO_PARTICOLARE', name: 'Protocollo particolare' },
    });
    const first = await register(rgd, input(await draft({ particolare: true, named: ['rgd'] })));
    const second = await register(
      rgd,
      input(await draft({ particolare: true, named: ['rgd', 'segretario'] })),
    );
    assert.equal(first.particolare, true);
    assert.deepEqual([first.repertorioParticolare?.number, second.repertorioParticolare?.number], [1, 2]);
    assert.equal(first.repertorioParticolare?.year, 2026);
    assert.equal(first.repertorioParticolare?.date, TODAY);
    const [row] = await sql<{ same_tx: boolean; repertorio: string; kind: string }>(
      env,
      `select r.xmin::text = e.xmin::text as same_tx, e.repertorio_id as repertorio, d.kind
         from protocol_record r join protocol_particolare p on p.record_id = r.id
         join repertorio_entry e on e.id = p.repertorio_entry_id join document d on d.id = r.document_id
        where r.id = $1`,
      [first.id],
    );
    // Registered in the protocol first: the document stays PROTOCOLLATO and carries both numbers.
    assert.deepEqual(row, { same_tx: true, repertorio: rep.createRepertorio.id, kind: 'PROTOCOLLATO' });
    const ordinary = await register(rgd, input(await draft()));
    assert.equal(ordinary.repertorioParticolare, null);
    assert.equal(ordinary.particolare, false);
    // Named, but without PROTOCOL_PARTICOLARE: the protocollista cannot see it, so cannot register it.
    const hidden = await draft({ particolare: true, named: ['rgd', 'protocollista'] });
    await refused('NOT_FOUND', hidden, () =>
      protocollista.request(RegisterProtocolSpecialDocument, { input: input(hidden) }),
    );
    // The segretario holds PROTOCOL_PARTICOLARE and is named, but may not register.
    const named = await draft({ particolare: true, named: ['segretario'] });
    const segretario = await env.asUser('segretario');
    await refused('FORBIDDEN', named, () =>
      segretario.request(RegisterProtocolSpecialDocument, { input: input(named) }),
    );
    // The database, too, wants both numbers: a particolare record without its entry never commits.
    const bare = await draft({ particolare: true, named: ['rgd'] });
    await assert.rejects(
      sql(
        env,
        `insert into protocol_record (id, aoo_id, document_id, kind, number, year, date, registered_at, registered_by,
                                      oggetto, primary_sha256, attachment_count, uor_id)
         select gen_random_uuid(), d.aoo_id, d.id, 'ARRIVO', 999999, 2026, '2026-06-16', '2026-06-16T10:00:00+02',
                d.created_by, 'Senza repertorio', repeat('a', 64), 0, d.uor_id from document d where d.id = $1`,
        [bare],
      ),
      /also numbered in its repertorio/,
    );
    // The bond of the entry is registratura too.
    await assert.rejects(
      sql(env, 'delete from protocol_particolare where record_id = $1', [first.id]),
      /never changed or deleted/,
    );
  });

  it('a failure after both numbers were taken gives both back', async () => {
    const documentId = await draft({ particolare: true, named: ['rgd'] });
    await withFailingStatement(env.databaseUrl, { table: 'protocol_particolare', event: 'insert' }, () =>
      refused(/^[A-Z_]+$/, documentId, () =>
        rgd.request(RegisterProtocolSpecialDocument, { input: input(documentId) }),
      ),
    );
    const r = await register(rgd, input(documentId));
    assert.equal(r.repertorioParticolare?.number, 3);
  });

  it('vari destinatari: more than three recipients make a flagged record whose annotation lists them all', async () => {
    const recipients = [
      'Comune di Latina',
      'Comune di Frosinone',
      'Comune di Rieti',
      'Comune di Viterbo',
      'Comune di Tivoli',
    ].map((denominazione, i) => ({
      kind: 'AMMINISTRAZIONE_ITALIANA' as const,
      denominazione,
      pec: `protocollo${i}@pec.example.it`,
    }));
    const r = await register(
      protocollista,
      input(await draft(), { kind: 'PARTENZA', correspondents: recipients }),
    );
    assert.equal(r.variDestinatari, true);
    assert.deepEqual(r.specialNotes, ['VARI_DESTINATARI']);
    assert.equal(r.correspondents.length, 5);
    const notes = r.annotations.filter((a) => a.note === 'VARI_DESTINATARI');
    assert.equal(notes.length, 1);
    assert.equal(
      notes[0]?.text,
      'Vari destinatari: ' + recipients.map((c, i) => `${i + 1}) ${c.denominazione} (${c.pec})`).join('; '),
    );
    const three = await register(
      protocollista,
      input(await draft(), { kind: 'PARTENZA', correspondents: recipients.slice(0, 3) }),
    );
    assert.equal(three.variDestinatari, false);
    assert.deepEqual(three.annotations, []);
    // A list longer than one annotation holds is kept whole, over several, in order.
    const many = Array.from({ length: 100 }, (_, i) => ({
      kind: 'PERSONA_GIURIDICA' as const,
      denominazione: `Impresa partecipante n. ${i + 1} ${'x'.repeat(200)}`,
    }));
    const big = await register(
      protocollista,
      input(await draft(), { kind: 'INTERNO', correspondents: many }),
    );
    const parts = big.annotations
      .filter((a) => a.note === 'VARI_DESTINATARI')
      .map((a) => a.text)
      .sort((a, b) => Number(/\((\d+)\//.exec(a)?.[1]) - Number(/\((\d+)\//.exec(b)?.[1]));
    assert.ok(parts.length > 1);
    assert.ok(parts.every((t) => t.length <= 4000));
    const listed = parts.flatMap((t) => t.replace(/^Vari destinatari \(\d+\/\d+\): /, '').split('; '));
    assert.deepEqual(
      listed,
      many.map((c, i) => `${i + 1}) ${c.denominazione}`),
    );
  });

  it('the list of vari destinatari is personal data: withheld from readers without PROTOCOL_READ_PERSONAL_DATA', async () => {
    const people = ['Anna Bianchi', 'Bruno Verdi', 'Carla Neri', 'Dario Gialli'].map((n) => {
      const [nome, cognome] = n.split(' ');
      return { kind: 'PERSONA_FISICA' as const, nome, cognome };
    });
    const r = await register(
      rgd,
      input(await draft({ uor: 'RAG' }), { kind: 'PARTENZA', correspondents: people }),
    );
    assert.match(
      r.annotations[0]?.text ?? '',
      /1\) Anna Bianchi; 2\) Bruno Verdi; 3\) Carla Neri; 4\) Dario Gialli$/,
    );
    // lettore reads the office's records (READ_ONLY over RAG), not personal data.
    const lettore = await env.asUser('lettore');
    const read = await lettore.request(ProtocolRecordSpecialDocument, { id: r.id });
    assert.equal(read.data?.protocolRecord.variDestinatari, true);
    assert.equal(read.data?.protocolRecord.annotations[0]?.note, 'VARI_DESTINATARI');
    assert.doesNotMatch(read.data?.protocolRecord.annotations[0]?.text ?? '', /Bianchi|Verdi|Neri|Gialli/);
    assert.match(read.data?.protocolRecord.annotations[0]?.text ?? '', /^Vari destinatari/);
    // The stored annotation is untouched.
    const [row] = await sql<{ text: string }>(
      env,
      'select text from protocol_annotation where record_id = $1',
      [r.id],
    );
    assert.match(row?.text ?? '', /Anna Bianchi/);
  });

  it('an anonymous letter: no correspondents, "Mittente sconosciuto o anonimo" and "Documento non sottoscritto"', async () => {
    const r = await register(
      protocollista,
      input(await draft(), { correspondents: [], anonymousSender: true, unsigned: true }),
    );
    assert.equal(r.anonymousSender, true);
    assert.deepEqual(r.correspondents, []);
    // Without a sender the segnatura still builds, is sealed and valid against the XSD.
    const sealed = await protocollista.data(ProtocolSegnaturaDocument, { id: r.id });
    const lint = xmllintValidate(sealed.segnatura?.xml ?? '');
    assert.ok(lint.ok, lint.output);
    assert.deepEqual(r.specialNotes, ['MITTENTE_ANONIMO', 'DOCUMENTO_NON_SOTTOSCRITTO']);
    assert.deepEqual(r.annotations.map((a) => a.text).sort(), [
      'Documento non sottoscritto',
      'Mittente sconosciuto o anonimo',
    ]);
    const anonymousCases: Array<[Partial<RegisterProtocolInput>, string]> = [
      [{ anonymousSender: true }, 'input.correspondents'],
      [{ anonymousSender: true, correspondents: [], kind: 'PARTENZA' }, 'input.anonymousSender'],
    ];
    for (const [extra, field] of anonymousCases) {
      const documentId = await draft();
      const refusal = await refused('PROTOCOL_ANONYMOUS_SENDER', documentId, () =>
        protocollista.request(RegisterProtocolSpecialDocument, { input: input(documentId, extra) }),
      );
      assert.equal(refusal.errors?.[0]?.extensions?.['field'], field);
    }
    // Without the flag an incoming letter still needs its sender.
    const documentId = await draft();
    await refused('BAD_USER_INPUT', documentId, () =>
      protocollista.request(RegisterProtocolSpecialDocument, {
        input: input(documentId, { correspondents: [] }),
      }),
    );
  });

  it('an unsigned letter with a sender is noted "Firma mancante"; later annotations are free text', async () => {
    const r = await register(protocollista, input(await draft(), { unsigned: true }));
    assert.equal(r.anonymousSender, false);
    assert.deepEqual(r.specialNotes, ['FIRMA_MANCANTE']);
    clock.set('2026-06-15T22:45:00Z');
    const later = await protocollista.data(AnnotateProtocolDocument, {
      input: { id: r.id, text: 'Firma apposta' },
    });
    assert.equal(later.annotateProtocol.text, 'Firma apposta');
    const read = await protocollista.data(ProtocolRecordSpecialDocument, { id: r.id });
    assert.deepEqual(
      read.protocolRecord.annotations.map((a) => a.note),
      ['FIRMA_MANCANTE', null],
    );
  });

  it("negative signature checks of the bound files are noted in the manual's words, one note per outcome", async () => {
    const documentId = await draft({
      signatures: [
        'CERTIFICATO_SCADUTO',
        'IMPOSSIBILE_EFFETTUARE_VERIFICA',
        'FIRMA_VALIDA',
        'CERTIFICATO_SCADUTO',
        'FIRMA_MANCANTE',
      ],
    });
    const r = await register(protocollista, input(documentId, { attachmentCount: 4 }));
    assert.deepEqual(r.specialNotes, ['CERTIFICATO_SCADUTO', 'IMPOSSIBILE_EFFETTUARE_VERIFICA']);
    assert.deepEqual(r.annotations.map((a) => [a.note, a.text]).sort(), [
      [
        'CERTIFICATO_SCADUTO',
        'verifica firma digitale eseguita: certificato scaduto (documento principale, allegato 3)',
      ],
      [
        'IMPOSSIBILE_EFFETTUARE_VERIFICA',
        'verifica firma digitale eseguita: impossibile effettuare verifica (allegato 1)',
      ],
    ]);
    const valid = await register(protocollista, input(await draft({ signatures: ['FIRMA_VALIDA'] })));
    assert.deepEqual(valid.specialNotes, []);
  });
});
