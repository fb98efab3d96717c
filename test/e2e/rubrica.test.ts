import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CorrespondentDocument,
  CorrespondentHistoryDocument,
  CorrespondentsDocument,
  CorrespondentsInFullDocument,
  CreateCorrespondentDocument,
  DeactivateCorrespondentDocument,
  ImportIpaCorrespondentsDocument,
  MutationFieldsDocument,
  ReactivateCorrespondentDocument,
  UpdateCorrespondentDocument,
  type CorrespondentFilter,
  type CorrespondentsQuery,
  type CreateCorrespondentInput,
} from '../../clients/sdk/generated/graphql.js';
import {
  correspondentSnapshot,
  CorrespondentCreated,
  CorrespondentUpdated,
  partitaIvaProblem,
} from '../../schema/rubrica/index.js';
import type { EventEnvelope } from '../../server/events/domain-event.js';
import { demoIds, errorCode, sleep, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** A valid partita IVA from 10 digits (its check digit computed). */
function piva(n: number): string {
  const base = String(n).padStart(10, '0');
  for (let d = 0; d <= 9; d++) if (partitaIvaProblem(`${base}${d}`) === null) return `${base}${d}`;
  throw new Error('unreachable');
}

/**
 * The correspondents directory (DOMAIN §5): kinds and their checked codes, duplicates by every
 * key, no deletion on any path (GraphQL, SQL), history of versions kept by the database, search
 * with accents and case ignored, the snapshot a registration copies, the IPA import (all or
 * nothing, every error reported), events after commit, statements that do not grow with a page.
 */
describe('rubrica (correspondents directory)', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let prot: GraphqlClient;
  let n = 0;

  const create = (input: Omit<CreateCorrespondentInput, 'aooId'>, client = prot) =>
    client.request(CreateCorrespondentDocument, { input: { aooId: ids.aooId, ...input } });
  const company = (over: Partial<CreateCorrespondentInput> = {}) =>
    create({
      kind: 'PERSONA_GIURIDICA',
      denominazione: `Ditta ${++n}`,
      partitaIva: piva(7_000_000 + n),
      ...over,
    });
  const idOf = (r: GraphqlResponse<{ createCorrespondent: { id: string } }>): string => {
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data?.createCorrespondent.id ?? '';
  };
  const ext = (r: GraphqlResponse<unknown>) => r.errors?.[0]?.extensions ?? {};

  before(async () => {
    env = await startTestEnv({ env: { GRAPHQL_MAX_COST: '1000000000' } });
    ids = await demoIds(env);
    prot = await env.asUser('protocollista');
  });
  after(async () => {
    await env.close();
  });

  it('inserts each kind, with codes checked (format and check character) by typed errors', async () => {
    const person = await create({
      kind: 'PERSONA_FISICA',
      name: 'Mario',
      surname: 'Rossi',
      codiceFiscale: 'rssmra85t10a562s',
      pec: 'Mario.Rossi@PEC.example.it',
    });
    assert.equal(person.errors, undefined, JSON.stringify(person.errors));
    const p = person.data?.createCorrespondent;
    assert.equal(p?.codiceFiscale, 'RSSMRA85T10A562S', 'stored upper case');
    assert.equal(p?.displayName, 'Rossi Mario');
    assert.equal(p?.pec, 'mario.rossi@pec.example.it');
    assert.equal(p?.version, 1);
    assert.equal(p?.createdBy?.username, 'protocollista');
    const pa = await create({
      kind: 'AMMINISTRAZIONE_ITALIANA',
      denominazione: 'Regione Lazio',
      ipaCode: 'r_lazio',
      codiceFiscale: '80143490581',
      pec: 'protocollo@regione.lazio.legalmail.it',
    });
    assert.equal(pa.data?.createCorrespondent.ipaCode, 'r_lazio', 'IPA codes kept as IPA writes them');
    const foreign = await create({
      kind: 'AMMINISTRAZIONE_ESTERA',
      denominazione: 'Ville de Nice',
      country: 'Francia',
    });
    assert.equal(foreign.data?.createCorrespondent.kind, 'AMMINISTRAZIONE_ESTERA');

    const wrongCheck = await create({
      kind: 'PERSONA_FISICA',
      name: 'A',
      surname: 'B',
      codiceFiscale: 'RSSMRA85T10A562T',
    });
    assert.equal(errorCode(wrongCheck), 'INVALID_CODICE_FISCALE');
    assert.equal(ext(wrongCheck)['field'], 'codiceFiscale');
    assert.match(wrongCheck.errors?.[0]?.message ?? '', /expected S/);
    const badFormat = await create({
      kind: 'PERSONA_FISICA',
      name: 'A',
      surname: 'B',
      codiceFiscale: 'RSSMRA85Z10A562S',
    });
    assert.equal(errorCode(badFormat), 'INVALID_CODICE_FISCALE');
    const elevenForPerson = await create({
      kind: 'PERSONA_FISICA',
      name: 'A',
      surname: 'B',
      codiceFiscale: '80143490581',
    });
    assert.equal(errorCode(elevenForPerson), 'INVALID_CODICE_FISCALE');
    const badPiva = await company({ partitaIva: '01234567890' });
    assert.equal(errorCode(badPiva), 'INVALID_PARTITA_IVA');
    assert.equal(ext(badPiva)['field'], 'partitaIva');
    assert.equal(errorCode(await company({ partitaIva: '0123456789' })), 'INVALID_PARTITA_IVA');
    const badCfOfCompany = await company({ codiceFiscale: '80143490582' });
    assert.equal(errorCode(badCfOfCompany), 'INVALID_CODICE_FISCALE');

    const missing = await create({ kind: 'PERSONA_FISICA', name: 'Solo nome' });
    assert.equal(errorCode(missing), 'BAD_USER_INPUT');
    assert.equal(ext(missing)['field'], 'surname');
    const notApplicable = await create({
      kind: 'PERSONA_FISICA',
      name: 'A',
      surname: 'B',
      ipaCode: 'c_h501',
    });
    assert.equal(ext(notApplicable)['field'], 'ipaCode');
    assert.equal(
      errorCode(await create({ kind: 'AMMINISTRAZIONE_ITALIANA', denominazione: 'Senza IPA' })),
      'BAD_USER_INPUT',
    );
    assert.equal(
      errorCode(await create({ kind: 'AMMINISTRAZIONE_ESTERA', denominazione: 'Senza paese' })),
      'BAD_USER_INPUT',
    );
    assert.equal(errorCode(await company({ pec: 'non-un-indirizzo' })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await company({ denominazione: 'x'.repeat(401) })), 'BAD_USER_INPUT');
    const before = await sql(env, 'select count(*)::int as n from correspondent');
    assert.equal(before[0]?.['n'], 3, 'refused inserts left nothing');
  });

  it('detects duplicates by codice fiscale, partita IVA, IPA code (+AOO/UO) and PEC, naming the entry', async () => {
    const cf = idOf(
      await create({
        kind: 'PERSONA_FISICA',
        name: 'Giulia',
        surname: 'Bianchi',
        codiceFiscale: 'BNCGLI90A41H501E',
      }),
    );
    const dupCf = await create({
      kind: 'PERSONA_FISICA',
      name: 'Giulia',
      surname: 'Bianchi bis',
      codiceFiscale: 'bncgli90a41h501e',
    });
    assert.equal(errorCode(dupCf), 'CORRESPONDENT_DUPLICATE');
    assert.deepEqual([ext(dupCf)['field'], ext(dupCf)['existingId']], ['codiceFiscale', cf]);

    const vat = piva(1_234_567);
    const company1 = idOf(await company({ partitaIva: vat }));
    const dupVat = await company({ partitaIva: vat });
    assert.deepEqual(
      [errorCode(dupVat), ext(dupVat)['field'], ext(dupVat)['existingId']],
      ['CORRESPONDENT_DUPLICATE', 'partitaIva', company1],
    );

    const pec = idOf(await company({ pec: 'ufficio@pec.ditta.example.it' }));
    const dupPec = await create({
      kind: 'PERSONA_FISICA',
      name: 'X',
      surname: 'Y',
      pec: 'UFFICIO@Pec.Ditta.Example.IT',
    });
    assert.deepEqual(
      [errorCode(dupPec), ext(dupPec)['field'], ext(dupPec)['existingId']],
      ['CORRESPONDENT_DUPLICATE', 'pec', pec],
    );

    const admin = {
      kind: 'AMMINISTRAZIONE_ITALIANA' as const,
      ipaCode: 'c_a390',
      codiceFiscale: '00177090511',
    };
    const comune = idOf(
      await create({
        ...admin,
        denominazione: 'Comune di Arezzo',
        pec: 'comune.arezzo@postacert.toscana.it',
      }),
    );
    // Its AOO and an office are entries of their own, with the administration's codice fiscale and PEC.
    const aoo = idOf(
      await create({
        ...admin,
        denominazione: 'Comune di Arezzo - AOO',
        aooCode: 'A1B2C3D',
        pec: 'comune.arezzo@postacert.toscana.it',
      }),
    );
    idOf(
      await create({
        ...admin,
        denominazione: 'Comune di Arezzo - Tributi',
        aooCode: 'A1B2C3D',
        uoCode: 'UF7TRB',
      }),
    );
    const dupIpa = await create({ ...admin, denominazione: 'Comune di Arezzo (bis)' });
    assert.deepEqual(
      [errorCode(dupIpa), ext(dupIpa)['field'], ext(dupIpa)['existingId']],
      ['CORRESPONDENT_DUPLICATE', 'ipaCode', comune],
    );
    const dupAoo = await create({ ...admin, denominazione: 'Altra AOO', aooCode: 'A1B2C3D' });
    assert.equal(ext(dupAoo)['existingId'], aoo);
    // Another administration may not reuse its codice fiscale.
    const otherAdmin = await create({
      kind: 'AMMINISTRAZIONE_ITALIANA',
      ipaCode: 'c_zzzz',
      denominazione: 'Altro',
      codiceFiscale: '00177090511',
    });
    assert.deepEqual(
      [errorCode(otherAdmin), ext(otherAdmin)['existingId']],
      ['CORRESPONDENT_DUPLICATE', comune],
    );

    // On edit too, and an entry is no duplicate of itself.
    const other = idOf(await company());
    const edit = await prot.request(UpdateCorrespondentDocument, { id: other, input: { partitaIva: vat } });
    assert.deepEqual([errorCode(edit), ext(edit)['existingId']], ['CORRESPONDENT_DUPLICATE', company1]);
    const self = await prot.request(UpdateCorrespondentDocument, {
      id: company1,
      input: { partitaIva: vat, city: 'Arezzo' },
    });
    assert.equal(self.errors, undefined);
    // A deactivated entry still holds its keys (reactivate it rather than insert it again).
    await prot.data(DeactivateCorrespondentDocument, { id: cf });
    const again = await create({
      kind: 'PERSONA_FISICA',
      name: 'Giulia',
      surname: 'Bianchi',
      codiceFiscale: 'BNCGLI90A41H501E',
    });
    assert.equal(ext(again)['existingId'], cf);
  });

  it('lets one of many concurrent inserts with the same key through; the others get the duplicate error', async () => {
    const vat = piva(9_876_543);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        create({ kind: 'PERSONA_GIURIDICA', denominazione: `Concorrente ${i}`, partitaIva: vat }),
      ),
    );
    const ok = results.filter((r) => r.errors === undefined);
    assert.equal(ok.length, 1);
    const winner = ok[0]?.data?.createCorrespondent.id;
    for (const r of results.filter((x) => x.errors !== undefined)) {
      assert.deepEqual(
        [errorCode(r), ext(r)['field'], ext(r)['existingId']],
        ['CORRESPONDENT_DUPLICATE', 'partitaIva', winner],
      );
    }
    const rows = await sql(env, 'select count(*)::int as n from correspondent where partita_iva = $1', [vat]);
    assert.equal(rows[0]?.['n'], 1);
  });

  it('never deletes: no mutation does it, SQL DELETE and TRUNCATE fail, versions are append-only', async () => {
    const fields = ((await prot.data(MutationFieldsDocument)).__schema.mutationType?.fields ?? []).map(
      (f) => f.name,
    );
    const mine = fields.filter((f) => /correspondent/i.test(f)).sort();
    assert.deepEqual(mine, [
      'createCorrespondent',
      'deactivateCorrespondent',
      'importIpaCorrespondents',
      'reactivateCorrespondent',
      'updateCorrespondent',
    ]);
    const id = idOf(await company());
    for (const [text, params] of [
      ['delete from correspondent where id = $1', [id]],
      ['truncate correspondent cascade', []],
      ['delete from correspondent_version where correspondent_id = $1', [id]],
      ["update correspondent_version set data = '{}' where correspondent_id = $1", [id]],
      ['truncate correspondent_version', []],
      // Any change of an entry is the next version, recorded: no silent rewrite.
      ["update correspondent set city = 'Altrove' where id = $1", [id]],
      ["update correspondent set kind = 'PERSONA_FISICA', version = version + 1 where id = $1", [id]],
    ] as const) {
      await assert.rejects(sql(env, text, [...params]), Error, text);
    }
    // A write in SQL that follows the rule is still recorded in the history by the database.
    await sql(env, "update correspondent set city = 'Siena', version = version + 1 where id = $1", [id]);
    const h = await sql<{ version: number; city: string }>(
      env,
      "select version, data->>'city' as city from correspondent_version where correspondent_id = $1 order by version",
      [id],
    );
    assert.deepEqual(h, [
      { version: 1, city: null },
      { version: 2, city: 'Siena' },
    ]);
  });

  it('keeps every version: edits, deactivation and reactivation, each with who and when', async () => {
    const id = idOf(
      await create({ kind: 'PERSONA_FISICA', name: 'Luigi', surname: 'Verdi', address: 'Via Roma 1' }),
    );
    const rgd = await env.asUser('rgd');
    const edited = await rgd.data(UpdateCorrespondentDocument, {
      id,
      input: { address: 'Via Milano 2', pec: 'luigi.verdi@pec.example.it' },
    });
    assert.equal(edited.updateCorrespondent.version, 2);
    assert.equal(edited.updateCorrespondent.updatedBy?.username, 'rgd');
    // Nothing changed: no new version.
    const same = await rgd.data(UpdateCorrespondentDocument, { id, input: { address: 'Via Milano 2' } });
    assert.equal(same.updateCorrespondent.version, 2);
    const cleared = await prot.data(UpdateCorrespondentDocument, { id, input: { pec: '' } });
    assert.equal(cleared.updateCorrespondent.pec, null);
    await prot.data(DeactivateCorrespondentDocument, { id });
    const inactive = await prot.request(UpdateCorrespondentDocument, { id, input: { address: 'x' } });
    assert.equal(errorCode(inactive), 'CORRESPONDENT_INACTIVE');
    const back = await prot.data(ReactivateCorrespondentDocument, { id });
    assert.deepEqual([back.reactivateCorrespondent.active, back.reactivateCorrespondent.version], [true, 5]);
    const h = (await prot.data(CorrespondentHistoryDocument, { id, last: 10 })).correspondent.versions;
    assert.deepEqual(
      h.map((v) => [v.version, v.change, v.address, v.pec, v.active, v.actor?.username]),
      [
        [5, 'REACTIVATED', 'Via Milano 2', null, true, 'protocollista'],
        [4, 'DEACTIVATED', 'Via Milano 2', null, false, 'protocollista'],
        [3, 'UPDATED', 'Via Milano 2', null, true, 'protocollista'],
        [2, 'UPDATED', 'Via Milano 2', 'luigi.verdi@pec.example.it', true, 'rgd'],
        [1, 'CREATED', 'Via Roma 1', null, true, 'protocollista'],
      ],
    );
    const two = (await prot.data(CorrespondentHistoryDocument, { id, last: 2 })).correspondent.versions;
    assert.deepEqual(
      two.map((v) => v.version),
      [5, 4],
    );
  });

  it('gives the snapshot of an entry as it is now; later edits leave an earlier copy unchanged', async () => {
    const id = idOf(await create({ kind: 'PERSONA_FISICA', name: 'Anna', surname: 'Costa', city: 'Torino' }));
    const em = env.platform.orm.em.fork();
    const first = await correspondentSnapshot({ em }, ids.aooId, id);
    assert.deepEqual(
      [first.displayName, first.city, first.version, first.kind],
      ['Costa Anna', 'Torino', 1, 'PERSONA_FISICA'],
    );
    const copy = JSON.stringify(first);
    await prot.data(UpdateCorrespondentDocument, { id, input: { city: 'Asti', surname: 'Costa Rossi' } });
    const now = await correspondentSnapshot({ em: env.platform.orm.em.fork() }, ids.aooId, id);
    assert.deepEqual([now.displayName, now.city, now.version], ['Costa Rossi Anna', 'Asti', 2]);
    assert.equal(JSON.stringify(first), copy, 'a plain object: the earlier copy is not a live view');
    await assert.rejects(correspondentSnapshot({ em }, randomUUID(), id), /not found/);
  });

  it('searches names with accents and case ignored, and by code and address', async () => {
    const a = idOf(
      await create({
        kind: 'PERSONA_FISICA',
        name: 'Niccolò',
        surname: 'Ruà',
        codiceFiscale: 'FRRGPP65M03D612B',
      }),
    );
    const b = idOf(
      await create({
        kind: 'PERSONA_GIURIDICA',
        denominazione: 'Studio Tecnico Bellè',
        partitaIva: piva(555_444),
      }),
    );
    const c = idOf(
      await create({
        kind: 'AMMINISTRAZIONE_ITALIANA',
        denominazione: 'Città Metropolitana di Zùrigo',
        ipaCode: 'cm_zu',
        aooCode: 'AZU0001',
        pec: 'protocollo@pec.cittametro.example.it',
      }),
    );
    const find = async (filter: CorrespondentFilter) =>
      (
        await prot.data(CorrespondentsDocument, { aooId: ids.aooId, first: 100, filter })
      ).correspondents.edges.map((e) => e.node.id);
    assert.deepEqual(await find({ text: 'RUA niccolo' }), [a]);
    assert.deepEqual(await find({ text: 'belle' }), [b]);
    assert.deepEqual(await find({ text: 'CITTÀ zurigo' }), [c]);
    assert.deepEqual(await find({ text: 'citta', kinds: ['PERSONA_FISICA'] }), []);
    assert.deepEqual(await find({ code: 'frrgpp65m03d612b' }), [a]);
    assert.deepEqual(await find({ code: piva(555_444) }), [b]);
    assert.deepEqual(await find({ code: 'CM_ZU' }), [c]);
    assert.deepEqual(await find({ code: 'azu0001' }), [c]);
    assert.deepEqual(await find({ address: 'PROTOCOLLO@pec.cittametro.example.it' }), [c]);
    assert.equal(
      errorCode(await prot.request(CorrespondentsDocument, { aooId: ids.aooId, filter: { text: 'a' } })),
      'BAD_USER_INPUT',
    );
    await prot.data(DeactivateCorrespondentDocument, { id: a });
    assert.deepEqual(await find({ text: 'rua', active: true }), []);
    assert.deepEqual(await find({ text: 'rua', active: false }), [a]);
  });

  it('pages the directory by name with a total count', async () => {
    const all = (await prot.data(CorrespondentsDocument, { aooId: ids.aooId, first: 100 })).correspondents;
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (let i = 0; i < 100; i++) {
      const page: CorrespondentsQuery = await prot.data(CorrespondentsDocument, {
        aooId: ids.aooId,
        first: 3,
        after,
      });
      assert.equal(page.correspondents.totalCount, all.totalCount);
      seen.push(...page.correspondents.edges.map((e) => e.node.id));
      if (!page.correspondents.pageInfo.hasNextPage) break;
      after = page.correspondents.pageInfo.endCursor;
    }
    assert.deepEqual(
      seen,
      all.edges.map((e) => e.node.id),
    );
    assert.equal(all.totalCount, all.edges.length);
    const names = all.edges.map((e) =>
      e.node.displayName.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(),
    );
    assert.deepEqual(
      names,
      [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
    );
  });

  it('publishes CorrespondentCreated/Updated only after the commit', async () => {
    const received: EventEnvelope[] = [];
    const committed: boolean[] = [];
    const subscription = env.platform.events.subscribe(CorrespondentCreated, CorrespondentUpdated);
    const iterator = subscription[Symbol.asyncIterator]();
    const pump = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const data = next.value.data as { correspondentId: string; version: number };
        const rows = await sql(
          env,
          'select 1 from correspondent_version where correspondent_id = $1 and version = $2',
          [data.correspondentId, data.version],
        );
        committed.push(rows.length > 0);
        received.push(next.value);
      }
    })();
    try {
      const id = idOf(await company({ denominazione: 'Eventi S.r.l.' }));
      await prot.data(UpdateCorrespondentDocument, { id, input: { city: 'Lucca' } });
      // A refused change publishes nothing.
      assert.equal(errorCode(await company({ partitaIva: '01234567890' })), 'INVALID_PARTITA_IVA');
      // A change that fails at commit drops its event.
      const failing = idOf(await company({ denominazione: 'Fallisce al commit' }));
      await sql(
        env,
        `create function test_refuse_at_commit() returns trigger language plpgsql as $$
         begin raise exception 'refused at commit (test)'; end $$;
         create constraint trigger test_refuse_at_commit after insert on correspondent_version
           deferrable initially deferred for each row when (new.correspondent_id = '${failing}' and new.version = 2)
           execute function test_refuse_at_commit();`,
      );
      const failed = await prot.request(UpdateCorrespondentDocument, {
        id: failing,
        input: { city: 'Pisa' },
      });
      assert.equal(errorCode(failed), 'INTERNAL_SERVER_ERROR');
      await sql(env, 'drop trigger test_refuse_at_commit on correspondent_version');
      for (let i = 0; i < 50 && received.length < 3; i++) await sleep(20);
      await sleep(200);
      assert.deepEqual(
        received.map((e) => [
          e.topic,
          (e.data as { correspondentId: string }).correspondentId,
          (e.data as { version: number }).version,
        ]),
        [
          ['rubrica.correspondent-created', id, 1],
          ['rubrica.correspondent-updated', id, 2],
          ['rubrica.correspondent-created', failing, 1],
        ],
      );
      assert.deepEqual(committed, [true, true, true]);
    } finally {
      await iterator.return?.();
      await pump;
    }
  });

  describe('IPA import', () => {
    const AMM = [
      'cod_amm\tdes_amm\tComune\tCap\tProvincia\tIndirizzo\tCf\tmail1\ttipo_mail1\tmail2\ttipo_mail2',
      'c_g702\tComune di Pisa\tPisa\t56125\tPI\tVia degli Uffizi 1\t00341620508\tcomune.pisa@postacert.toscana.it\tpec\tinfo@comune.pisa.it\taltro',
      'c_e715\tComune di Lucca\tLucca\t55100\tLU\tVia Santa Giustina 6\t00378210462\tcomune.lucca@postacert.toscana.it\tpec\t\t',
    ].join('\n');
    const AOO = [
      'Codice_IPA,Denominazione_ente,Codice_fiscale_ente,Codice_uni_aoo,Denominazione_aoo,CAP,Indirizzo,Mail1,Tipo_Mail1',
      'c_g702,Comune di Pisa,00341620508,AGP7K2X,Protocollo generale,56125,"Via degli Uffizi, 1",comune.pisa@postacert.toscana.it,Pec',
    ].join('\r\n');
    const importFile = (content: string) =>
      prot.request(ImportIpaCorrespondentsDocument, { input: { aooId: ids.aooId, content } });
    const countIpa = async () =>
      (
        await sql(
          env,
          `select count(*)::int as n from correspondent where ipa_code in ('c_g702', 'c_e715', 'c_x000')`,
        )
      )[0]?.['n'];

    it('imports administrations (tab) and AOOs (CSV), upserting by IPA code with versions only on change', async () => {
      const first = await importFile(AMM);
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      assert.deepEqual(first.data?.importIpaCorrespondents, {
        rows: 2,
        created: 2,
        updated: 0,
        unchanged: 0,
      });
      const pisa = (await prot.data(CorrespondentsDocument, { aooId: ids.aooId, filter: { code: 'c_g702' } }))
        .correspondents.edges;
      assert.equal(pisa.length, 1);
      const pisaId = pisa[0]?.node.id ?? '';
      const entry = (await prot.data(CorrespondentDocument, { id: pisaId })).correspondent;
      assert.deepEqual(
        [
          entry.kind,
          entry.denominazione,
          entry.codiceFiscale,
          entry.pec,
          entry.email,
          entry.city,
          entry.province,
          entry.postalCode,
        ],
        [
          'AMMINISTRAZIONE_ITALIANA',
          'Comune di Pisa',
          '00341620508',
          'comune.pisa@postacert.toscana.it',
          'info@comune.pisa.it',
          'Pisa',
          'PI',
          '56125',
        ],
      );
      // The same file again: nothing changes, no version.
      const again = await importFile(AMM);
      assert.deepEqual(again.data?.importIpaCorrespondents, {
        rows: 2,
        created: 0,
        updated: 0,
        unchanged: 2,
      });
      // A changed address: a new version of that entry only.
      const moved = await importFile(AMM.replace('Via degli Uffizi 1', 'Lungarno Galilei 43'));
      assert.deepEqual(moved.data?.importIpaCorrespondents, {
        rows: 2,
        created: 0,
        updated: 1,
        unchanged: 1,
      });
      const h = (await prot.data(CorrespondentHistoryDocument, { id: pisaId })).correspondent.versions;
      assert.deepEqual(
        h.map((v) => [v.version, v.change, v.address]),
        [
          [2, 'IMPORTED', 'Lungarno Galilei 43'],
          [1, 'IMPORTED', 'Via degli Uffizi 1'],
        ],
      );
      // The AOO file: an entry of its own (same codice fiscale and PEC as its administration).
      const aoo = await importFile(AOO);
      assert.equal(aoo.errors, undefined, JSON.stringify(aoo.errors));
      assert.deepEqual(aoo.data?.importIpaCorrespondents, { rows: 1, created: 1, updated: 0, unchanged: 0 });
      const found = (
        await prot.data(CorrespondentsDocument, { aooId: ids.aooId, filter: { code: 'AGP7K2X' } })
      ).correspondents.edges;
      assert.equal(found[0]?.node.displayName, 'Comune di Pisa - Protocollo generale');
      assert.equal(found[0]?.node.aooCode, 'AGP7K2X');
      const [audit] = await sql<{ changes: Record<string, unknown> }>(
        env,
        "select changes from audit_event where operation = 'correspondent.import-ipa' order by id desc limit 1",
      );
      assert.deepEqual(audit?.changes, { file: 'AOO', rows: 1, created: 1, updated: 0, unchanged: 0 });
    });

    it('imports nothing from a file with errors and reports every one with line and field', async () => {
      const before = await countIpa();
      const bad = [
        'cod_amm\tdes_amm\tCf\tmail1\ttipo_mail1',
        'c_x000\tComune nuovo\t00341620508\tnuovo@pec.example.it\tpec', // line 2: CF of Pisa (another administration)
        '\tSenza codice\t\t\t', // line 3: no IPA code
        'c_x001\t\t12345678901\t\t', // line 4: no name, bad CF check digit
        'c_x002\tDoppio\t\tnuovo@pec.example.it\tpec', // line 5: PEC of line 2
        'c_x000\tRipetuto\t\t\t', // line 6: same IPA code as line 2
        'c_x003\tTroppi campi\t\t\t\textra', // line 7: column count
        'c_x004\tPosta\t\tnon-una-pec\tpec', // line 8: bad address
      ].join('\n');
      const r = await importFile(bad);
      assert.equal(errorCode(r), 'IPA_IMPORT_INVALID');
      const errors = (ext(r)['errors'] as Array<{ line: number; field: string }>).map(
        (e) => `${e.line}:${e.field}`,
      );
      assert.deepEqual(errors, [
        '2:codiceFiscale',
        '3:ipaCode',
        '4:denominazione',
        '4:codiceFiscale',
        '5:pec',
        '6:ipaCode',
        '7:line',
        '8:pec',
      ]);
      assert.equal(await countIpa(), before, 'nothing imported');
      const noHeader = await importFile('nome,cognome\nMario,Rossi');
      assert.deepEqual(
        (ext(noHeader)['errors'] as Array<{ line: number; field: string }>).map(
          (e) => `${e.line}:${e.field}`,
        ),
        ['1:header'],
      );
      const big = await importFile(`cod_amm\tdes_amm\n${'x'.repeat(900_001)}`);
      assert.equal(errorCode(big), 'BAD_USER_INPUT');
      const manyRows = `cod_amm\tdes_amm\n${Array.from({ length: 5001 }, (_, i) => `c_r${i}\tEnte ${i}`).join('\n')}`;
      const tooMany = await importFile(manyRows);
      assert.equal(errorCode(tooMany), 'IPA_IMPORT_INVALID');
      assert.equal(
        (await sql(env, "select count(*)::int as n from correspondent where ipa_code like 'c_r%'"))[0]?.['n'],
        0,
      );
    });
  });

  it('reads a page of 5 or of 50 entries with their history in the same number of statements', async () => {
    const statements = async (first: number) =>
      (
        await traceSql(env, [], async () => {
          const r = await prot.data(CorrespondentsInFullDocument, { aooId: ids.aooId, first });
          assert.equal(r.correspondents.edges.length, first);
          assert.ok(r.correspondents.edges.every((e) => e.node.versions.length >= 1 && e.node.createdBy));
        })
      ).length;
    for (let i = 0; i < 50; i++) await company();
    const five = await statements(5);
    const fifty = await statements(50);
    assert.equal(fifty, five);
    assert.ok(five <= 8, `${five} statements`);
  });
});
