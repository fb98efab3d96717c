/**
 * The server of bench:register in a process of its own: the test environment's stack (a fresh
 * database with the demo organisation, the server on a free port). Prints one JSON line with
 * the GraphQL URL and the database URL; stops (dropping the database) on SIGTERM.
 */
import { startTestEnv } from '../test/harness/test-env.js';

const env = await startTestEnv({ env: { JWT_SECRET: process.env['BENCH_JWT_SECRET'] ?? '' } });
process.stdout.write(`${JSON.stringify({ graphqlUrl: env.graphqlUrl, databaseUrl: env.databaseUrl })}\n`);
process.once('SIGTERM', () => {
  void env.close().then(() => process.exit(0));
});
