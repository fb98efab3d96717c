import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AnnotateProtocolDocument,
  AnnulProtocolDocument,
  CreateRepertorioDocument,
  DeactivateUserDocument,
  DocumentProtocolRecordDocument,
  OpenFascicoloDocument,
  ProtocolHistoryDocument,
  ProtocolRecordFilingDocument,
  ProtocolRecordDocument,
  ProtocolRecordNumbersDocument,
  ProtocolRecordSpecialDocument,
  ProtocolSegnaturaDocument,
  RegisterProtocolDocument,
  UpdateProtocolFieldsDocument,
} from '../../clients/sdk/generated/graphql.js';
import { FASCICOLO_MANAGE, FASCICOLO_READ } from '../../schema/fascicoli/index.js';
import { PROTOCOL_ANNUL, PROTOCOL_MANAGE, PROTOCOL_REGISTER } from '../../schema/protocollo/index.js';
import { titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import { romeDay } from '../../server/clock.js';

/** The request clock, running from now, moved on by whole days to pass a riservato's date. */
class RunningClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advanceDays(days: number): void {
    this.offset += days * 86_400_000;
  }
}

/**
 * The ACL matrix of the protocol register: every actor × every protocol operation × where the
 * record sits (an office of the demo AOO, another office of it, the other AOO). Actors: the demo profiles
 * (the platform administrator `admin`, a SYSTEM_ADMIN of the demo AOO only, RGD, PROTOCOLLISTA,
 * the RPA of FIN and of TEC, READ_ONLY of RAG, TOTAL_VISIBILITY), a protocollista of another
 * AOO, and a deactivated user. Expectations follow from the permissions' profiles and scopes and
 * the UOR tree: a registration is seen by whoever sees its document, and each change needs its
 * permission over the record's AOO (and UOR), on a record the caller sees.
 */
import {
  actors,
  covers,
  PLACES,
  readsDocs,
  whereOf,
  type Actor,
  type Place,
  type Where,
  runMatrix,
} from '../harness/acl-actors.js';

describe('ACL matrix: protocollo', () => {
  const clock = new RunningClock();
  let env: TestEnv;
  let ids: DemoIds;
  let otherAoo: { aooId: string; uorId: string };
  const clients = new Map<string, GraphqlClient>();
  const registrar: Partial<Record<Where, GraphqlClient>> = {};
  const record: Partial<Record<Place, { id: string; documentId: string }>> = {};
  /** An open fascicolo of each place (its UOR), and a record filed in it at registration. */
  const fascicolo: Partial<Record<Place, string>> = {};
  const filedRecord: Partial<Record<Place, string>> = {};

  const c = (username: string): GraphqlClient => {
    const client = clients.get(username);
    assert.ok(client, username);
    return client;
  };

  /** A fresh draft with a primary file, made directly (by the RGD, or the other AOO's protocollista). */
  async function draft(place: Place): Promise<string> {
    const [row] = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Lettera della matrice',
                (select id from app_user where username = $2)
           from uor u where u.id = $1 returning id, created_by),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'lettera.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', doc.created_by
           from doc, lateral (select encode(sha256(doc.id::text::bytea), 'hex') as h) x returning id)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), doc.id, f.id, 0, 1, doc.created_by from doc, f returning document_id as id`,
      [place === 'other' ? otherAoo.uorId : ids.uor[place], place === 'other' ? 'altrove.protocollo' : 'rgd'],
    );
    assert.ok(row);
    return row.id;
  }

  const registration = (documentId: string) => ({
    kind: 'ARRIVO' as const,
    documentId,
    oggetto: 'Lettera della matrice',
    correspondents: [{ kind: 'PERSONA_FISICA' as const, nome: 'Luca', cognome: 'Neri' }],
  });

  async function newRecord(place: Place): Promise<{ id: string; documentId: string }> {
    const client = registrar[whereOf(place)];
    assert.ok(client);
    const documentId = await draft(place);
    const r = await client.data(RegisterProtocolDocument, { input: registration(documentId) });
    return { id: r.registerProtocol.id, documentId };
  }

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    otherAoo = await createSecondAoo(admin);
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'amministratore', 'SYSTEM_ADMIN');
    await createMember(admin, otherAoo.aooId, otherAoo.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    const gone = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'dimesso', 'RGD');
    // A second RGD, named on nothing: the special records are hidden from them too.
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'rgd.altro', 'RGD');
    clients.set('rgd.altro', await env.asUser('rgd.altro'));
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token stops working at once.
    await admin.data(DeactivateUserDocument, { id: gone });
    registrar.demo = c('rgd');
    registrar.other = c('altrove.protocollo');
    for (const place of PLACES) record[place] = await newRecord(place);
    const rpaOf: Record<Place, string> = { RAG: 'lettore', TEC: 'rpa.tecnico', other: 'altrove.protocollo' };
    for (const aooId of [ids.aooId, otherAoo.aooId]) {
      const nodes = await titolarioInForce(env, aooId);
      for (const place of PLACES.filter((p) => (p === 'other') === (aooId === otherAoo.aooId))) {
        const [rpa] = await sql<{ id: string }>(env, 'select id from app_user where username = $1', [
          rpaOf[place],
        ]);
        const opened = await registrar[whereOf(place)]?.data(OpenFascicoloDocument, {
          input: {
            classificationId: nodes['VI/3/1'] ?? '',
            kind: 'AFFARE',
            oggetto: `Fascicolo della matrice ${place}`,
            uorId: place === 'other' ? otherAoo.uorId : (ids.uor[place] ?? ''),
            rpaId: rpa?.id ?? '',
          },
        });
        fascicolo[place] = opened?.openFascicolo.id;
        const filed = await registrar[whereOf(place)]?.data(RegisterProtocolDocument, {
          input: { ...registration(await draft(place)), fascicoloId: fascicolo[place] },
        });
        filedRecord[place] = filed?.registerProtocol.id;
      }
    }
  });
  after(async () => {
    await env.close();
  });

  interface Op {
    name: string;
    expected(a: Actor, target: Place): boolean;
    run(client: GraphqlClient, target: Place): Promise<boolean>;
  }

  let serial = 0;
  const ops: Op[] = [
    {
      name: 'root protocolRecord(id)',
      expected: readsDocs,
      run: async (client, p) =>
        // Data, not the absence of errors: masked personal data come with FIELD_MASKED errors.
        (await client.request(ProtocolRecordDocument, { id: record[p]?.id ?? '' })).data?.protocolRecord
          .id === record[p]?.id,
    },
    {
      name: 'list protocolRecords',
      expected: readsDocs,
      run: async (client, p) => {
        const r = await client.request(ProtocolRecordNumbersDocument, { first: 100 });
        return r.data?.protocolRecords.edges.some((e) => e.node.id === record[p]?.id) ?? false;
      },
    },
    {
      name: 'protocolHistory(id)',
      expected: readsDocs,
      run: async (client, p) =>
        !(await client.request(ProtocolHistoryDocument, { id: record[p]?.id ?? '' })).errors,
    },
    {
      name: 'nested document.protocolRecord',
      expected: readsDocs,
      run: async (client, p) => {
        const r = await client.request(DocumentProtocolRecordDocument, { id: record[p]?.documentId ?? '' });
        return r.data?.document.protocolRecord?.id === record[p]?.id;
      },
    },
    {
      name: 'registerProtocol',
      expected: (a, p) => readsDocs(a, p) && covers(a, PROTOCOL_REGISTER, p),
      run: async (client, p) =>
        !(await client.request(RegisterProtocolDocument, { input: registration(await draft(p)) })).errors,
    },
    {
      name: 'registerProtocol into a fascicolo',
      expected: (a, p) =>
        readsDocs(a, p) && covers(a, PROTOCOL_REGISTER, p) && covers(a, FASCICOLO_MANAGE, p),
      run: async (client, p) =>
        !(
          await client.request(RegisterProtocolDocument, {
            input: { ...registration(await draft(p)), fascicoloId: fascicolo[p] ?? '' },
          })
        ).errors,
    },
    {
      name: 'updateProtocolFields fascicoloId (moves the filing)',
      expected: (a, p) => readsDocs(a, p) && covers(a, PROTOCOL_MANAGE, p) && covers(a, FASCICOLO_MANAGE, p),
      run: async (client, p) =>
        !(
          await client.request(UpdateProtocolFieldsDocument, {
            input: { id: (await newRecord(p)).id, fascicoloId: fascicolo[p] ?? '' },
          })
        ).errors,
    },
    {
      name: 'nested ProtocolRecord.fascicolo (the fascicolo’s own visibility)',
      expected: (a, p) => readsDocs(a, p) && covers(a, FASCICOLO_READ, p),
      run: async (client, p) => {
        const r = await client.request(ProtocolRecordFilingDocument, { id: filedRecord[p] ?? '' });
        return r.data?.protocolRecord.fascicolo?.id === fascicolo[p];
      },
    },
    {
      name: 'updateProtocolFields',
      expected: (a, p) => readsDocs(a, p) && covers(a, PROTOCOL_MANAGE, p),
      run: async (client, p) =>
        !(
          await client.request(UpdateProtocolFieldsDocument, {
            input: { id: record[p]?.id ?? '', documentType: `Tipo ${++serial}` },
          })
        ).errors,
    },
    {
      name: 'annotateProtocol',
      expected: (a, p) => readsDocs(a, p) && covers(a, PROTOCOL_MANAGE, p),
      run: async (client, p) =>
        !(
          await client.request(AnnotateProtocolDocument, { input: { id: record[p]?.id ?? '', text: 'Nota' } })
        ).errors,
    },
    {
      name: 'annulProtocol',
      expected: (a, p) => readsDocs(a, p) && covers(a, PROTOCOL_ANNUL, p),
      run: async (client, p) =>
        !(
          await client.request(AnnulProtocolDocument, {
            input: { id: (await newRecord(p)).id, reason: 'Prova della matrice', authorisation: 'Atto n. 1' },
          })
        ).errors,
    },
  ];

  for (const op of ops) {
    it(op.name, async () => {
      const { mismatches, allowed } = await runMatrix(
        PLACES,
        (a, target) => op.run(c(a.username), target),
        (a, target) => op.expected(a, target),
      );
      assert.deepEqual(mismatches, []);
      assert.ok(allowed > 0, 'someone may do it');
    });
  }

  it('a hidden record answers exactly like a nonexistent id, on every path', async () => {
    const tecnico = c('rpa.tecnico');
    const hidden = record.RAG?.id ?? '';
    const missing = randomUUID();
    const shape = (r: GraphqlResponse<unknown>, id: string) => {
      const e = r.errors?.[0];
      return {
        ...e,
        message: e?.message.replace(id, 'ID'),
        extensions: { ...e?.extensions, requestId: null },
      };
    };
    for (const run of [
      (id: string) => tecnico.request(ProtocolRecordDocument, { id }),
      (id: string) => tecnico.request(ProtocolHistoryDocument, { id }),
      (id: string) => tecnico.request(AnnotateProtocolDocument, { input: { id, text: 'x' } }),
      (id: string) => tecnico.request(UpdateProtocolFieldsDocument, { input: { id, documentType: 'x' } }),
      (id: string) => c('altrove.protocollo').request(ProtocolRecordDocument, { id }),
    ]) {
      const [h, m] = [await run(hidden), await run(missing)];
      assert.equal(errorCode(h), 'NOT_FOUND');
      assert.deepEqual(shape(h, hidden), shape(m, missing));
    }
  });

  it('a riservato record is hidden from users not involved (even with the reserved right), an annulled one stays readable', async () => {
    const { id, documentId } = await newRecord('RAG');
    await sql(env, `update document set reserved_until = current_date + 30 where id = $1`, [documentId]);
    // The creator (rgd) is involved; the segretario holds the reserved right but is not involved.
    assert.equal(errorCode(await c('segretario').request(ProtocolRecordDocument, { id })), 'NOT_FOUND');
    assert.equal(errorCode(await c('protocollista').request(ProtocolRecordDocument, { id })), 'NOT_FOUND');
    assert.equal(errorCode(await c('rgd').request(ProtocolRecordDocument, { id })), undefined);
    const annulled = await newRecord('RAG');
    await c('rgd').data(AnnulProtocolDocument, {
      input: { id: annulled.id, reason: 'Errore', authorisation: 'Atto n. 2' },
    });
    const read = await c('protocollista').data(ProtocolRecordDocument, { id: annulled.id });
    assert.equal(read.protocolRecord.state, 'ANNULLATO');
  });

  it("correspondents' personal data are masked without PROTOCOL_READ_PERSONAL_DATA (a person's name and codes)", async () => {
    const id = record.RAG?.id ?? '';
    const seen = await c('rgd').data(ProtocolRecordDocument, { id });
    assert.equal(seen.protocolRecord.correspondents[0]?.cognome, 'Neri');
    const masked = await c('lettore').request(ProtocolRecordDocument, { id });
    assert.equal(masked.data?.protocolRecord.correspondents[0]?.cognome, null);
    assert.equal(masked.data?.protocolRecord.correspondents[0]?.kind, 'PERSONA_FISICA');
    assert.equal(masked.data?.protocolRecord.oggetto, 'Lettera della matrice');
    assert.ok(masked.errors?.some((e) => e.extensions?.['code'] === 'FIELD_MASKED'));
  });

  it("a person's masked data cannot be searched either: the correspondent filter finds it only where it is readable", async () => {
    const id = record.RAG?.id ?? '';
    const found = async (who: string, text: string) =>
      (
        await c(who).data(ProtocolRecordNumbersDocument, { filter: { correspondent: text }, first: 100 })
      ).protocolRecords.edges.some((e) => e.node.id === id);
    assert.equal(await found('rgd', 'Neri'), true);
    // lettore reads the record (PROTOCOL_READ on RAG) but not personal data.
    assert.equal((await c('lettore').request(ProtocolRecordDocument, { id })).data?.protocolRecord.id, id);
    assert.equal(await found('lettore', 'Neri'), false);
    assert.equal(await found('lettore', 'Luca'), false);
  });

  it('a deactivated user is refused with 401', async () => {
    const r = await c('dimesso').request(ProtocolRecordDocument, { id: record.RAG?.id ?? '' });
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'UNAUTHENTICATED');
  });
  it('riservato and particolare records: hidden on every path from whoever is not involved or named (an RGD too), seen by those who are; after the riservato date the normal rule', async () => {
    const rgd = c('rgd');
    await rgd.data(CreateRepertorioDocument, {
      input: { aooId: ids.aooId, code: 'PROTOCOLLO_PARTICOLARE', name: 'Protocollo particolare' },
    });
    const userId = async (username: string) =>
      (await sql<{ id: string }>(env, 'select id from app_user where username = $1', [username]))[0]?.id;
    /** A draft of RAG by the RGD, made riservato (involved) or particolare (named) before registration. */
    async function special(
      kind: 'riservato' | 'particolare',
      users: string[],
      oggetto: string,
    ): Promise<{ id: string; documentId: string; number: number; year: number }> {
      const documentId = await draft('RAG');
      const today = romeDay(clock.now());
      await sql(
        env,
        kind === 'particolare'
          ? `update document set particolare = true, oggetto = $2 where id = $1`
          : `update document set reserved_until = $3::date + 2, oggetto = $2 where id = $1`,
        kind === 'particolare' ? [documentId, oggetto] : [documentId, oggetto, today],
      );
      for (const u of users) {
        await sql(
          env,
          `insert into document_access (id, document_id, user_id, reason, granted_by) values (gen_random_uuid(), $1, $2, $3, $2)`,
          [documentId, await userId(u), kind === 'particolare' ? 'NAMED' : 'INVOLVED'],
        );
      }
      const r = await rgd.data(RegisterProtocolDocument, {
        input: { ...registration(documentId), oggetto },
      });
      return {
        id: r.registerProtocol.id,
        documentId,
        number: r.registerProtocol.number,
        year: r.registerProtocol.year,
      };
    }
    const particolare = await special(
      'particolare',
      ['rgd', 'segretario'],
      'Esposto riservatissimo Zafferano',
    );
    const riservato = await special('riservato', ['rpa.ragioneria'], 'Segnalazione riservata Cardamomo');

    /** What each path answers to `who` about `rec`: true where the record is there. */
    async function paths(
      who: string,
      rec: typeof particolare,
      word: string,
    ): Promise<Record<string, boolean>> {
      const client = c(who);
      const listed = async (filter: Record<string, unknown>) => {
        const r = await client.data(ProtocolRecordNumbersDocument, { filter, first: 100 });
        const there = r.protocolRecords.edges.some((e) => e.node.id === rec.id);
        // The count agrees with the page: a hidden record is not counted either.
        assert.equal(r.protocolRecords.totalCount > 0, there, `${who} totalCount ${JSON.stringify(filter)}`);
        return there;
      };
      const numbered = { year: rec.year, numberFrom: rec.number, numberTo: rec.number };
      return {
        protocolRecord:
          (await client.request(ProtocolRecordDocument, { id: rec.id })).data?.protocolRecord.id === rec.id,
        special:
          (await client.request(ProtocolRecordSpecialDocument, { id: rec.id })).data?.protocolRecord.id ===
          rec.id,
        list: await listed(numbered),
        listByOggetto: await listed({ ...numbered, oggetto: word }),
        listByCorrespondent: await listed({ ...numbered, correspondent: 'Neri' }),
        listByUor: await listed({ ...numbered, uorId: ids.uor['RAG'] }),
        documentProtocolRecord:
          (await client.request(DocumentProtocolRecordDocument, { id: rec.documentId })).data?.document
            .protocolRecord?.id === rec.id,
        segnatura: !(await client.request(ProtocolSegnaturaDocument, { id: rec.id })).errors,
        protocolHistory: !(await client.request(ProtocolHistoryDocument, { id: rec.id })).errors,
      };
    }
    // The correspondent filter searches personal data: only where those are readable (not lettore).
    const everywhere = (seen: boolean, who: string) => ({
      protocolRecord: seen,
      special: seen,
      list: seen,
      listByOggetto: seen,
      listByCorrespondent: seen && who !== 'lettore',
      listByUor: seen,
      documentProtocolRecord: seen,
      segnatura: seen,
      protocolHistory: seen,
    });
    // rgd.altro is an RGD named on nothing; protocollista sees the office; segretario holds
    // every right but is involved in the riservato one not at all; rpa.ragioneria is involved.
    const before: Array<[string, boolean, boolean]> = [
      ['rgd', true, true],
      ['rgd.altro', false, false],
      ['protocollista', false, false],
      ['segretario', true, false],
      ['rpa.ragioneria', false, true],
      ['lettore', false, false],
      ['rpa.tecnico', false, false],
    ];
    for (const [who, seesParticolare, seesRiservato] of before) {
      assert.deepEqual(
        await paths(who, particolare, 'Zafferano'),
        everywhere(seesParticolare, who),
        `${who} particolare`,
      );
      assert.deepEqual(
        await paths(who, riservato, 'Cardamomo'),
        everywhere(seesRiservato, who),
        `${who} riservato`,
      );
    }
    // Those who see them see the special registration: the date to mark, the repertorio number.
    const seen = await c('segretario').data(ProtocolRecordSpecialDocument, { id: particolare.id });
    assert.equal(seen.protocolRecord.particolare, true);
    assert.equal(seen.protocolRecord.repertorioParticolare?.number, 1);
    const marked = await c('rpa.ragioneria').data(ProtocolRecordSpecialDocument, { id: riservato.id });
    assert.ok(marked.protocolRecord.reservedUntil);
    assert.ok(marked.protocolRecord.reservedUntil > romeDay(clock.now()));

    // Past the riservato date: whoever reads the office sees it; the particolare stays as it was.
    clock.advanceDays(3);
    for (const [who] of before) {
      const a = actors.find((x) => x.username === who);
      const reads = a ? readsDocs(a, 'RAG') : true;
      assert.deepEqual(
        await paths(who, riservato, 'Cardamomo'),
        everywhere(reads, who),
        `${who} riservato after its date`,
      );
      assert.deepEqual(
        await paths(who, particolare, 'Zafferano'),
        everywhere(who === 'rgd' || who === 'segretario', who),
        `${who} particolare later`,
      );
    }
  });
});
