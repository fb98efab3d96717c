import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  DemoProtocolRecordsDocument,
  EmergencyRegistersDocument,
  RecordWorkflowDocument,
  ProtocolRecordNumbersDocument,
  ProtocolRecordsDocument,
  ProtocolSegnaturaDocument,
  SegnaturaSealDocument,
  ClassificationSuggestionsDocument,
  CorrespondentHistoryDocument,
  CorrespondentsDocument,
  DocumentsWithFilesDocument,
  RaccoglitoriInFullDocument,
  RepertoriDocument,
  RepertorioEntriesDocument,
  TitolarioDocument,
  TitolarioVersionsDocument,
  UsersOfAooDocument,
} from '../../clients/sdk/generated/graphql.js';
import { DEMO_DOCUMENTS } from '../../schema/documents/index.js';
import { DEMO_RACCOGLITORI } from '../../schema/raccoglitori/index.js';
import { DEMO_CORRESPONDENTS } from '../../schema/rubrica/index.js';
import { DEMO_TITOLARIO } from '../../schema/titolario/index.js';
import { seedDemo } from '../../server/bootstrap.js';
import { romeDay } from '../../server/clock.js';
import { xmllintValidate, xmlsecVerify } from '../fixtures/segnatura-fixture.js';
import { demoIds, download, type DemoIds } from '../harness/files-helpers.js';
import {
  DEMO_REGISTRATIONS_PER_KIND,
  DEMO_SPECIAL_OGGETTI,
  DEMO_SPECIAL_REGISTRATIONS,
} from '../../schema/protocollo/index.js';
import { DEMO_EMERGENCY } from '../../schema/emergenza/index.js';
import { DEMO_WORKFLOW } from '../../schema/assegnazioni/demo/demo-assegnazioni.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The demo a newcomer looks at (`npm start`): documents with real files in several offices,
 * one of them signed, so each demo user's lists show something, within that user's rights.
 */
describe('demo data', () => {
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv({ demoDocuments: true });
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  // The protocol register's demo registrations stand on documents of the protocol office: those
  // of the last weeks, today's special ones and the records recovered from the emergency register.
  const TODAY = DEMO_SPECIAL_REGISTRATIONS + DEMO_EMERGENCY.records.length;
  const PROTOCOL_DEMO = 3 * DEMO_REGISTRATIONS_PER_KIND + TODAY;
  const EXPECTED: Record<string, { count: number; uors: string[] }> = {
    // The protocollo particolare is named to the RGD only.
    rgd: { count: 8 + PROTOCOL_DEMO, uors: ['LLPP', 'PROT', 'RAG', 'SEG', 'TEC', 'TRIB'] },
    protocollista: { count: 7 + PROTOCOL_DEMO - 1, uors: ['LLPP', 'PROT', 'RAG', 'SEG', 'TEC', 'TRIB'] },
    segretario: { count: 7 + PROTOCOL_DEMO - 1, uors: ['LLPP', 'PROT', 'RAG', 'SEG', 'TEC', 'TRIB'] },
    // The offices' own, and the registrations the workflow demo sent them (documents of PROT):
    // RAG's two competences; TEC's CC, its waiting paper and its DA_ASSEGNARE; the reader of RAG
    // also as RPA and in CC.
    'rpa.ragioneria': { count: 4 + 2, uors: ['PROT', 'RAG', 'TRIB'] },
    'rpa.tecnico': { count: 2 + 3, uors: ['LLPP', 'PROT', 'TEC'] },
    lettore: { count: 2 + 3, uors: ['PROT', 'RAG'] },
  };

  it('loads once: a second seed (another start, dms seed-demo) adds nothing', async () => {
    const count = async () =>
      (
        await env.platform.orm.em
          .fork()
          .getConnection()
          .execute<Array<{ n: number }>>(
            `select (select count(*) from document)::int + (select count(*) from app_user)::int
                  + (select count(*) from titolario_version)::int + (select count(*) from titolario_node)::int as n`,
          )
      )[0]?.n;
    const before = await count();
    assert.equal(await seedDemo(env.platform), false);
    assert.equal(await count(), before);
  });

  it('shows every demo user documents of the offices they read (the riservato one to those involved)', async () => {
    assert.equal(DEMO_DOCUMENTS.length, 8);
    for (const [username, want] of Object.entries(EXPECTED)) {
      const client = await env.asUser(username);
      const r = await client.data(DocumentsWithFilesDocument, { aooId: ids.aooId, first: 10 });
      const nodes = r.documents.edges.map((e) => e.node);
      assert.equal(r.documents.totalCount, want.count, username);
      assert.deepEqual([...new Set(nodes.map((n) => n.uor?.code))].sort(), want.uors, username);
    }
    // The administrator reads no documents (no PROTOCOL_READ) but every organisation list.
    const admin = await env.asUser('admin');
    assert.ok((await admin.data(UsersOfAooDocument, { aooId: ids.aooId })).users.totalCount >= 7);
  });

  it('holds real files: PDFs that download as stored, and a CAdES .p7m that verifies', async () => {
    const client = await env.asUser('rgd');
    const token = await env.tokenFor('rgd');
    const nodes = (
      await client.data(DocumentsWithFilesDocument, { aooId: ids.aooId, first: 10 })
    ).documents.edges.map((e) => e.node);
    const signed = nodes.find((n) => n.primary?.file.format === 'P7M');
    assert.ok(signed, 'a signed document');
    assert.equal(signed.primary?.file.signature.status, 'FIRMA_VALIDA');
    assert.deepEqual(signed.primary?.file.signature.signers, [{ commonName: 'Mario Rossi' }]);
    const demoDocuments = new Set(DEMO_DOCUMENTS.map((d) => d.oggetto));
    const withAttachments = nodes.filter((n) => demoDocuments.has(n.oggetto) && n.attachments.length > 0);
    assert.equal(withAttachments.length, 2);
    for (const node of nodes) {
      const file = node.primary?.file;
      assert.ok(file, node.oggetto);
      const got = await download(env, file.id, { token });
      assert.equal(got.status, 200, file.originalName);
      assert.equal(createHash('sha256').update(got.body).digest('hex'), file.sha256);
      if (file.format === 'PDF') assert.ok(got.body.subarray(0, 5).equals(Buffer.from('%PDF-')));
    }
  });

  it('has the repertori DELIBERE, DECRETI, CONTRATTI and PROTOCOLLO_PARTICOLARE, with entries on demo documents', async () => {
    const rgd = await env.asUser('rgd');
    const { repertori } = await rgd.data(RepertoriDocument, { aooId: ids.aooId });
    assert.deepEqual(
      repertori.map((r) => r.code),
      ['CONTRATTI', 'DECRETI', 'DELIBERE', 'PROTOCOLLO_PARTICOLARE'],
    );
    const entries: Record<string, string[]> = {};
    for (const r of repertori) {
      const page = await rgd.data(RepertorioEntriesDocument, { repertorioId: r.id, direction: 'ASC' });
      entries[r.code] = page.repertorioEntries.edges.map(
        (e) =>
          `${e.node.number}/${e.node.year} ${e.node.document.kind} ${e.node.document.oggetto.slice(0, 20)}`,
      );
    }
    const year = romeDay(new Date()).slice(0, 4);
    assert.deepEqual(entries, {
      CONTRATTI: [
        `1/${year} REPERTORIATO Verbale di consegna `,
        `2/${year} REPERTORIATO Determina n. 45/2026`,
      ],
      DECRETI: [`1/${year} REPERTORIATO Permesso di costruir`],
      DELIBERE: [`1/${year} REPERTORIATO Delibera di Giunta n`],
      PROTOCOLLO_PARTICOLARE: [`1/${year} PROTOCOLLATO ${DEMO_SPECIAL_OGGETTI.particolare.slice(0, 20)}`],
    });
    // The second seed above added no repertorio and no entry.
    const [row] = await env.platform.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ n: number }>>('select count(*)::int as n from repertorio');
    assert.equal(row?.n, 4);
  });

  it('has a few dozen registrations of each kind in the protocol register, numbered without gaps', async () => {
    const rgd = await env.asUser('rgd');
    // Today's: 3 filed (2 arrivo, 1 partenza), differito, anonymous and particolare (arrivo),
    // vari destinatari (partenza); from the emergency register 2 arrivo and 1 partenza.
    const today = { ARRIVO: 5 + 2, PARTENZA: 2 + 1, INTERNO: 0 };
    for (const kind of ['ARRIVO', 'PARTENZA', 'INTERNO'] as const) {
      const r = await rgd.data(ProtocolRecordNumbersDocument, { filter: { kinds: [kind] }, first: 1 });
      assert.equal(r.protocolRecords.totalCount, DEMO_REGISTRATIONS_PER_KIND + today[kind], kind);
    }
    const rows = await env.platform.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ year: number; n: number; max: number }>>(
        'select year, count(*)::int as n, max(number) as max from protocol_record group by year',
      );
    for (const row of rows) assert.equal(row.n, row.max, `year ${row.year}`);
  });

  it('every demo registration carries its sealed segnatura: XSD-valid, verified with the demo seal, dated as the record', async () => {
    const [counts] = await env.platform.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ records: number; sealed: number; audited: number }>>(
        `select count(*)::int as records, count(s.record_id)::int as sealed,
                count(*) filter (where a.changes->>'segnaturaSha256' = s.sha256)::int as audited
           from protocol_record r
           left join protocol_segnatura s on s.record_id = r.id
           left join audit_event a on a.operation = 'protocol.register' and a.target_id = r.id::text`,
      );
    assert.equal(counts?.records, PROTOCOL_DEMO);
    assert.equal(counts?.sealed, counts?.records, 'every demo record has its segnatura');
    assert.equal(counts?.audited, counts?.records, 'its digest is in the registration audit row');

    const rgd = await env.asUser('rgd');
    const seal = (await rgd.data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    assert.ok(seal, 'the demo AOO has its seal');
    for (const kind of ['ARRIVO', 'PARTENZA', 'INTERNO'] as const) {
      // The oldest of each kind: one of the last weeks' (today's are checked below).
      const page = await rgd.data(ProtocolRecordsDocument, {
        filter: { kinds: [kind] },
        orderBy: 'ASC',
        first: 1,
      });
      const record = page.protocolRecords.edges[0]?.node;
      assert.ok(record, kind);
      const s = (await rgd.data(ProtocolSegnaturaDocument, { id: record.id })).segnatura;
      assert.ok(s, `${kind} ${record.formattedNumber} has a segnatura`);
      assert.equal(s.sha256, createHash('sha256').update(s.xml, 'utf8').digest('hex'));
      const lint = xmllintValidate(s.xml);
      assert.ok(lint.ok, lint.output);
      const verify = xmlsecVerify(s.xml, seal.certificatePem);
      assert.ok(verify.ok, verify.output);
      assert.match(s.xml, new RegExp(`<prot:NumeroRegistrazione>${record.formattedNumber}<`));
      // Dated in the past like the record, and sealed at its registration time.
      assert.match(s.xml, new RegExp(`<prot:DataRegistrazione>${record.date}<`));
      assert.ok(record.date < romeDay(new Date()), 'a demo registration of the last weeks');
      assert.match(s.xml, new RegExp(`SigningTime>${record.registeredAt.slice(0, 19)}`));
    }
  });

  it("today's registrations show the register's special cases, each within its rules", async () => {
    const rgd = await env.asUser('rgd');
    const day = romeDay(env.platform.clock.now());
    const page = await rgd.data(DemoProtocolRecordsDocument, { filter: { dateFrom: day }, first: 50 });
    const records = page.protocolRecords.edges.map((e) => e.node);
    assert.equal(page.protocolRecords.totalCount, TODAY);
    const byOggetto = (oggetto: string) => {
      const r = records.find((x) => x.oggetto === oggetto);
      assert.ok(r, oggetto);
      return r;
    };
    // Filed in the demo fascicoli, classified on the fascicolo's node.
    const filed = records.filter((r) => r.fascicolo !== null && r.fascicolo !== undefined);
    assert.deepEqual(
      filed.map((r) => r.fascicolo?.oggetto.slice(0, 30)).sort(),
      [
        'Accertamenti IMU anno 2024',
        'Manutenzione del verde pubblico',
        'Permesso di costruire n. 12/202',
      ].map((o) => o.slice(0, 30)),
    );
    for (const r of filed)
      assert.equal(r.classification?.fullCode, r.fascicolo?.classificationCode, r.oggetto);
    // Protocollo differito: received earlier, registered today, with cause and authorisation.
    const differito = byOggetto(DEMO_SPECIAL_OGGETTI.differito);
    assert.ok(differito.differimento, 'differito');
    assert.ok(differito.differimento.receivedOn < differito.date);
    assert.equal(differito.differimento.authorisation, 'Autorizzazione RGD n. 5/2026');
    // Anonymous sender: an incoming record without correspondents.
    const anonymous = byOggetto(DEMO_SPECIAL_OGGETTI.anonymous);
    assert.equal(anonymous.kind, 'ARRIVO');
    assert.equal(anonymous.anonymousSender, true);
    assert.deepEqual(anonymous.correspondents, []);
    // Vari destinatari: more than three recipients.
    const vari = byOggetto(DEMO_SPECIAL_OGGETTI.variDestinatari);
    assert.equal(vari.variDestinatari, true);
    assert.equal(vari.correspondents.length, 5);
    assert.ok(vari.correspondents.every((c) => c.role === 'DESTINATARIO'));
    // Protocollo particolare: also numbered in its repertorio, seen only by the RGD named on it.
    const particolare = byOggetto(DEMO_SPECIAL_OGGETTI.particolare);
    assert.equal(particolare.particolare, true);
    assert.equal(particolare.repertorioParticolare?.repertorio.code, 'PROTOCOLLO_PARTICOLARE');
    assert.equal(particolare.repertorioParticolare?.number, 1);
    const protocollista = await env.asUser('protocollista');
    const seen = (
      await protocollista.data(DemoProtocolRecordsDocument, { filter: { dateFrom: day }, first: 50 })
    ).protocolRecords;
    assert.equal(seen.totalCount, TODAY - 1);
    assert.ok(!seen.edges.some((e) => e.node.oggetto === DEMO_SPECIAL_OGGETTI.particolare));
    // The records recovered from the emergency register keep their emergency numbers and dates.
    assert.deepEqual(
      records.filter((r) => r.emergency).map((r) => [r.emergency?.number, r.oggetto]),
      DEMO_EMERGENCY.records.map((r, i) => [i + 1, r.oggetto]),
    );
    assert.ok(records.every((r) => !r.emergency || r.emergency.at.slice(0, 10) < day));
  });

  it('has one closed session of the emergency register, within its first 24 hours, with 3 imported records', async () => {
    const rgd = await env.asUser('rgd');
    const { emergencyRegisters } = await rgd.data(EmergencyRegistersDocument, { aooId: ids.aooId });
    assert.equal(emergencyRegisters.length, 1);
    const [g] = emergencyRegisters;
    assert.ok(g);
    assert.equal(g.open, false);
    assert.equal(g.cause, DEMO_EMERGENCY.cause);
    assert.equal(g.authorisation, DEMO_EMERGENCY.authorisation);
    assert.equal(g.openedBy?.username, 'rgd');
    const started = Date.parse(g.startedAt);
    assert.equal(Date.parse(g.endedAt ?? '') - started, DEMO_EMERGENCY.hours * 3_600_000);
    assert.equal(Date.parse(g.authorisedUntil) - started, 24 * 3_600_000);
    assert.deepEqual(
      g.registrations.map((r) => [r.number, r.record.number > 3 * DEMO_REGISTRATIONS_PER_KIND]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );
  });

  it('the workflow demo fills the inboxes: registrations sent to offices, one in charge, one paper waiting, one rejected, some CC', async () => {
    const conn = env.platform.orm.em.fork().getConnection();
    const states = await conn.execute<Array<{ state: string; n: number; record_id: string }>>(
      `select state, count(*)::int as n, min(record_id::text) as record_id from assignment group by state`,
    );
    assert.deepEqual(Object.fromEntries(states.map((s) => [s.state, s.n])), DEMO_WORKFLOW.states);
    const record = (state: string) => states.find((s) => s.state === state)?.record_id ?? '';
    // In charge: the reader of RAG is its RPA and reads it (digital: taken at assignment).
    const inCharge = (
      await (await env.asUser('lettore')).data(RecordWorkflowDocument, { id: record('IN_CARICO') })
    ).protocolRecord;
    const a = inCharge.assignments.find((x) => x.state === 'IN_CARICO');
    assert.equal(a?.rpa?.username, 'lettore');
    assert.equal(a?.takenAt, a?.assignedAt);
    assert.equal(inCharge.uor?.code, 'RAG');
    // The paper one waits for the head of TEC's presa in carico.
    const waiting = (
      await (await env.asUser('rpa.tecnico')).data(RecordWorkflowDocument, { id: record('ASSEGNATO') })
    ).protocolRecord;
    assert.deepEqual(
      waiting.assignments.map((x) => [x.uor?.code, x.state, x.paper, x.rpa?.username]),
      [['TEC', 'ASSEGNATO', true, 'rpa.tecnico']],
    );
    // The rejected one is back at the protocol office, with the note and the office it names.
    const rejected = (
      await (await env.asUser('protocollista')).data(RecordWorkflowDocument, { id: record('RIGETTATO') })
    ).protocolRecord;
    assert.equal(rejected.rejectionCount, 1);
    assert.deepEqual(
      rejected.workflow.map((s) => [
        s.action,
        s.actor?.username,
        s.suggestedUor?.code ?? null,
        s.note ?? null,
      ]),
      [
        ['SMISTAMENTO', 'protocollista', null, null],
        ['RIGETTO', 'rpa.ragioneria', 'RAG', DEMO_WORKFLOW.rejectionNote],
      ],
    );
    // CC entries, each a CONOSCENZA step; every step audited with its operation.
    const [steps] = await conn.execute<Array<{ cc: number; unaudited: number }>>(
      `select count(*) filter (where action = 'CONOSCENZA')::int as cc,
              count(*) filter (where not exists (select 1 from audit_event e
                where e.target_id = s.record_id::text and e.operation like 'workflow.%'))::int as unaudited
         from workflow_step s`,
    );
    assert.deepEqual(steps, { cc: DEMO_WORKFLOW.ccEntries, unaudited: 0 });
  });

  it('has two raccoglitori grouping demo documents of several offices, each shown within its reader’s rights', async () => {
    assert.equal(DEMO_RACCOGLITORI.length, 2);
    const WANT: Record<string, Record<string, number>> = {
      rgd: { 'Manutenzione del verde pubblico 2026': 2, 'Opere pubbliche 2027-2029': 3 },
      lettore: { 'Manutenzione del verde pubblico 2026': 2 },
      // The delibera of SEG is in the TEC raccoglitore, outside the technical RPA's offices.
      'rpa.tecnico': { 'Opere pubbliche 2027-2029': 2 },
    };
    for (const [username, want] of Object.entries(WANT)) {
      const client = await env.asUser(username);
      const r = await client.data(RaccoglitoriInFullDocument, { aooId: ids.aooId, first: 10, documents: 10 });
      const got = Object.fromEntries(
        r.raccoglitori.edges.map((e) => [e.node.name, e.node.documents.totalCount]),
      );
      assert.deepEqual(got, want, username);
    }
  });

  it('has a filled correspondents directory: citizens, companies, administrations with IPA codes, foreign bodies', async () => {
    assert.equal(DEMO_CORRESPONDENTS.length, 20);
    const lettore = await env.asUser('lettore');
    const all = (await lettore.data(CorrespondentsDocument, { aooId: ids.aooId, first: 100 })).correspondents;
    assert.equal(all.totalCount, DEMO_CORRESPONDENTS.length);
    const kinds = new Map<string, number>();
    for (const e of all.edges) kinds.set(e.node.kind, (kinds.get(e.node.kind) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(kinds), {
      PERSONA_FISICA: 8,
      PERSONA_GIURIDICA: 5,
      AMMINISTRAZIONE_ITALIANA: 5,
      AMMINISTRAZIONE_ESTERA: 2,
    });
    const roma = (
      await lettore.data(CorrespondentsDocument, { aooId: ids.aooId, filter: { code: 'c_h501' } })
    ).correspondents.edges[0]?.node;
    assert.equal(roma?.displayName, 'Roma Capitale');
    assert.match(roma?.pec ?? '', /@pec\.comune\.roma\.it$/);
    // The history shows: one edited entry, one deactivated.
    const rossi = (
      await lettore.data(CorrespondentsDocument, { aooId: ids.aooId, filter: { text: 'rossi mario' } })
    ).correspondents.edges[0]?.node.id;
    const h = (await lettore.data(CorrespondentHistoryDocument, { id: rossi ?? '' })).correspondent.versions;
    assert.deepEqual(
      h.map((v) => [v.version, v.change, v.address]),
      [
        [2, 'UPDATED', 'Via Guido Monaco 25'],
        [1, 'CREATED', 'Via Roma 12'],
      ],
    );
    assert.equal(all.edges.filter((e) => !e.node.active).length, 1);
  });

  it('has a municipal titolario (ANCI, titoli I-XIV) in force since last year, revised this year', async () => {
    const lettore = await env.asUser('lettore');
    const year = Number(romeDay(env.platform.clock.now()).slice(0, 4));
    const versions = await lettore.data(TitolarioVersionsDocument, { aooId: ids.aooId });
    assert.deepEqual(
      versions.titolarioVersions.map((v) => [v.validFrom, v.validUntil, v.state]),
      [
        [`${year}-01-01`, null, 'PUBLISHED'],
        [`${year - 1}-01-01`, `${year - 1}-12-31`, 'PUBLISHED'],
      ],
    );
    const now = (await lettore.data(TitolarioDocument, { aooId: ids.aooId })).titolario;
    const before = (await lettore.data(TitolarioDocument, { aooId: ids.aooId, at: `${year - 1}-06-01` }))
      .titolario;
    assert.equal(now?.validFrom, `${year}-01-01`);
    assert.equal(before?.validFrom, `${year - 1}-01-01`);
    assert.deepEqual(
      now?.titoli.map((t) => `${t.code} ${t.description}`),
      DEMO_TITOLARIO.map((t) => `${t.titolo} ${t.description}`),
    );
    assert.equal(now?.titoli.length, 14);
    assert.equal(now?.titoli[0]?.description, 'Amministrazione generale');
    assert.equal(now?.titoli[13]?.description, 'Oggetti diversi');
    assert.ok(
      now?.titoli.slice(0, 13).every((t) => t.children.length >= 3),
      'several classi under each titolo',
    );
    // The revision shows: a classe added this year, one renamed.
    const i = (t: typeof now) =>
      t?.titoli.find((x) => x.code === 'I')?.children.map((c) => `${c.code} ${c.description}`);
    assert.ok(i(now)?.includes('18 Protezione dei dati personali'));
    assert.ok(!i(before)?.some((c) => c.startsWith('18 ')));
    assert.ok(i(now)?.includes('7 Sistema informativo e transizione digitale'));
    assert.ok(i(before)?.includes('7 Sistema informativo'));
    // Index terms feed the suggestions.
    const s = await lettore.data(ClassificationSuggestionsDocument, {
      aooId: ids.aooId,
      text: 'richiesta di permesso di costruire',
      at: null,
      first: 3,
      leavesOnly: true,
    });
    assert.equal(s.classificationSuggestions[0]?.node.fullCode, 'VI/3');
  });
});
