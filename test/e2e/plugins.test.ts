import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateDocumentDocument } from '../../clients/sdk/generated/graphql.js';
import { coreModules } from '../../schema/modules.js';
import { definePermission } from '../../server/auth/permissions.js';
import { DomainEvent } from '../../server/events/domain-event.js';
import { composeModules } from '../../server/modules/compose.js';
import { defineModule, type DmsModule } from '../../server/modules/module.js';
import { loadPlugins } from '../../server/modules/plugins.js';
import {
  demoIds,
  errorCode,
  gql,
  sleep,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { run } from '../harness/server-process.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const PLUGINS_DIR = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/*
 * The plugin's operations are not in clients/sdk: the SDK is generated from the core schema,
 * and a plugin extends the schema of the deployments that load it. They are sent as text here.
 */
const REGISTER = `mutation($aooId: ID!, $visitor: String!) { registerVisit(aooId: $aooId, visitor: $visitor) { id number year visitor } }`;
const VISITS = `query($aooId: ID!) { visits(aooId: $aooId) { visitor number greetedAt } }`;

/**
 * A plugin from a test fixture (test/fixtures/plugins/visite), loaded by name through
 * DMS_PLUGINS like pec or conservazione will be, using every part of the module contract.
 */
describe('a plugin through the module contract', () => {
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv({
      env: { DMS_PLUGINS: 'visite', DMS_PLUGINS_DIR: PLUGINS_DIR, JOBS_ENABLED: 'true' },
    });
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  it('contributes its migration, query, mutation, permission and error code to the schema', async () => {
    const tables = await sql<{ name: string }>(
      env,
      `select name from mikro_orm_migrations where name like '%visite%'`,
    );
    assert.deepEqual(
      tables.map((t) => t.name),
      ['Migration20261204100001_visite'],
    );
    const r = await env.anonymous.data<{
      permission: { enumValues: Array<{ name: string; description: string }> };
      codes: { enumValues: Array<{ name: string }> };
      query: { fields: Array<{ name: string; description: string }> };
    }>(`{
      permission: __type(name: "Permission") { enumValues { name description } }
      codes: __type(name: "ErrorCode") { enumValues { name } }
      query: __type(name: "Query") { fields { name description } }
    }`);
    assert.ok(
      r.permission.enumValues.some((v) => v.name === 'VISITE_REGISTER' && /front desk/.test(v.description)),
    );
    assert.ok(r.codes.enumValues.some((v) => v.name === 'VISITOR_BANNED'));
    const visits = r.query.fields.find((f) => f.name === 'visits');
    assert.match(visits?.description ?? '', /Access: needs VISITE_REGISTER/);
  });

  it('numbers visits through the numbering module, grants its permission to the profiles it names', async () => {
    const first = await gql(env, 'protocollista', REGISTER, { aooId: ids.aooId, visitor: 'Ada' });
    const second = await gql(env, 'protocollista', REGISTER, { aooId: ids.aooId, visitor: 'Bruno' });
    const year = Number(
      new Intl.DateTimeFormat('en', { timeZone: 'Europe/Rome', year: 'numeric' }).format(
        env.platform.clock.now(),
      ),
    );
    assert.deepEqual(
      [first.data, second.data].map(
        (d) => (d as { registerVisit: { number: number; year: number } }).registerVisit,
      ),
      [
        {
          id: (first.data as { registerVisit: { id: string } }).registerVisit.id,
          number: 1,
          year,
          visitor: 'Ada',
        },
        {
          id: (second.data as { registerVisit: { id: string } }).registerVisit.id,
          number: 2,
          year,
          visitor: 'Bruno',
        },
      ],
    );
    // lettore (READ_ONLY) does not hold the plugin's permission.
    assert.equal(
      errorCode(await gql(env, 'lettore', REGISTER, { aooId: ids.aooId, visitor: 'Carla' })),
      'FORBIDDEN',
    );
  });

  it('a refused registration (its typed error names the field) leaves no visit, number, audit row or job', async () => {
    const jobs = async () =>
      Number(
        (await sql<{ n: string }>(env, `select count(*) as n from pgboss.job where name = 'visite.greet'`))[0]
          ?.n,
      );
    const before = await jobs();
    const refused = await gql(env, 'protocollista', REGISTER, { aooId: ids.aooId, visitor: 'Mallory' });
    assert.equal(errorCode(refused), 'VISITOR_BANNED');
    assert.equal(refused.errors?.[0]?.extensions?.['field'], 'visitor');
    assert.equal((await sql(env, `select 1 from visite_visit where visitor = 'Mallory'`)).length, 0);
    assert.equal(
      (
        await sql(
          env,
          `select 1 from audit_event where operation = 'visit.register' and changes->>'visitor' = 'Mallory'`,
        )
      ).length,
      0,
    );
    assert.equal(await jobs(), before, 'the job enqueued in the rolled-back transaction is gone');
    const next = await gql(env, 'protocollista', REGISTER, { aooId: ids.aooId, visitor: 'Dario' });
    assert.equal(
      (next.data as { registerVisit: { number: number } }).registerVisit.number,
      3,
      'no number was lost',
    );
  });

  it('runs the job enqueued by each committed registration once, as the system on behalf of the user, audited', async () => {
    const registered = await gql(env, 'protocollista', REGISTER, { aooId: ids.aooId, visitor: 'Elena' });
    const visitId = (registered.data as { registerVisit: { id: string } }).registerVisit.id;
    await until('the greeting', async () => {
      const r = await gql(env, 'protocollista', VISITS, { aooId: ids.aooId });
      const elena = (r.data as { visits: Array<{ visitor: string; greetedAt: string | null }> }).visits.find(
        (v) => v.visitor === 'Elena',
      );
      return elena?.greetedAt ?? undefined;
    });
    await sleep(500); // a second run, if there were one, would have had time
    const jobs = await sql<{ state: string }>(
      env,
      `select state from pgboss.job where name = 'visite.greet' and data->'data'->>'visitId' = $1`,
      [visitId],
    );
    assert.deepEqual(
      jobs.map((j) => j.state),
      ['completed'],
    );
    const audit = await sql<{
      operation: string;
      actor_username: string;
      request_id: string;
      user_agent: string;
    }>(
      env,
      `select operation, actor_username, request_id, user_agent from audit_event where target_id = $1 order by occurred_at`,
      [visitId],
    );
    assert.equal(audit.length, 2);
    const [register, greet] = audit;
    assert.equal(register?.operation, 'visit.register');
    assert.deepEqual(
      {
        operation: greet?.operation,
        actor: greet?.actor_username,
        agent: greet?.user_agent,
        request: greet?.request_id,
      },
      {
        operation: 'visit.greet',
        actor: 'protocollista',
        agent: 'job visite.greet',
        request: register?.request_id,
      },
    );
  });

  it('retries a failed job after a delay, and then it completes', async () => {
    const registered = await gql(env, 'protocollista', REGISTER, { aooId: ids.aooId, visitor: 'Flaky' });
    const visitId = (registered.data as { registerVisit: { id: string } }).registerVisit.id;
    const job = await until('the retried job to complete', async () => {
      const rows = await sql<{ state: string; retry_count: number; started_on: Date; created_on: Date }>(
        env,
        `select state, retry_count, started_on, created_on from pgboss.job where name = 'visite.greet' and data->'data'->>'visitId' = $1`,
        [visitId],
      );
      return rows[0]?.state === 'completed' ? rows : undefined;
    });
    assert.equal(job.length, 1, 'one job, retried in place');
    assert.equal(job[0]?.retry_count, 1);
    const greet = await sql(
      env,
      `select 1 from audit_event where operation = 'visit.greet' and target_id = $1`,
      [visitId],
    );
    assert.equal(greet.length, 1, 'the failed attempt left no audit row');
  });

  it("reacts to another module's event after its commit", async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('visto dal plugin'), 'atto.pdf');
    const created = await gql(env, 'protocollista', CreateDocumentDocument, {
      input: { uorId: ids.uor['PROT'] ?? '', primaryFileId: file.id, oggetto: 'Visto', attachments: [] },
    });
    const id = created.data?.createDocument.id ?? '';
    const seen = await until('the handler', async () => {
      const rows = await sql<{ aoo_id: string }>(
        env,
        'select aoo_id from visite_document_seen where document_id = $1',
        [id],
      );
      return rows[0];
    });
    assert.equal(seen.aoo_id, ids.aooId);
  });
});

describe('the host refuses plugins that clash, naming both parties', () => {
  const compose = (plugin: Partial<DmsModule>) => () =>
    composeModules([...coreModules, defineModule({ name: 'intruso', ...plugin })]);

  it('refuses a second module of a name', () => {
    assert.throws(
      compose({ name: 'documents' }),
      /Module documents is declared by both module documents and module documents/,
    );
  });

  it('refuses a permission or an error code another module (or the platform) declares', () => {
    const orgAdmin = definePermission({ name: 'ORG_ADMIN', description: 'x', scope: 'AOO', profiles: [] });
    assert.throws(
      compose({ permissions: [orgAdmin] }),
      /Permission ORG_ADMIN is declared by both module organisation and module intruso/,
    );
    assert.throws(
      compose({ errorCodes: [{ code: 'NOT_FOUND', httpStatus: 404, description: 'x' }] }),
      /Error code NOT_FOUND is declared by both the platform and module intruso/,
    );
    assert.throws(
      compose({ errorCodes: [{ code: 'UOR_CYCLE', httpStatus: 409, description: 'x' }] }),
      /Error code UOR_CYCLE is declared by both module organisation and module intruso/,
    );
  });

  it('refuses migrations out of order, or named like another module’s', () => {
    const m = (name: string) => ({ name, class: class {} as never });
    assert.throws(
      compose({ migrations: [m('Migration20270101000002_b'), m('Migration20270101000001_a')] }),
      /Migrations of module intruso are out of order: Migration20270101000001_a comes after Migration20270101000002_b/,
    );
    assert.throws(
      compose({ migrations: [m('Migration20261123000001_organisation')] }),
      /Migration Migration20261123000001_organisation is declared by both module organisation and module intruso/,
    );
  });

  it('refuses a job outside its namespace, a topic or command taken, a profile that does not exist', () => {
    assert.throws(
      compose({ jobs: [{ name: 'documents.blob-scrub', run: () => Promise.resolve() }] }),
      /Job "documents.blob-scrub" of module intruso must be named intruso.<what>/,
    );
    assert.throws(
      compose({
        events: [
          class AlsoCreated extends DomainEvent<{ id: string }> {
            static override readonly topic = 'documents.created';
          },
        ],
      }),
      /Event topic documents.created is declared by both module documents and module intruso/,
    );
    assert.throws(
      () =>
        composeModules(
          [
            ...coreModules,
            defineModule({
              name: 'intruso',
              commands: [{ name: 'start', usage: 'start', run: () => Promise.resolve(0) }],
            }),
          ],
          ['start'],
        ),
      /Command start is declared by both the platform and module intruso/,
    );
    const guard = definePermission({
      name: 'GUARDIA',
      description: 'x',
      scope: 'AOO',
      profiles: ['GUARDIANO'],
    });
    assert.throws(
      compose({ permissions: [guard] }),
      /Permission GUARDIA names profile GUARDIANO, which module organisation does not define/,
    );
  });

  it('refuses a plugin it cannot find, or one whose name is not its folder’s', async () => {
    await assert.rejects(
      loadPlugins(['inesistente'], PLUGINS_DIR),
      /Plugin inesistente \(DMS_PLUGINS\) not found/,
    );
    await assert.rejects(
      loadPlugins(['visite'], fileURLToPath(new URL('../fixtures/', import.meta.url))),
      /not found/,
    );
  });

  it('dms stops with the reason when DMS_PLUGINS names a missing plugin', async () => {
    const r = await run(['help'], {
      DMS_PLUGINS: 'inesistente',
      DMS_PLUGINS_DIR: PLUGINS_DIR,
      DATABASE_URL: '',
      JWT_SECRET: '',
    });
    assert.equal(r.code, 78, r.out);
    assert.match(r.out, /Cannot compose the modules: Plugin inesistente \(DMS_PLUGINS\) not found/);
  });
});
