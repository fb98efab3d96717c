import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import {
  ConservationColour,
  ConservationPackage,
  ConservationPackageChanged,
  createPackage,
  markPackageBuilt,
  PackageKind,
  recordItemOutcome,
  recordItemOutcomes,
  resendPackage,
  type CreatePackageInput,
} from '../../plugins/conservazione/package/index.js';
import { systemContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { SettableClock } from '../harness/clock.js';
import { conservationWorld, storeText, type ConservationWorld } from '../harness/conservazione-fixtures.js';
import { withClient } from '../harness/database.js';
import { inUnit, newDocument } from '../harness/fascicoli-fixtures.js';
import { sql } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const colours: Array<{ packageId: string; colour: string }> = [];
const probe = defineModule({
  name: 'conservation-probe',
  eventHandlers: [
    {
      event: ConservationPackageChanged,
      handle: (_ctx, e: DomainEvent<object>) => {
        const d = e.data as { packageId: string; colour: string };
        colours.push({ packageId: d.packageId, colour: d.colour });
        return Promise.resolve();
      },
    },
  ],
});

/**
 * The rules of packages and outcomes (plugins/conservazione/package), without the transfer:
 * jobs are off, outcomes are recorded as the transfer records them.
 */
describe('conservation packages', () => {
  const clock = new SettableClock('2025-06-15T10:00:00Z');
  let env: TestEnv;
  let world: ConservationWorld;

  const create = (input: CreatePackageInput) => inUnit(env, (tx) => createPackage(tx, input));
  const codeOf = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'resolved',
      (e: { extensions?: { code?: string } }) => String(e.extensions?.code),
    );
  const items = (packageId: string) =>
    sql<{ id: string; document_id: string; colour: string; fascicolo_id: string | null; position: number }>(
      env,
      'select id, document_id, colour, fascicolo_id, position from conservation_item where package_id = $1 order by position',
      [packageId],
    );
  const green = (itemId: string) =>
    inUnit(env, async (tx) =>
      recordItemOutcome(tx, itemId, {
        colour: ConservationColour.GREEN,
        outcomeCode: 'POSITIVO',
        conservatorId: `UD-${itemId}`,
        rapporto: await storeText(env, `<RapportoVersamento>${itemId}</RapportoVersamento>`),
        warnings: [],
        alreadyConserved: false,
      }),
    );
  const red = (itemId: string) =>
    inUnit(env, (tx) =>
      recordItemOutcome(tx, itemId, {
        colour: ConservationColour.RED,
        outcomeCode: 'NEGATIVO',
        reasons: [{ code: 'COMP-006-001', message: 'Hash non coincidente', componentId: '1' }],
      }),
    );

  before(async () => {
    env = await startTestEnv({
      clock,
      plugins: ['conservazione'],
      modules: [probe],
      env: { JOBS_ENABLED: 'false' },
    });
    world = await conservationWorld(env, clock);
  });
  after(async () => {
    await env?.close();
  });

  it('a closed fascicolo carries every document of its tree, in registration order, once', async () => {
    const tree = await world.tree(3, 2);
    const pkg = await create({
      kind: PackageKind.FASCICOLO,
      aooId: world.ids.aooId,
      fascicoloId: tree.fascicoloId,
    });
    assert.equal(pkg.kind, PackageKind.FASCICOLO);
    assert.equal(pkg.colour, ConservationColour.ORANGE);
    assert.match(pkg.label, /^Fascicolo 2025 - VI\/3\/1\.\d+ «Costruzione della nuova sede»$/);
    const rows = await items(pkg.id);
    assert.deepEqual(
      rows.map((r) => r.document_id),
      tree.documentIds,
    );
    assert.deepEqual(
      rows.map((r) => r.fascicolo_id),
      [...Array<string>(3).fill(tree.fascicoloId), ...Array<string>(2).fill(tree.sottofascicoloId)],
    );
    // The transfer is enqueued with it (jobs are off here: it waits in the queue).
    const queued = await sql<{ n: string }>(
      env,
      `select count(*) as n from pgboss.job where name = 'conservazione.transfer' and data->'data'->>'packageId' = $1`,
      [pkg.id],
    );
    assert.equal(Number(queued[0]?.n), 1);
    // Its documents wait in it: no second package carries them meanwhile.
    assert.equal(
      await codeOf(
        create({ kind: PackageKind.FASCICOLO, aooId: world.ids.aooId, fascicoloId: tree.fascicoloId }),
      ),
      'CONSERVATION_IN_PROGRESS',
    );
    assert.equal(
      await codeOf(
        create({
          kind: PackageKind.SERIES,
          aooId: world.ids.aooId,
          label: 'Serie',
          documentIds: [tree.documentIds[4] ?? ''],
        }),
      ),
      'CONSERVATION_IN_PROGRESS',
    );
  });

  it('refuses an open fascicolo, drafts, documents of others, and an empty choice', async () => {
    const open = await world.tree(1, 1, { oggetto: 'Ancora aperto', close: false });
    assert.equal(
      await codeOf(
        create({ kind: PackageKind.FASCICOLO, aooId: world.ids.aooId, fascicoloId: open.fascicoloId }),
      ),
      'CONSERVATION_FASCICOLO_NOT_CLOSED',
    );
    const draft = await newDocument(env, 'rpa.tecnico', world.ids.uor['TEC'] ?? '', 'Bozza');
    assert.equal(
      await codeOf(
        create({ kind: PackageKind.SERIES, aooId: world.ids.aooId, label: 'Bozze', documentIds: [draft] }),
      ),
      'CONSERVATION_UNIT_NOT_READY',
    );
    assert.equal(
      await codeOf(
        create({
          kind: PackageKind.SERIES,
          aooId: world.ids.aooId,
          label: 'Nulla',
          documentIds: [randomUUID()],
        }),
      ),
      'NOT_FOUND',
    );
    assert.equal(
      await codeOf(
        create({ kind: PackageKind.SERIES, aooId: world.ids.aooId, label: 'Vuota', documentIds: [] }),
      ),
      'CONSERVATION_EMPTY_PACKAGE',
    );
    assert.equal(
      await codeOf(
        create({ kind: PackageKind.SERIES, aooId: world.ids.aooId, label: '  ', documentIds: [draft] }),
      ),
      'BAD_USER_INPUT',
    );
    // The archivist sees what PROTOCOL_READ shows; a user without CONSERVATION_MANAGE builds nothing.
    const lettore = await userContext('lettore');
    const doc = await world.registeredDocument('Delibera 1');
    assert.equal(
      await codeOf(
        withTransaction(lettore, (tx) =>
          createPackage(tx, {
            kind: PackageKind.SERIES,
            aooId: world.ids.aooId,
            label: 'Delibere',
            documentIds: [doc],
          }),
        ),
      ),
      'FORBIDDEN',
    );
    const archivista = await userContext('archivista');
    const pkg = await withTransaction(archivista, (tx) =>
      createPackage(tx, {
        kind: PackageKind.SERIES,
        aooId: world.ids.aooId,
        label: 'Delibere',
        documentIds: [doc, doc],
      }),
    );
    assert.equal((await items(pkg.id)).length, 1, 'a document listed twice is carried once');
  });

  it('records each outcome once; the package is red if any is rejected, green when all are conserved', async () => {
    const docs = [
      await world.registeredDocument('Contratto 1'),
      await world.registeredDocument('Contratto 2'),
    ];
    const pkg = await create({
      kind: PackageKind.SERIES,
      aooId: world.ids.aooId,
      label: 'Contratti',
      documentIds: docs,
    });
    const [a, b] = await items(pkg.id);
    assert.ok(a && b);
    colours.length = 0;
    assert.equal(await green(a.id), true);
    assert.equal(await green(a.id), false, 'a duplicate answer changes nothing');
    assert.equal(await red(a.id), false, 'an outcome is final');
    assert.deepEqual(
      (await items(pkg.id)).map((r) => r.colour),
      ['GREEN', 'ORANGE'],
    );
    assert.equal((await reload(pkg.id)).colour, ConservationColour.ORANGE);
    assert.equal(await green(b.id), true);
    assert.equal((await reload(pkg.id)).colour, ConservationColour.GREEN);
    await eventsSettled();
    assert.deepEqual(colours, [{ packageId: pkg.id, colour: 'GREEN' }]);
    // Conserved: never sent again.
    assert.equal(
      await codeOf(
        create({ kind: PackageKind.SERIES, aooId: world.ids.aooId, label: 'Ancora', documentIds: docs }),
      ),
      'CONSERVATION_ALREADY_CONSERVED',
    );
  });

  it('outcomes recorded in one batch: each once, in order, audited each; the colour moves once', async () => {
    const docs = [
      await world.registeredDocument('Atto 1'),
      await world.registeredDocument('Atto 2'),
      await world.registeredDocument('Atto 3'),
    ];
    const pkg = await create({
      kind: PackageKind.SERIES,
      aooId: world.ids.aooId,
      label: 'Atti',
      documentIds: docs,
    });
    const [a, b, c] = await items(pkg.id);
    assert.ok(a && b && c);
    colours.length = 0;
    const conserved = async (itemId: string) => ({
      itemId,
      outcome: {
        colour: ConservationColour.GREEN as const,
        outcomeCode: 'POSITIVO',
        conservatorId: `UD-${itemId}`,
        rapporto: await storeText(env, `<RapportoVersamento>${itemId}</RapportoVersamento>`),
        warnings: [],
        alreadyConserved: false,
      },
    });
    const rejected = {
      itemId: b.id,
      outcome: {
        colour: ConservationColour.RED as const,
        outcomeCode: 'NEGATIVO',
        reasons: [{ code: 'COMP-006-001', message: 'Hash non coincidente', componentId: '1' }],
      },
    };
    const recorded = await inUnit(env, async (tx) =>
      recordItemOutcomes(tx, [await conserved(a.id), rejected, await conserved(a.id), await conserved(c.id)]),
    );
    assert.deepEqual(recorded, [true, true, false, true], 'the duplicate in the batch changes nothing');
    assert.deepEqual(
      (await items(pkg.id)).map((r) => r.colour),
      ['GREEN', 'RED', 'GREEN'],
    );
    const row = await reload(pkg.id);
    assert.deepEqual(
      { colour: row.colour, orange: row.orangeCount, red: row.redCount },
      { colour: ConservationColour.RED, orange: 0, red: 1 },
    );
    const audited = await sql<{ operation: string; n: string }>(
      env,
      `select operation, count(*) as n from audit_event
        where target_id in ($1, $2, $3, $4) group by operation`,
      [a.id, b.id, c.id, pkg.id],
    );
    assert.equal(audited.find((r) => r.operation === 'conservation.outcome')?.n, '3');
    assert.equal(audited.find((r) => r.operation === 'conservation.packageColour')?.n, '1');
    await eventsSettled();
    assert.deepEqual(colours, [{ packageId: pkg.id, colour: 'RED' }]);
  });

  it('the colour counters stay right under concurrent and duplicate outcomes, and on a resend', async () => {
    const counters = async (id: string) => {
      const [row] = await sql<{
        item_count: number;
        orange_count: number;
        red_count: number;
        colour: string;
      }>(env, 'select item_count, orange_count, red_count, colour from conservation_package where id = $1', [
        id,
      ]);
      const [real] = await sql<{ items: string; orange: string; red: string }>(
        env,
        `select count(*) as items, count(*) filter (where colour = 'ORANGE') as orange,
                count(*) filter (where colour = 'RED') as red from conservation_item where package_id = $1`,
        [id],
      );
      // What the counters say is what counting the items says.
      assert.deepEqual(
        [row?.item_count, row?.orange_count, row?.red_count],
        [Number(real?.items), Number(real?.orange), Number(real?.red)],
      );
      return row;
    };
    const docs: string[] = [];
    for (let i = 1; i <= 6; i++) docs.push(await world.registeredDocument(`Delibera ${i}`));
    const pkg = await create({
      kind: PackageKind.SERIES,
      aooId: world.ids.aooId,
      label: 'Delibere',
      documentIds: docs,
    });
    assert.deepEqual(await counters(pkg.id), {
      item_count: 6,
      orange_count: 6,
      red_count: 0,
      colour: 'ORANGE',
    });
    const all = await items(pkg.id);
    const [a, b, c, d, e, f] = all;
    assert.ok(a && b && c && d && e && f);
    // Outcomes of one package arrive at once (a transfer sends several documents together), the
    // same answer twice among them, and an item answered green and red at the same time.
    const results = await Promise.all([
      green(a.id),
      green(a.id),
      red(b.id),
      green(c.id),
      red(c.id),
      green(d.id),
      red(b.id),
    ]);
    assert.equal(results.filter(Boolean).length, 4, 'each item changes once');
    const mid = await counters(pkg.id);
    assert.equal(mid?.orange_count, 2);
    assert.equal(mid?.colour, ConservationColour.RED);
    await Promise.all([green(e.id), green(f.id), green(f.id)]);
    const done = await counters(pkg.id);
    assert.equal(done?.orange_count, 0);
    assert.equal(done?.colour, ConservationColour.RED, 'red stays red once every document answered');

    const again = await inUnit(env, (tx) => resendPackage(tx, pkg.id));
    const resent = await counters(again.id);
    assert.equal(resent?.colour, ConservationColour.ORANGE);
    assert.equal(resent?.item_count, done?.red_count, 'the rejected documents only');
    const waiting = await items(again.id);
    assert.equal(waiting.length, resent?.item_count);
    await Promise.all(waiting.map((w) => green(w.id)));
    assert.deepEqual(await counters(again.id), {
      item_count: waiting.length,
      orange_count: 0,
      red_count: 0,
      colour: 'GREEN',
    });
    assert.equal((await counters(pkg.id))?.colour, 'RED', 'the first package keeps its outcome');
    // What a package carries never changes: nor does its count.
    await assert.rejects(
      sql(env, 'update conservation_package set item_count = item_count + 1 where id = $1', [pkg.id]),
      /what it transfers never changes/,
    );
    await assert.rejects(
      sql(env, 'update conservation_package set orange_count = -1 where id = $1', [pkg.id]),
      /conservation_package_counts/,
    );
  });

  it('a red package is resent once its transfer finished, with its red documents only', async () => {
    const docs = [await world.registeredDocument('Atto A'), await world.registeredDocument('Atto B')];
    const pkg = await create({
      kind: PackageKind.SERIES,
      aooId: world.ids.aooId,
      label: 'Atti',
      documentIds: docs,
    });
    const [a, b] = await items(pkg.id);
    assert.ok(a && b);
    assert.equal(
      await codeOf(inUnit(env, (tx) => resendPackage(tx, pkg.id))),
      'CONSERVATION_PACKAGE_NOT_RED',
    );
    await red(a.id);
    assert.equal((await reload(pkg.id)).colour, ConservationColour.RED);
    assert.equal(
      await codeOf(inUnit(env, (tx) => resendPackage(tx, pkg.id))),
      'CONSERVATION_PACKAGE_NOT_RED',
      'not while a document still waits',
    );
    await green(b.id);
    const again = await inUnit(env, (tx) => resendPackage(tx, pkg.id));
    assert.equal(again.resentFromId, pkg.id);
    assert.equal(again.label, 'Atti (reinvio)');
    assert.deepEqual(
      (await items(again.id)).map((r) => r.document_id),
      [a.document_id],
    );
    assert.equal(
      await codeOf(inUnit(env, (tx) => resendPackage(tx, pkg.id))),
      'CONSERVATION_PACKAGE_NOT_RED',
    );
  });

  it('the database keeps packages and outcomes: no deletion, final outcomes, an immutable SIP, one green and one orange per document', async () => {
    const doc = await world.registeredDocument('Verbale');
    const pkg = await create({
      kind: PackageKind.SERIES,
      aooId: world.ids.aooId,
      label: 'Verbali',
      documentIds: [doc],
    });
    const [item] = await items(pkg.id);
    assert.ok(item);
    const blob = await storeText(env, '<x/>');
    await inUnit(env, (tx) =>
      markPackageBuilt(tx, pkg.id, {
        sip: blob,
        pindex: blob,
        items: [{ documentId: doc, key: { registro: 'REP', anno: 2025, numero: '1' }, descriptor: blob }],
      }),
    );
    await green(item.id);
    await withClient(env.databaseUrl, async (c) => {
      const refused = (text: string, params: unknown[], pattern: RegExp) =>
        assert.rejects(c.query(text, params), pattern, text);
      await refused('delete from conservation_item where id = $1', [item.id], /never deleted/);
      await refused('delete from conservation_package where id = $1', [pkg.id], /never deleted/);
      await refused(`update conservation_item set colour = 'RED' where id = $1`, [item.id], /is final/);
      await refused(
        `update conservation_item set rapporto_sha256 = repeat('0', 64) where id = $1`,
        [item.id],
        /is final/,
      );
      await refused(
        `update conservation_package set sip_sha256 = repeat('0', 64) where id = $1`,
        [pkg.id],
        /immutable/,
      );
      await refused(
        `update conservation_package set label = 'altro' where id = $1`,
        [pkg.id],
        /never changes/,
      );
      const other = await world.registeredDocument('In volo');
      const waiting = await create({
        kind: PackageKind.SERIES,
        aooId: world.ids.aooId,
        label: 'In volo',
        documentIds: [other],
      });
      // The conserved document, green a second time in another package.
      await refused(
        `insert into conservation_item (id, package_id, aoo_id, document_id, position, colour, outcome_at, rapporto_blob_key, rapporto_sha256)
         select gen_random_uuid(), $2, aoo_id, document_id, 1, 'GREEN', now(), rapporto_blob_key, rapporto_sha256
           from conservation_item where id = $1`,
        [item.id, waiting.id],
        /conservation_item_conserved_once/,
      );
      // The waiting document, waiting a second time in another package.
      await refused(
        `insert into conservation_item (id, package_id, aoo_id, document_id, position) values (gen_random_uuid(), $1, $2, $3, 1)`,
        [pkg.id, world.ids.aooId, other],
        /conservation_item_one_in_flight/,
      );
    });
  });

  it('a daily register moves with its package: in conservation, then conserved for good', async () => {
    // A register row as registro-giornaliero stores it (its production is that module's tests').
    const doc = await world.registeredDocument('Registro giornaliero di protocollo del 2025-06-14');
    const [register] = await sql<{ id: string }>(
      env,
      `insert into daily_register (id, aoo_id, day, identifier, document_id, xml_file_id, signature_file_id, sha256,
         signature_sha256, repertorio_entry_id, progressive, progressive_year, registration_count, annulment_count,
         change_count, produced_at)
       select gen_random_uuid(), $1, '2025-06-14', 'c_x000-ADEMO01-20250614', $2, f.file_id, f.file_id,
         repeat('a', 64), repeat('b', 64), gen_random_uuid(), 1, 2025, 0, 0, 0, now()
         from document_file f where f.document_id = $2 limit 1 returning id`,
      [world.ids.aooId, doc],
    );
    assert.ok(register);
    const state = async () =>
      (await sql<{ state: string }>(env, 'select state from daily_register where id = $1', [register.id]))[0]
        ?.state;
    const pkg = await create({
      kind: PackageKind.DAILY_REGISTER,
      aooId: world.ids.aooId,
      dailyRegisterId: register.id,
    });
    assert.equal(pkg.label, 'Registro giornaliero di protocollo del 2025-06-14 (c_x000-ADEMO01-20250614)');
    assert.equal(await state(), 'IN_CONSERVATION');
    const [item] = await items(pkg.id);
    assert.ok(item);
    await green(item.id);
    assert.equal(await state(), 'CONSERVED');
    await withClient(env.databaseUrl, (c) =>
      assert.rejects(
        c.query(`update daily_register set state = 'CONSERVATION_FAILED' where id = $1`, [register.id]),
        /state is final/,
      ),
    );
  });

  async function reload(id: string): Promise<ConservationPackage> {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    return ctx.em.findOneOrFail(ConservationPackage, { id });
  }

  async function userContext(username: string) {
    const ctx = await systemContext(env.platform, {
      actorId: world.ids.user[username] ?? '',
      requestId: randomUUID(),
      agent: 'test',
    });
    const grants = await env.platform.identity.grantsOf(ctx.em, world.ids.user[username] ?? '', '2025-06-15');
    return { ...ctx, grants, system: false };
  }

  async function eventsSettled(): Promise<void> {
    await env.platform.events.drain();
  }
});
