import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../../server/config.js';

/**
 * The deployment files are checked statically (no Docker engine in CI): docker-compose.yml must
 * give the app a configuration that the app's own loader accepts in production, and the
 * Dockerfile must build a non-root image that starts the server.
 */

// Compiled to dist/test/e2e/: the project root is three levels up.
const ROOT = new URL('../../../', import.meta.url);

type Env = Record<string, string>;
type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dict(v: unknown, where: string): Dict {
  assert.ok(isDict(v), `${where} must be a mapping`);
  return v;
}

function str(v: unknown, where: string): string {
  assert.equal(typeof v, 'string', `${where} must be a string`);
  return v as string;
}

/** Placeholder for `${VAR:?message}`: compose refuses to start without VAR, a deployment sets it. */
const REQUIRED_PLACEHOLDER = 'set-by-the-deployment-0123456789abcdef0123456789abcdef';

/**
 * Compose interpolation as it resolves with none of the variables set in the shell:
 * `${VAR:-default}` and `${VAR-default}` give the default, `${VAR:?msg}` a value the deployment
 * must provide, `${VAR}`, `$VAR` and `${VAR:+alt}` an empty string, `$$` a literal `$`.
 */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match: string, _name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (match === '$$') return '$';
      if (op === '-') return arg ?? '';
      if (op === '?') return REQUIRED_PLACEHOLDER;
      return '';
    },
  );
}

/** A service's `environment` (mapping or list form), raw (not interpolated). */
function rawEnvironment(service: Dict, where: string): Env {
  const env: Env = {};
  const raw = service['environment'];
  if (raw === undefined) return env;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const text = str(entry, `${where}.environment[]`);
      const eq = text.indexOf('=');
      if (eq > 0) env[text.slice(0, eq)] = text.slice(eq + 1);
    }
    return env;
  }
  for (const [key, value] of Object.entries(dict(raw, `${where}.environment`))) {
    if (value === null || value === undefined) continue; // passed through from the shell: unset here
    assert.ok(
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean',
      `${where}.environment.${key} must be a scalar`,
    );
    env[key] = String(value);
  }
  return env;
}

function resolvedEnvironment(service: Dict, where: string): Env {
  return Object.fromEntries(
    Object.entries(rawEnvironment(service, where)).map(([k, v]) => [k, interpolate(v)]),
  );
}

/** `30s`, `1m30s`, `500ms` → milliseconds (compose durations). */
function durationMs(value: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  const rest = value.replace(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g, (_m: string, n: string, unit: string) => {
    total += Number(n) * (units[unit] ?? NaN);
    return '';
  });
  assert.equal(rest, '', `"${value}" is not a compose duration`);
  return total;
}

/** Text of a healthcheck `test` (list or string form). */
function healthcheckText(service: Dict, where: string): string {
  const hc = dict(service['healthcheck'], `${where}.healthcheck`);
  assert.notEqual(hc['disable'], true, `${where}.healthcheck is disabled`);
  const test = hc['test'];
  const parts = Array.isArray(test)
    ? test.map((p, i) => str(p, `${where}.healthcheck.test[${i}]`))
    : [str(test, `${where}.healthcheck.test`)];
  assert.ok(parts.length > 0 && parts[0] !== 'NONE', `${where}.healthcheck.test must run a check`);
  return parts.join(' ');
}

function commandText(service: Dict, where: string): string {
  const cmd = service['command'];
  if (Array.isArray(cmd)) return cmd.map((p, i) => str(p, `${where}.command[${i}]`)).join(' ');
  return str(cmd, `${where}.command`);
}

interface Mount {
  source: string | undefined;
  target: string;
  named: boolean;
}

function mounts(service: Dict, where: string): Mount[] {
  const raw = service['volumes'];
  if (raw === undefined) return [];
  assert.ok(Array.isArray(raw), `${where}.volumes must be a list`);
  return raw.map((entry: unknown, i) => {
    let source: string | undefined;
    let target: string;
    let type = 'volume';
    if (typeof entry === 'string') {
      const parts = entry.split(':');
      if (parts.length === 1) {
        target = parts[0] ?? '';
      } else {
        source = parts[0];
        target = parts[1] ?? '';
      }
    } else {
      const long = dict(entry, `${where}.volumes[${i}]`);
      type = str(long['type'] ?? 'volume', `${where}.volumes[${i}].type`);
      source =
        long['source'] === undefined ? undefined : str(long['source'], `${where}.volumes[${i}].source`);
      target = str(long['target'], `${where}.volumes[${i}].target`);
    }
    const isPath = source !== undefined && /^[./~]/.test(source);
    return { source, target, named: type === 'volume' && source !== undefined && !isPath };
  });
}

const composeText = readFileSync(new URL('docker-compose.yml', ROOT), 'utf8');
const composeDoc: unknown = parse(composeText);
const compose = dict(composeDoc, 'docker-compose.yml');
const services = dict(compose['services'], 'services');
const service = (name: string): Dict => dict(services[name], `services.${name}`);

describe('docker-compose.yml', () => {
  it('declares PostgreSQL 16, MinIO, the bucket init and the app', () => {
    for (const name of ['postgres', 'minio', 'minio-init', 'app']) {
      assert.ok(isDict(services[name]), `service ${name} is missing`);
    }
    assert.match(str(service('postgres')['image'], 'postgres.image'), /^postgres:16([.-]|$)/);
    assert.match(
      str(service('minio')['image'], 'minio.image'),
      /(^|\/)minio\/minio:RELEASE\.\d{4}-\d\d-\d\dT/,
    );
    assert.match(commandText(service('minio'), 'minio'), /^server \/\S+/);
    const init = service('minio-init');
    assert.match(str(init['image'], 'minio-init.image'), /(^|\/)minio\/mc:RELEASE\.\d{4}-\d\d-\d\dT/);
    const script = interpolate(commandText(init, 'minio-init'));
    assert.match(script, /mc alias set \S+ http:\/\/minio:9000/);
    assert.match(script, /mc mb --ignore-existing /, 'bucket creation must be idempotent');
    assert.deepEqual(dict(init['depends_on'], 'minio-init.depends_on')['minio'], {
      condition: 'service_healthy',
    });
  });

  it('starts the app after a healthy PostgreSQL and a created bucket', () => {
    const app = service('app');
    assert.equal(app['build'], '.');
    const deps = dict(app['depends_on'], 'app.depends_on');
    assert.deepEqual(deps['postgres'], { condition: 'service_healthy' });
    assert.deepEqual(deps['minio-init'], { condition: 'service_completed_successfully' });
    assert.equal(app['restart'], 'unless-stopped');
    assert.ok(
      Array.isArray(app['ports']) && app['ports'].includes('4000:4000'),
      'app must publish 4000:4000',
    );
  });

  it('has a healthcheck on every service that others wait for, and on the app (/readyz)', () => {
    assert.match(healthcheckText(service('app'), 'app'), /\/readyz/);
    assert.match(healthcheckText(service('postgres'), 'postgres'), /pg_isready/);
    assert.match(healthcheckText(service('minio'), 'minio'), /mc ready local|\/minio\/health\/live/);
    let awaited = 0;
    for (const [name, svc] of Object.entries(services)) {
      const deps = dict(svc, `services.${name}`)['depends_on'];
      if (!isDict(deps)) continue;
      for (const [dep, spec] of Object.entries(deps)) {
        if (!isDict(spec) || spec['condition'] !== 'service_healthy') continue;
        awaited++;
        assert.ok(isDict(services[dep]), `${name} depends on a missing service ${dep}`);
        healthcheckText(service(dep), dep);
      }
    }
    assert.ok(awaited >= 2, 'app waits for postgres, minio-init for minio');
  });

  it('keeps state in named volumes declared at top level', () => {
    const declared = dict(compose['volumes'], 'volumes');
    const dataDir = /^server (\/\S+)/.exec(commandText(service('minio'), 'minio'))?.[1];
    const stateful: Record<string, string | undefined> = {
      postgres: '/var/lib/postgresql/data',
      minio: dataDir,
    };
    for (const [name, target] of Object.entries(stateful)) {
      const m = mounts(service(name), name).find((v) => v.target === target);
      assert.ok(m, `${name} must mount a volume at ${target}`);
      assert.ok(
        m.named,
        `${name} must keep ${target} in a named volume, not a bind mount or anonymous volume`,
      );
    }
    let named = 0;
    for (const [name, svc] of Object.entries(services)) {
      for (const m of mounts(dict(svc, name), name)) {
        if (!m.named) continue;
        named++;
        assert.ok(
          m.source !== undefined && m.source in declared,
          `volume ${m.source} of ${name} is not declared`,
        );
      }
    }
    assert.ok(named >= 2);
  });

  it('offers Redis for several replicas under a profile', () => {
    const redis = service('redis');
    assert.match(str(redis['image'], 'redis.image'), /^redis:\d/);
    assert.deepEqual(redis['profiles'], ['replicas']);
  });

  describe('the app environment', () => {
    const app = service('app');
    const raw = rawEnvironment(app, 'app');
    const env = resolvedEnvironment(app, 'app');
    const load = (e: Env): Config => loadConfig(e, '/app');

    it('names only variables the app reads', () => {
      const known = new Set<string>(CONFIG_VARIABLES);
      assert.ok(Object.keys(env).length >= 10);
      for (const key of Object.keys(env)) assert.ok(known.has(key), `${key} is not in CONFIG_VARIABLES`);
    });

    it('is a complete production configuration', () => {
      const config = load(env);
      assert.equal(config.nodeEnv, 'production');
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.port, 4000);
      assert.equal(config.seedDemo, false);
      assert.equal(config.redisUrl, undefined, 'REDIS_URL needs the redis profile; keep it commented out');
      assert.ok(config.databaseUrl !== undefined);
      assert.equal(new URL(config.databaseUrl).hostname, 'postgres');
      assert.equal(config.blob.driver, 's3');
      if (config.blob.driver === 's3') {
        assert.equal(config.blob.endPoint, 'minio');
        assert.equal(config.blob.port, 9000);
        assert.equal(config.blob.useSSL, false);
      }
    });

    it('requires JWT_SECRET from the deployment, with no default', () => {
      assert.match(raw['JWT_SECRET'] ?? '', /^\$\{JWT_SECRET:\?[^}]+\}$/);
    });

    it('uses the credentials PostgreSQL and MinIO are started with', () => {
      const config = load(env);
      const pg = resolvedEnvironment(service('postgres'), 'postgres');
      const db = new URL(config.databaseUrl ?? '');
      assert.equal(decodeURIComponent(db.username), pg['POSTGRES_USER']);
      assert.equal(decodeURIComponent(db.password), pg['POSTGRES_PASSWORD']);
      assert.equal(db.pathname, `/${pg['POSTGRES_DB']}`);
      const minio = resolvedEnvironment(service('minio'), 'minio');
      const init = resolvedEnvironment(service('minio-init'), 'minio-init');
      assert.ok(config.blob.driver === 's3');
      assert.equal(config.blob.accessKey, minio['MINIO_ROOT_USER']);
      assert.equal(config.blob.secretKey, minio['MINIO_ROOT_PASSWORD']);
      assert.equal(init['MINIO_ROOT_USER'], minio['MINIO_ROOT_USER']);
      assert.equal(init['MINIO_ROOT_PASSWORD'], minio['MINIO_ROOT_PASSWORD']);
      assert.equal(init['S3_BUCKET'], config.blob.bucket, 'minio-init must create the bucket the app uses');
    });

    it('lets in-flight requests finish before the container is killed', () => {
      const config = load(env);
      const grace = durationMs(str(app['stop_grace_period'] ?? '10s', 'app.stop_grace_period'));
      assert.ok(
        config.shutdownTimeoutMs < grace,
        `SHUTDOWN_TIMEOUT_MS ${config.shutdownTimeoutMs} >= ${grace}`,
      );
    });

    for (const variable of ['DATABASE_URL', 'JWT_SECRET']) {
      it(`is refused without ${variable}`, () => {
        assert.ok(variable in env, `${variable} must be set`);
        const without = { ...env };
        delete without[variable];
        assert.throws(
          () => load(without),
          (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.includes(variable),
        );
      });
    }
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage, comments dropped and continuation lines joined, as Docker reads them. */
function dockerStages(text: string): { globalArgs: Instruction[]; stages: Instruction[][] } {
  const lines = text.split(/\r?\n/).filter((l) => !/^\s*#/.test(l));
  const logical: string[] = [];
  let current = '';
  for (const line of lines) {
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, ' ');
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') logical.push(current.trim());
  const globalArgs: Instruction[] = [];
  const stages: Instruction[][] = [];
  for (const l of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(l) ?? [];
    const ins = { keyword: keyword.toUpperCase(), args: args.trim() };
    if (ins.keyword === 'FROM') stages.push([ins]);
    else if (stages.length === 0) globalArgs.push(ins);
    else stages.at(-1)?.push(ins);
  }
  return { globalArgs, stages };
}

/** Exec form (JSON array) or shell form of CMD / HEALTHCHECK CMD, as one string. */
function execText(args: string): string {
  if (!args.startsWith('[')) return args;
  const parsed: unknown = JSON.parse(args);
  assert.ok(Array.isArray(parsed) && parsed.every((p) => typeof p === 'string'), `not an exec form: ${args}`);
  return parsed.join(' ');
}

describe('Dockerfile', () => {
  const { globalArgs, stages } = dockerStages(readFileSync(new URL('Dockerfile', ROOT), 'utf8'));
  const final = stages.at(-1) ?? [];
  const all = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword);

  it('builds in one stage and runs in a slim Node 20 stage', () => {
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    const argDefaults = new Map<string, string>();
    for (const a of globalArgs.filter((i) => i.keyword === 'ARG')) {
      const [name = '', value = ''] = a.args.split('=');
      argDefaults.set(name, value);
    }
    for (const stage of stages) {
      const image = (stage[0]?.args.split(/\s+/)[0] ?? '').replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_m: string, name: string) => argDefaults.get(name) ?? '',
      );
      assert.match(
        image,
        /^node:20\.\d+(\.\d+)?-(bookworm-)?slim\b/,
        `base image "${image}" must pin Node 20.x slim`,
      );
    }
    const build = stages.slice(0, -1).flat();
    const runs = all(build, 'RUN')
      .map((i) => i.args)
      .join('\n');
    assert.match(runs, /npm ci\b/);
    assert.match(runs, /npm run build\b/);
    assert.match(runs, /npm prune --omit=dev\b/);
  });

  it('copies only the runtime files into the final stage', () => {
    const copied = all(final, 'COPY')
      .filter((i) => /--from=/.test(i.args))
      .map((i) => i.args.split(/\s+/).filter((p) => !p.startsWith('--'))[0] ?? '');
    // assets: the fonts receipts and labels embed (schema/ricevute/fonts.ts).
    for (const needed of ['dist', 'bin', 'node_modules', 'package.json', 'schema/schema.graphql', 'assets']) {
      assert.ok(
        copied.some((src) => src.replace(/^\/app\//, '').replace(/\/$/, '') === needed),
        `final stage must copy ${needed} from the build stage`,
      );
    }
    assert.ok(
      !all(final, 'COPY').some((i) => /^\.\s/.test(i.args)),
      'the final stage must not copy the whole context',
    );
  });

  it('runs as a non-root user in production mode, listening on all interfaces', () => {
    const users = all(final, 'USER');
    assert.ok(users.length > 0, 'final stage needs a USER instruction');
    const user = (users.at(-1)?.args ?? '').split(':')[0];
    assert.ok(user !== '' && user !== 'root' && user !== '0', `USER ${user} is root`);
    const envs = all(final, 'ENV')
      .map((i) => i.args)
      .join(' ');
    assert.match(envs, /\bNODE_ENV=production\b/);
    assert.match(envs, /\bHOST=0\.0\.0\.0\b/);
    assert.ok(
      all(final, 'EXPOSE').some((i) => /\b4000\b/.test(i.args)),
      'EXPOSE 4000',
    );
  });

  it('checks /healthz with Node (no curl in slim images)', () => {
    const hc = all(final, 'HEALTHCHECK').at(-1);
    assert.ok(hc, 'final stage needs a HEALTHCHECK');
    const cmd = /\bCMD\s+(.*)$/.exec(hc.args)?.[1];
    assert.ok(cmd !== undefined, 'HEALTHCHECK must run a command');
    const text = execText(cmd);
    assert.match(text, /^node /);
    assert.match(text, /\/healthz/);
    assert.doesNotMatch(text, /\bcurl\b|\bwget\b/);
  });

  it('starts the server', () => {
    const cmd = all(final, 'CMD').at(-1);
    assert.ok(cmd, 'final stage needs a CMD');
    assert.match(execText(cmd.args), /^node bin\/dms\.js start$/);
  });
});

describe('.dockerignore', () => {
  it('keeps host builds, data and VCS files out of the build context', () => {
    const entries = readFileSync(new URL('.dockerignore', ROOT), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const needed of ['node_modules', 'dist', '.data', '.git', 'dist-*']) {
      assert.ok(entries.includes(needed), `.dockerignore must list ${needed}`);
    }
    // schema/ holds schema.graphql; tsc compiles test/ too (unit tests import test/harness).
    for (const kept of ['schema', 'server', 'test', 'tsconfig.json', 'package-lock.json']) {
      assert.ok(
        !entries.some((e) => e.replace(/^\/|\/$/g, '') === kept || e.startsWith(`${kept}/`)),
        `.dockerignore must not exclude ${kept}: the build needs it`,
      );
    }
  });
});
