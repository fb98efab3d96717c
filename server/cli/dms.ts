import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { bootstrap, startApp } from '../bootstrap.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { migrate } from '../db/orm.js';
import { seedDemo } from '../demo/seed-demo.js';
import { createAppPubSub } from '../events/pubsub.js';
import { buildAppSchema, printAppSchema } from '../graphql/schema.js';
import { parseTtl } from '../auth/token-service.js';
import { User } from '../../schema/organisation/user.entity.js';

const USAGE = `Usage: dms <command>

Commands:
  start                        start the server (embedded PostgreSQL and fs storage unless configured)
  migrate                      apply pending database migrations
  seed-demo                    load the demo municipality (idempotent)
  token <username> [--ttl 8h]  print a bearer token for a user (local HS256 secret only)
  emit-schema [--out FILE]     write the GraphQL SDL (default schema/schema.graphql)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(loadConfig());
      case 'migrate': {
        const runtime = await bootstrap(loadConfig(), { prepareDatabase: false });
        try {
          const applied = await migrate(runtime.platform.orm);
          console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'No pending migrations');
        } finally {
          await runtime.close();
        }
        return 0;
      }
      case 'seed-demo': {
        const runtime = await bootstrap({ ...loadConfig(), seedDemo: false });
        try {
          console.log(
            (await seedDemo(runtime.platform.orm.em.fork()))
              ? 'Demo data loaded'
              : 'Demo data already present',
          );
        } finally {
          await runtime.close();
        }
        return 0;
      }
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
    throw e;
  }
}

async function start(config: Config): Promise<number> {
  const app = await startApp(config);
  const { logger } = app.platform;
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
  if (username === undefined) {
    console.error('Usage: dms token <username> [--ttl 8h]');
    return 2;
  }
  const ttl = parseTtl(values.ttl);
  const runtime = await bootstrap({ ...loadConfig(), logLevel: 'warn' }, { prepareDatabase: false });
  try {
    const user = await runtime.platform.orm.em.fork().findOne(User, { username });
    if (!user || !user.active) {
      console.error(`No active user "${username}"`);
      return 1;
    }
    console.log(await runtime.platform.tokens.issue(user.subject, ttl));
    return 0;
  } finally {
    await runtime.close();
  }
}
