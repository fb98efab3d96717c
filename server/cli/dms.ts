import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TableNotFoundException } from '@mikro-orm/core';
import { bootstrap, startApp, type Runtime } from '../bootstrap.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createContext } from '../context.js';
import { EmbeddedDatabaseError } from '../db/embedded-postgres.js';
import { liveInstance, redactUrl, removeInstance, writeInstance } from '../db/instance-file.js';
import { migrate } from '../db/orm.js';
import { isDatabaseUnavailable } from '../db/outage.js';
import { seedDemo } from '../demo/seed-demo.js';
import { DomainError } from '../errors/domain-error.js';
import { createAppPubSub } from '../events/pubsub.js';
import { buildAppSchema, printAppSchema } from '../graphql/schema.js';
import { parseTtl } from '../auth/token-service.js';
import { Grants } from '../../schema/organisation/grants.js';
import { createPlatformAdmin } from '../../schema/organisation/platform-admin.service.js';
import { User } from '../../schema/organisation/user.entity.js';

const USAGE = `Usage: dms <command>

Commands:
  start                        start the server (embedded PostgreSQL and fs storage unless configured)
  migrate                      apply pending database migrations
  seed-demo                    load the demo municipality (idempotent)
  create-admin <username> --given-name N --family-name N [--email E] [--subject S]
                               create a platform administrator (the first user of a fresh database)
  token <username> [--ttl 8h]  print a bearer token for a user (local HS256 secret only)
  emit-schema [--out FILE]     write the GraphQL SDL (default schema/schema.graphql)

Every command reads the same environment as the server (DATABASE_URL or DATA_DIR, JWT_SECRET…).
`;

/** A failure the user can fix: printed as one line (no stack), with this exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(loadConfig());
      case 'migrate':
        return await withRuntime(loadConfig(), { prepareDatabase: false }, async (runtime) => {
          const applied = await migrate(runtime.platform.orm);
          console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'No pending migrations');
          return 0;
        });
      case 'seed-demo':
        return await withRuntime({ ...loadConfig(), seedDemo: false }, {}, async (runtime) => {
          const { blobs, clock } = runtime.platform;
          const loaded = await seedDemo(runtime.platform.orm.em.fork(), { documents: { blobs, clock } });
          console.log(loaded ? 'Demo data loaded' : 'Demo data already present');
          return 0;
        });
      case 'create-admin':
        return await createAdmin(rest);
      case 'token':
        return await token(rest);
      case 'emit-schema': {
        const { values } = parseArgs({
          args: rest,
          options: { out: { type: 'string', default: 'schema/schema.graphql' } },
        });
        const pubSub = createAppPubSub(undefined);
        await writeFile(values.out, printAppSchema(await buildAppSchema(pubSub.pubSub)));
        console.log(`Wrote ${values.out}`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`Unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
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
      console.error(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

/** Opens the database as the server does, runs `work`, closes; database problems become messages. */
async function withRuntime(
  config: Config,
  options: Parameters<typeof bootstrap>[1],
  work: (runtime: Runtime) => Promise<number>,
): Promise<number> {
  let runtime: Runtime;
  try {
    runtime = await bootstrap({ ...config, logLevel: 'warn' }, options);
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

async function start(config: Config): Promise<number> {
  const app = await startApp(config, { embeddedRole: 'owner' });
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
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await app.close();
  await removeInstance(config.dataDir, process.pid);
  logger.info('stopped');
  return 0;
}

async function token(args: string[]): Promise<number> {
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
  const config = loadConfig();
  if (config.auth.jwksUrl !== undefined) {
    throw new CliError(
      'JWT_JWKS_URL is set: tokens come from your identity provider; dms token signs only with a local HS256 secret (JWT_SECRET, or the development secret in DATA_DIR)',
      2,
    );
  }
  return withRuntime(config, { prepareDatabase: false, mayInitialise: false }, async (runtime) => {
    const user = await runtime.platform.orm.em.fork().findOne(User, { username });
    if (!user || !user.active) throw new CliError(`No active user "${username}" in ${where(config)}`);
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

async function createAdmin(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'given-name': { type: 'string' },
      'family-name': { type: 'string' },
      email: { type: 'string' },
      subject: { type: 'string' },
    },
  });
  const username = positionals[0];
  const givenName = values['given-name'];
  const familyName = values['family-name'];
  if (username === undefined || givenName === undefined || familyName === undefined) {
    throw new CliError(
      'Usage: dms create-admin <username> --given-name N --family-name N [--email E] [--subject S]',
      2,
    );
  }
  const config = loadConfig();
  return withRuntime(config, {}, async (runtime) => {
    const ctx = createContext(runtime.platform, null, Grants.NONE, {
      requestId: `cli-${randomUUID()}`,
      clientIp: null,
      userAgent: 'dms create-admin',
      baseUrl: config.publicUrl ?? '',
    });
    try {
      const user = await createPlatformAdmin(ctx, {
        username,
        givenName,
        familyName,
        email: values.email,
        subject: values.subject,
      });
      console.log(
        `Created platform administrator ${user.username} (id ${user.id}, identity-provider subject "${user.subject}")`,
      );
      return 0;
    } catch (e) {
      if (e instanceof DomainError) throw new CliError(e.message);
      throw e;
    }
  });
}
