import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import { ConservationItem, ConservationPackage } from '../../plugins/conservazione/package/index.js';
import {
  startConservatorSimulator,
  type ConservatorSimulator,
} from '../../plugins/conservazione/simulator/index.js';
import { DailyRegister, produceDailyRegister } from '../../schema/registro-giornaliero/index.js';
import { systemContext } from '../../server/context.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The daily register goes to conservation by itself: produced → a package → the transfer job
 * (jobs on, as in production) → the simulator → green, the register CONSERVED.
 */
describe('the daily register to conservation', () => {
  const clock = new SettableClock('2026-03-26T08:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let simulator: ConservatorSimulator;

  before(async () => {
    simulator = await startConservatorSimulator({ user: 'versatore', password: 'segreto' });
    env = await startTestEnv({
      clock,
      plugins: ['conservazione'],
      env: {
        CONSERVATION_URL: simulator.url,
        CONSERVATION_USER: 'versatore',
        CONSERVATION_PASSWORD: 'segreto',
        DAILY_REGISTER_TIME: '00:30',
        // As in production: the transfer job runs in the server's process.
        JOBS_ENABLED: 'true',
      },
    });
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
  });
  after(async () => {
    await env?.close();
    await simulator?.stop();
  });

  it('the register of a day reaches the conservator on its own and turns green', async () => {
    const prot = await env.asUser('protocollista');
    const [doc] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    await prot.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: doc ?? '',
        oggetto: 'Istanza di accesso agli atti',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi' }],
      },
    });
    clock.set('2026-03-27T06:00:00Z');
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    const { register } = await produceDailyRegister(ctx, ids.aooId, '2026-03-26');
    let state = '';
    for (let i = 0; i < 300 && state !== 'CONSERVED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state =
        (
          await sql<{ state: string }>(env, 'select state from daily_register where id = $1', [register.id])
        )[0]?.state ?? '';
    }
    const why = await sql<{ last_error: string | null; attempts: number }>(
      env,
      'select last_error, attempts from conservation_package where daily_register_id = $1',
      [register.id],
    );
    assert.equal(state, 'CONSERVED', JSON.stringify(why));
    const em = (await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' }))
      .em;
    const pkg = await em.findOneOrFail(ConservationPackage, { dailyRegisterId: register.id });
    assert.equal(pkg.colour, 'GREEN');
    const [item] = await em.find(ConservationItem, { packageId: pkg.id });
    assert.ok(item);
    assert.equal(item.documentId, register.documentId);
    assert.ok(
      simulator.conserved({ registro: item.registro ?? '', anno: item.anno ?? 0, numero: item.numero ?? '' }),
    );
    // A second production of the day is the same register: nothing new is sent.
    const again = await produceDailyRegister(ctx, ids.aooId, '2026-03-26');
    assert.equal(again.created, false);
    assert.equal(await em.count(ConservationPackage, { dailyRegisterId: register.id }), 1);
    void DailyRegister;
  });
});
