/**
 * A server of bench:audit in a process of its own: the test environment's stack (a fresh
 * database with the demo organisation, the server on a free port), with the extra configuration
 * in BENCH_SERVER_ENV (JSON, e.g. {"AUDIT_VIEWINGS":"false"}). Prints one JSON line with the
 * GraphQL URL and the database URL, then answers commands read from stdin, one JSON line each:
 * `sealer-start`, `sealer-stop`, `flush` (seal every pending row now), `verify` (flush, then
 * verify every chain and count the rows no link covers). Stops (dropping the database) on SIGTERM.
 */
import { createInterface } from 'node:readline';
import { verifyChain, type ChainReport } from '../server/audit/audit-verify.js';
import { startTestEnv } from '../test/harness/test-env.js';

const extra = JSON.parse(process.env['BENCH_SERVER_ENV'] ?? '{}') as Record<string, string>;
const env = await startTestEnv({ env: { JWT_SECRET: process.env['BENCH_JWT_SECRET'] ?? '', ...extra } });
const sealer = env.platform.auditSealer;

/** Every chain verified, and what no link covers: what bench:audit checks after its run. */
async function verify(): Promise<{ reports: ChainReport[]; rows: number; links: number; uncovered: number }> {
  await sealer.flush();
  const em = env.platform.orm.em.fork();
  const chains = await em.execute<Array<{ chain: string }>>(
    `select distinct coalesce(aoo_id::text, 'platform') as chain from audit_event
     union select distinct chain from audit_seal`,
  );
  const reports: ChainReport[] = [];
  for (const { chain } of chains) reports.push(await verifyChain(em, chain, { now: new Date() }));
  const [counts] = await em.execute<Array<{ rows: string; links: string; uncovered: string }>>(
    `select (select count(*) from audit_event) as rows, (select count(*) from audit_seal) as links,
            (select count(*) from audit_event e
              where not exists (select 1 from audit_seal s where s.audit_id = e.id)) as uncovered`,
  );
  return {
    reports,
    rows: Number(counts?.rows),
    links: Number(counts?.links),
    uncovered: Number(counts?.uncovered),
  };
}

const commands: Record<string, () => Promise<unknown>> = {
  'sealer-start': () => Promise.resolve(sealer.start()),
  'sealer-stop': () => sealer.stop(),
  flush: () => sealer.flush(),
  verify,
};

process.stdout.write(`${JSON.stringify({ graphqlUrl: env.graphqlUrl, databaseUrl: env.databaseUrl })}\n`);
// One command at a time, answered in order: the bench waits for each answer.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    const command = commands[line.trim()];
    try {
      if (!command) throw new Error(`unknown command ${line}`);
      process.stdout.write(`${JSON.stringify({ ok: true, result: (await command()) ?? null })}\n`);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: String(e) })}\n`);
    }
  });
});
process.once('SIGTERM', () => {
  void env.close().then(() => process.exit(0));
});
