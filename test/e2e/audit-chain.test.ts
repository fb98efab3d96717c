import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import {
  AnnotateProtocolDocument,
  AuditChainVerificationDocument,
  ProtocolRecordDocument,
  RegisterProtocolDocument,
  type AuditChainVerificationQuery,
} from '../../clients/sdk/generated/graphql.js';
import {
  linkHash,
  chainedRow,
  CHAINED_ROW_COLUMNS,
  SEAL_LOCK,
  type ChainedRowColumns,
} from '../../server/audit/audit-chain.js';
import { withClient } from '../harness/database.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { RawWsClient } from '../harness/ws-client.js';
import { DMS } from '../harness/server-process.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

type Report = AuditChainVerificationQuery['auditChainVerification'];

/**
 * The audit trail's hash chain: every row sealed into its AOO's chain after commit, unbroken
 * under 32 concurrent writers and readers; every kind of tampering (with the triggers disabled,
 * as a superuser can) named at its first bad link, in the database and from an export checked
 * without it; the same answer whatever the session's time zone and date style.
 */
describe('audit hash chain', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let dir: string;

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    dir = await mkdtemp(path.join(tmpdir(), 'dms-audit-'));
  });
  after(async () => {
    await env.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function verify(): Promise<Report> {
    await env.platform.auditSealer.flush();
    return (await rgd.data(AuditChainVerificationDocument, { aooId: ids.aooId })).auditChainVerification;
  }

  /**
   * As a superuser with the triggers off (session_replication_role = replica): what an intruder
   * can do. In one transaction holding the sealer's lock, as an intruder would stop the server.
   */
  const tamper = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> =>
    withClient(env.databaseUrl, async (c) => {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query('select pg_advisory_xact_lock($1)', [SEAL_LOCK]);
      try {
        const result = await fn(c);
        await c.query('commit');
        return result;
      } catch (e) {
        await c.query('rollback');
        throw e;
      }
    });

  async function registered(oggetto: string): Promise<string> {
    const [documentId] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    const p = await env.asUser('protocollista');
    const r = await p.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: documentId ?? '',
        oggetto,
        correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Impresa Srl' }],
      },
    });
    return r.registerProtocol.id;
  }

  /** The sealed link at a position of the demo AOO's chain (its audit row id). */
  const linkAt = async (seq: number): Promise<string> =>
    (
      await sql<{ audit_id: string }>(
        env,
        `select audit_id::text from audit_seal where chain = $1 and seq = $2`,
        [ids.aooId, seq],
      )
    )[0]?.audit_id ?? '';

  it('seals every row of the AOO into one unbroken chain, also under 32 concurrent writers and readers', async () => {
    const recordId = await registered('Catena di controllo');
    const protocollista = await env.asUser('protocollista');
    await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        i % 2 === 0
          ? protocollista.data(AnnotateProtocolDocument, { input: { id: recordId, text: `Nota ${i}` } })
          : protocollista.data(ProtocolRecordDocument, { id: recordId }),
      ),
    );
    const report = await verify();
    assert.equal(report.ok, true, report.reason ?? '');
    const rows = await sql<{ n: number }>(
      env,
      'select count(*)::int as n from audit_event where aoo_id = $1',
      [ids.aooId],
    );
    assert.equal(report.links, rows[0]?.n, 'every row of the AOO is a link');
    assert.equal(report.unsealed.length, 0);
    const positions = await sql<{ gaps: number }>(
      env,
      `select count(*)::int as gaps from (select seq, lag(seq) over (order by seq) as prev from audit_seal where chain = $1) s
        where prev is not null and seq <> prev + 1`,
      [ids.aooId],
    );
    assert.equal(positions[0]?.gaps, 0);
  });

  it("the application's role holds no UPDATE, DELETE or TRUNCATE on the trail and its chain", async () => {
    const grants = await sql<{ table_name: string; privilege_type: string }>(
      env,
      `select table_name, privilege_type from information_schema.role_table_grants
        where table_name in ('audit_event', 'audit_seal') and grantee in (current_user, 'PUBLIC')
        order by table_name, privilege_type`,
    );
    for (const table of ['audit_event', 'audit_seal']) {
      const held = grants.filter((g) => g.table_name === table).map((g) => g.privilege_type);
      assert.ok(held.includes('INSERT') && held.includes('SELECT'), `${table}: appends and reads`);
      for (const p of ['UPDATE', 'DELETE', 'TRUNCATE']) assert.ok(!held.includes(p), `${table}: no ${p}`);
    }
  });

  it('records refused credentials and the opening of live sessions', async () => {
    const refused = await fetch(env.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(refused.status, 401);
    const ws = await RawWsClient.open(env.wsUrl, { 'user-agent': 'desk/1.0' });
    ws.init(`Bearer ${await env.tokenFor('rpa.tecnico')}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.close();
    const rows = await sql<{
      operation: string;
      actor_username: string | null;
      target_id: string;
      user_agent: string;
    }>(
      env,
      `select operation, actor_username, target_id, user_agent from audit_event
        where operation like 'auth.%' and aoo_id is null order by id`,
    );
    assert.deepEqual(
      rows.map((r) => [r.operation, r.actor_username, r.target_id]),
      [
        ['auth.refused', null, '/graphql'],
        ['auth.session-open', 'rpa.tecnico', 'graphql-ws'],
      ],
    );
    assert.equal(rows[1]?.user_agent, 'desk/1.0');
  });

  it('is for auditors: others are refused, and each refusal is audited', async () => {
    const lettore = await env.asUser('lettore');
    assert.equal(
      errorCode(await lettore.request(AuditChainVerificationDocument, { aooId: ids.aooId })),
      'FORBIDDEN',
    );
    const protocollista = await env.asUser('protocollista');
    assert.equal(errorCode(await protocollista.request(AuditChainVerificationDocument, {})), 'FORBIDDEN');
    // Each refusal is itself in the trail (the platform-level chain), with who tried what.
    const refused = await sql<{ actor_username: string; target_id: string; code: string }>(
      env,
      `select actor_username, target_id, changes->>'code' as code from audit_event
        where operation = 'access.denied' and aoo_id is null order by id`,
    );
    assert.deepEqual(
      refused.map((r) => [r.actor_username, r.target_id, r.code]),
      [
        ['lettore', 'auditChainVerification', 'FORBIDDEN'],
        ['protocollista', 'auditChainVerification', 'FORBIDDEN'],
      ],
    );
    await env.platform.auditSealer.flush();
    const platformChain = await sql<{ n: number }>(
      env,
      `select count(*)::int as n from audit_seal s join audit_event e on e.id = s.audit_id
        where s.chain = 'platform' and e.operation = 'access.denied'`,
    );
    assert.equal(platformChain[0]?.n, 2);
  });

  it('names the first bad link when a row is changed, deleted, or links are reordered', async () => {
    assert.equal((await verify()).ok, true);
    const third = await linkAt(3);
    // A changed row.
    const original = await sql<{ operation: string }>(
      env,
      'select operation from audit_event where id = $1',
      [third],
    );
    await tamper((c) => c.query(`update audit_event set operation = 'document.read' where id = $1`, [third]));
    let report = await verify();
    assert.equal(report.ok, false);
    assert.equal(report.brokenAt, '3');
    assert.match(report.reason ?? '', /altered/);
    await tamper((c) =>
      c.query('update audit_event set operation = $2 where id = $1', [third, original[0]?.operation]),
    );
    assert.equal((await verify()).ok, true, 'restored');

    // A deleted row.
    const fifth = await linkAt(5);
    const saved = await sql(env, 'select * from audit_event where id = $1', [fifth]);
    await tamper((c) => c.query('delete from audit_event where id = $1', [fifth]));
    report = await verify();
    assert.equal(report.brokenAt, '5');
    assert.match(report.reason ?? '', /missing/);
    await tamper(async (c) => {
      const row = saved[0];
      const cols = Object.keys(row);
      await c.query(
        `insert into audit_event (${cols.join(', ')}) overriding system value values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        cols.map((k) => row[k]),
      );
    });
    assert.equal((await verify()).ok, true, 'restored');

    // Two links swapped.
    await tamper(async (c) => {
      await c.query(`update audit_seal set seq = 1000007 where chain = $1 and seq = 7`, [ids.aooId]);
      await c.query(`update audit_seal set seq = 7 where chain = $1 and seq = 8`, [ids.aooId]);
      await c.query(`update audit_seal set seq = 8 where chain = $1 and seq = 1000007`, [ids.aooId]);
    });
    report = await verify();
    assert.equal(report.brokenAt, '7');
    assert.match(report.reason ?? '', /does not follow/);
    await tamper(async (c) => {
      await c.query(`update audit_seal set seq = 1000007 where chain = $1 and seq = 7`, [ids.aooId]);
      await c.query(`update audit_seal set seq = 7 where chain = $1 and seq = 8`, [ids.aooId]);
      await c.query(`update audit_seal set seq = 8 where chain = $1 and seq = 1000007`, [ids.aooId]);
    });
    assert.equal((await verify()).ok, true, 'restored');
  });

  it('catches a forged link, and a rewritten tail against the published head (also from an export, without the database)', async () => {
    const before = await verify();
    assert.ok(before.ok && before.headSeq && before.headHash);
    const head = `${before.headSeq}:${before.headHash}`;
    // A forged row with a made-up link at the end of the chain.
    const next = Number(before.headSeq) + 1;
    await tamper(async (c) => {
      const row = await c.query<{ id: string }>(
        `insert into audit_event (occurred_at, aoo_id, operation, target_type, changes)
         values (now(), $1, 'protocol.annul', 'ProtocolRecord', '{}') returning id::text`,
        [ids.aooId],
      );
      await c.query(
        `insert into audit_seal (audit_id, chain, seq, prev_hash, hash) values ($1, $2, $3, $4, $5)`,
        [row.rows[0]?.id, ids.aooId, next, before.headHash, 'f'.repeat(64)],
      );
    });
    const forged = await verify();
    assert.equal(forged.brokenAt, String(next));
    assert.match(forged.reason ?? '', /altered/);

    // The intruder who knows the algorithm rewrites row 2 and every link after it.
    await tamper(async (c) => {
      await c.query(`delete from audit_seal where chain = $1 and seq = $2`, [ids.aooId, next]);
      const row2 = await linkAt(2);
      await c.query(`update audit_event set actor_username = 'nessuno' where id = $1`, [row2]);
      const links = await c.query<ChainedRowColumns & { seq: string; audit_id: string }>(
        `select s.seq::text as seq, s.audit_id::text as audit_id, ${CHAINED_ROW_COLUMNS}
           from audit_seal s join audit_event e on e.id = s.audit_id where s.chain = $1 order by s.seq`,
        [ids.aooId],
      );
      let prev: string | null = null;
      for (const l of links.rows) {
        const hash = linkHash({ chain: ids.aooId, seq: l.seq, prevHash: prev, row: chainedRow(l) });
        await c.query(`update audit_seal set prev_hash = $3, hash = $4 where chain = $1 and seq = $2`, [
          ids.aooId,
          l.seq,
          prev,
          hash,
        ]);
        prev = hash;
      }
    });
    const rewritten = await verify();
    assert.equal(rewritten.ok, true, 'inside the database alone a full rewrite is consistent');
    // The export, checked with only the file and the head the daily register published.
    const file = path.join(dir, 'chain.jsonl');
    const exported = await dms('audit-export', '--aoo', 'AOO_DEMO_PLACEHOLDER', '--out', file);
    assert.equal(exported.code, 0, exported.out);
    // Two checks of the same file, reading it only: together.
    const [checked, unanchored] = await Promise.all([
      dms('verify-audit-export', file, '--head', head),
      dms('verify-audit-export', file),
    ]);
    assert.equal(checked.code, 1, checked.out);
    const report = JSON.parse(checked.stdout) as { brokenAt: string; reason: string };
    assert.equal(report.brokenAt, before.headSeq);
    assert.match(report.reason, /published head/);
    assert.equal(unanchored.code, 0, 'without the head the rewrite is self-consistent');
  });

  it('names a row slipped in with a back date, even once the sealer has linked it', async () => {
    assert.equal((await verify()).ok, true);
    const forged = await tamper(async (c) => {
      const row = await c.query<{ id: string }>(
        `insert into audit_event (occurred_at, aoo_id, actor_username, operation, target_type, changes)
         values (now() - interval '1 day', $1, 'rgd', 'protocol.annul', 'ProtocolRecord', '{}') returning id::text`,
        [ids.aooId],
      );
      return row.rows[0]?.id ?? '';
    });
    const report = await verify(); // the sealer has linked it as a new row
    const seq = (
      await sql<{ seq: string }>(env, 'select seq::text from audit_seal where audit_id = $1', [forged])
    )[0]?.seq;
    assert.ok(seq, 'sealed');
    assert.equal(report.ok, false);
    assert.equal(report.brokenAt, seq);
    assert.match(report.reason ?? '', /back date/);
  });

  it('verifies the same whatever the session time zone and date style (dms verify-audit)', async () => {
    const dbName = new URL(env.databaseUrl).pathname.slice(1);
    const a = await dms('verify-audit', '--aoo', 'AOO_DEMO_PLACEHOLDER');
    await withClient(env.databaseUrl, (c) =>
      c.query(
        `alter database "${dbName}" set timezone to 'Pacific/Chatham'; alter database "${dbName}" set datestyle to 'SQL, DMY'`,
      ),
    );
    const b = await dms('verify-audit', '--aoo', 'AOO_DEMO_PLACEHOLDER');
    await withClient(env.databaseUrl, (c) =>
      c.query(`alter database "${dbName}" reset timezone; alter database "${dbName}" reset datestyle`),
    );
    assert.equal(a.code, b.code);
    assert.equal(a.stdout, b.stdout);
  });

  async function dms(...args: string[]): Promise<{ code: number | null; out: string; stdout: string }> {
    const code =
      (await sql<{ code: string }>(env, 'select code from aoo where id = $1', [ids.aooId]))[0]?.code ?? '';
    const real = args.map((a) => (a === 'AOO_DEMO_PLACEHOLDER' ? code : a));
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [DMS, ...real], {
        env: {
          ...process.env,
          DATABASE_URL: env.databaseUrl,
          DATA_DIR: dir,
          JWT_SECRET: 'x'.repeat(64),
          LOG_LEVEL: 'warn',
          SEED_DEMO: 'false',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (c) => resolve({ code: c, out: stdout + stderr, stdout }));
    });
  }
});
