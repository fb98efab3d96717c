import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TableNotFoundException } from '@mikro-orm/core';
import { bootstrap, composePlatformModules, seedDemo, startApp, type Runtime } from '../bootstrap.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { EmbeddedDatabaseError } from '../db/embedded-postgres.js';
import { liveInstance, redactUrl, removeInstance, writeInstance } from '../db/instance-file.js';
import { migrate } from '../db/orm.js';
import { isDatabaseUnavailable } from '../db/outage.js';
import { createAppPubSub } from '../events/pubsub.js';
import { buildAppSchema, printAppSchema } from '../graphql/schema.js';
import { ModuleCompositionError } from '../modules/compose.js';
import type { CliCommand, DmsModule } from '../modules/module.js';
import { parseTtl } from '../auth/token-service.js';
import { stopSignal } from './stop-signal.js';
import { CliError } from './cli-error.js';
import { verifyExportFile } from '../audit/audit-export.js';

/** The platform's own commands; modules add theirs (a module may not take these names). */
const PLATFORM_COMMANDS: ReadonlyArray<Pick<CliCommand, 'name' | 'usage'>> = [
  { name: 'start', usage: 'start  start the server (embedded PostgreSQL and fs storage unless configured)' },
  { name: 'migrate', usage: 'migrate  apply pending database migrations' },
  { name: 'seed-demo', usage: 'seed-demo  load the demo municipality (idempotent)' },
  {
    name: 'token',
    usage: 'token <username> [--ttl 8h]  print a bearer token for a user (local HS256 secret only)',
  },
  {
    name: 'emit-schema',
    usage:
      'emit-schema [--out FILE] [--plugins a,b]  write the GraphQL SDL (default schema/schema.graphql), of the core modules and the plugins named (default: DMS_PLUGINS)',
  },
  {
    name: 'verify-audit-export',
    usage:
      'verify-audit-export FILE [--head SEQ:HASH]  verify an exported audit chain without the database (exit 1 when broken)',
  },
  { name: 'help', usage: 'help  this text' },
];

function usage(commands: ReadonlyArray<Pick<CliCommand, 'usage'>>): string {
  const lines = commands.map((c) => {
    const [synopsis = '', ...what] = c.usage.split('  ');
    return `  ${synopsis}\n      ${what.join('  ').trim()}`;
  });
  return `Usage: dms <command>

Commands:
${lines.join('\n')}

Every command reads the same environment as the server (DATABASE_URL or DATA_DIR, JWT_SECRET…).
`;
}

/**
 * `dms <command>`: the platform's commands and those of the modules (core modules given by the
 * entry point, plugins from DMS_PLUGINS).
 */
export async function main(argv: string[], coreModules: readonly DmsModule[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const config = loadConfig();
    const modules = await composePlatformModules(
      config,
      coreModules,
      PLATFORM_COMMANDS.map((c) => c.name),
    );
    const commands = [...PLATFORM_COMMANDS, ...modules.commands.map((c) => c.item)];
    switch (command) {
      case 'start':
        return await start(config, coreModules);
      case 'migrate':
        return await withRuntime(config, coreModules, { prepareDatabase: false }, async (runtime) => {
          const applied = await migrate(runtime.platform.orm);
          console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'No pending migrations');
          return 0;
        });
      case 'seed-demo':
        return await withRuntime({ ...config, seedDemo: false }, coreModules, {}, async (runtime) => {
          const loaded = await seedDemo(runtime.platform);
          console.log(loaded ? 'Demo data loaded' : 'Demo data already present');
          return 0;
        });
      case 'token':
        return await token(config, coreModules, rest);
      case 'emit-schema': {
        const { values } = parseArgs({
          args: rest,
          options: {
            out: { type: 'string', default: 'schema/schema.graphql' },
            plugins: { type: 'string' },
          },
        });
        // The plugin SDK (clients/sdk/generated/plugins.ts) is generated from the schema with the
        // plugins, whatever DMS_PLUGINS says where the command runs.
        const schemaModules =
          values.plugins === undefined
            ? modules
            : await composePlatformModules(
                {
                  ...config,
                  plugins: values.plugins
                    .split(',')
                    .map((p) => p.trim())
                    .filter((p) => p !== ''),
                },
                coreModules,
                PLATFORM_COMMANDS.map((c) => c.name),
              );
        const pubSub = createAppPubSub(undefined);
        await writeFile(values.out, printAppSchema(await buildAppSchema(schemaModules, pubSub.pubSub)));
        console.log(`Wrote ${values.out}`);
        return 0;
      }
      case 'verify-audit-export':
        return await verifyAuditExport(rest);
      case undefined:
      case 'help':
      case '--help':
        console.log(usage(commands));
        return command === undefined ? 2 : 0;
      default: {
        const moduleCommand = modules.commands.find((c) => c.item.name === command)?.item;
        if (!moduleCommand) {
          console.error(`Unknown command "${command}"\n\n${usage(commands)}`);
          return 2;
        }
        if (moduleCommand.offline) return await moduleCommand.run(rest, config);
        return await withRuntime(config, coreModules, {}, (runtime) =>
          moduleCommand.run(runtime.platform, rest),
        );
      }
    }
  } catch (e) {
    if (e instanceof ModuleCompositionError) {
      console.error(`Cannot compose the modules: ${e.message}`);
      return 78;
    }
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 78; // EX_CONFIG
    }
    if (e instanceof CliError) {
      console.error(e.message);
      return e.exitCode;
    }
    if (e instanceof EmbeddedDatabaseError) {
      console.error(e.message);
      return 1;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${e.message}\n\nRun "dms help" for the commands and their arguments.`);
      return 2;
    }
    throw e;
  }
}

/** `dms verify-audit-export FILE [--head SEQ:HASH]`: needs only the file (and the published head). */
async function verifyAuditExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { head: { type: 'string' } },
  });
  const file = positionals[0];
  if (file === undefined) throw new CliError('Usage: dms verify-audit-export FILE [--head SEQ:HASH]', 2);
  let head: { seq: string; hash: string } | undefined;
  if (values.head !== undefined) {
    const m = /^([1-9][0-9]*):([0-9a-f]{64})$/.exec(values.head);
    if (!m)
      throw new CliError(
        '--head is SEQ:HASH, e.g. 42:<64 hex digits> (as the daily register publishes it)',
        2,
      );
    head = { seq: m[1] ?? '', hash: m[2] ?? '' };
  }
  let report;
  try {
    report = await verifyExportFile(file, head);
  } catch (e) {
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
  console.log(JSON.stringify(report, null, 2));
  return report.ok ? 0 : 1;
}

/** Opens the database as the server does, runs `work`, closes; database problems become messages. */
async function withRuntime(
  config: Config,
  coreModules: readonly DmsModule[],
  options: Parameters<typeof bootstrap>[2],
  work: (runtime: Runtime) => Promise<number>,
): Promise<number> {
  let runtime: Runtime;
  try {
    // A command never reads the PEC mailboxes: the server does (one replica per mailbox).
    runtime = await bootstrap(
      { ...config, logLevel: 'warn', pecIngest: { ...config.pecIngest, enabled: false } },
      coreModules,
      options,
    );
  } catch (e) {
    throw databaseProblem(e, config);
  }
  try {
    return await work(runtime);
  } catch (e) {
    throw databaseProblem(e, config);
  } finally {
    await runtime.close();
  }
}

function where(config: Config): string {
  return config.databaseUrl
    ? `the database at ${redactUrl(config.databaseUrl)}`
    : `the embedded database in ${config.dataDir}`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function databaseProblem(e: unknown, config: Config): unknown {
  if (e instanceof TableNotFoundException) {
    return new CliError(
      `${capitalised(where(config))} has no platform tables: is it the server's database? Start the server once (it migrates), or run "dms migrate" against it`,
    );
  }
  if (isDatabaseUnavailable(e) || (e as { code?: unknown } | null)?.code === 'ECONNREFUSED') {
    return new CliError(
      `Cannot reach ${where(config)}: ${(e as Error).message}. Run this command with the server's DATABASE_URL (or DATA_DIR for the embedded database)`,
    );
  }
  return e;
}

async function start(config: Config, coreModules: readonly DmsModule[]): Promise<number> {
  // Before anything starts: a SIGTERM during startup, or the instant "ready" is printed, must stop
  // the server gracefully, not kill it with an embedded PostgreSQL left running (see stopSignal).
  const signal = stopSignal();
  let app;
  try {
    app = await startApp(config, coreModules, { embeddedRole: 'owner' });
  } catch (e) {
    signal.release();
    throw e;
  }
  const { logger } = app.platform;
  if (config.databaseUrl === undefined) {
    await writeInstance(config.dataDir, {
      pid: process.pid,
      url: app.server.url,
      startedAt: new Date().toISOString(),
      database: redactUrl(app.databaseUrl),
      tokenKey: app.platform.tokens.keyFingerprint,
    });
  }
  console.log(`\nGraphQL ready at ${app.server.url} (WebSocket on the same URL)`);
  if (config.seedDemo) {
    console.log('Demo users: admin, rgd, protocollista, rpa.ragioneria, rpa.tecnico, lettore, segretario');
    console.log('Get a token:  npx dms token protocollista');
    console.log(
      `First query:  curl -s ${app.server.url} -H "Authorization: Bearer $(npx dms token protocollista)" ` +
        `-H 'Content-Type: application/json' -d '{"query":"{ me { username } }"}'\n`,
    );
  }
  const received = await signal.received;
  // A second signal takes Node's default action: an operator's second Ctrl-C still forces the exit.
  signal.release();
  logger.info({ signal: received }, 'shutting down: finishing in-flight requests');
  await app.close();
  await removeInstance(config.dataDir, process.pid);
  logger.info('stopped');
  return 0;
}

async function token(config: Config, coreModules: readonly DmsModule[], args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ttl: { type: 'string', default: '8h' } },
  });
  const username = positionals[0];
  if (username === undefined) throw new CliError('Usage: dms token <username> [--ttl 8h]', 2);
  const ttl = parseTtl(values.ttl);
  if (ttl === null) {
    throw new CliError(
      `Invalid --ttl "${values.ttl}": a number followed by s, m, h or d, at most 30 days (e.g. 8h)`,
      2,
    );
  }
  if (config.auth.jwksUrl !== undefined) {
    throw new CliError(
      'JWT_JWKS_URL is set: tokens come from your identity provider; dms token signs only with a local HS256 secret (JWT_SECRET, or the development secret in DATA_DIR)',
      2,
    );
  }
  const options = { prepareDatabase: false, mayInitialise: false };
  return withRuntime(config, coreModules, options, async (runtime) => {
    const { platform } = runtime;
    const user = await platform.identity.findActive(platform.orm.em.fork(), { username });
    if (!user) throw new CliError(`No active user "${username}" in ${where(config)}`);
    const server = await liveInstance(config.dataDir);
    if (server && server.tokenKey !== runtime.platform.tokens.keyFingerprint) {
      throw new CliError(
        `The server running on DATA_DIR ${config.dataDir} (pid ${server.pid}, ${server.url}) verifies tokens with another key: run dms token with the server's JWT_SECRET`,
      );
    }
    console.log(await runtime.platform.tokens.issue(user.subject, ttl));
    return 0;
  });
}
