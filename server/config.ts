import path from 'node:path';
import { parseMailbox, type Mailbox } from './mail/address.js';

/**
 * The whole runtime configuration, read once from environment variables and validated at start.
 * A wrong or missing value stops the process with a message naming the variable and the form
 * it expects (see README "Configuration").
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Project-local folder for embedded PostgreSQL data, fs blobs and the dev JWT secret. */
  dataDir: string;
  /** Absent: run embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  /** Port of the embedded PostgreSQL when databaseUrl is absent. */
  embeddedPgPort: number;
  /** Apply pending migrations at start (replicas serialise on an advisory lock). */
  migrateOnStart: boolean;
  seedDemo: boolean;
  blob: FsBlobConfig | S3BlobConfig;
  auth: AuthConfig;
  graphql: GraphqlConfig;
  uploadMaxBytes: number;
  /** Run the job queue (pg-boss) in this process. */
  jobsEnabled: boolean;
  /**
   * Audit rows for viewings (AUDIT_VIEWINGS). Always true in production; false only for
   * benchmarks and diagnostics (bench:audit's unaudited baseline). Changes are audited anyway.
   */
  auditViewings: boolean;
  /** Unreferenced stored objects younger than this are left alone (uploads in progress). */
  orphanGraceMs: number;
  redisUrl: string | undefined;
  /** Outgoing e-mail (SMTP_URL); undefined: the platform sends none and modules enqueue no notices. */
  mail: MailConfig | undefined;
  /** Put on every event channel, so deployments (or test runs) sharing a Redis never hear each other. */
  eventChannelPrefix: string;
  /** Plugins to load, in order (DMS_PLUGINS=pec,conservazione), from pluginsDir/<name>/index.js. */
  plugins: readonly string[];
  /** Absent: the plugins compiled with this checkout (dist/plugins). */
  pluginsDir: string | undefined;
  /** The address clients reach the server at (links it hands out are absolute); default: the request's Host. */
  publicUrl: string | undefined;
  /** Origins of browser apps allowed to call the API from another origin; `*` only outside production. */
  corsOrigins: readonly string[] | '*';
  shutdownTimeoutMs: number;
  /** Europe/Rome time of day (HH:MM) from which the daily register of the day before is produced. */
  dailyRegisterTime: string;
  /** Which proxies may set X-Forwarded-For (Express "trust proxy"): off by default, since the audit trail records the client address. */
  trustProxy: false | number | string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The PEC plugin's IMAP ingest (read only when DMS_PLUGINS names pec). */
  pecIngest: PecIngestConfig;
  /** The conservation plugin's conservator (read only when DMS_PLUGINS names conservazione). */
  conservation: ConservationConfig;
}

export interface ConservationConfig {
  /**
   * Base URL of the conservator's ParER-style web services (CONSERVATION_URL); none: packages are
   * built and wait, orange, until one is configured.
   */
  url: string | undefined;
  /** The producer's account at the conservator (CONSERVATION_USER, CONSERVATION_PASSWORD). */
  user: string | undefined;
  password: string | undefined;
  /** Versatore/Ambiente (CONSERVATION_AMBIENTE). */
  ambiente: string;
  /** Versatore/Ente and /Struttura (CONSERVATION_ENTE, CONSERVATION_STRUTTURA); none: the administration's IPA code and the AOO code. */
  ente: string | undefined;
  struttura: string | undefined;
  /** How long one request to the conservator may take before the item stays orange and is retried (CONSERVATION_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Send each daily register as soon as it is produced (CONSERVATION_AUTO_DAILY_REGISTER); false: the archivist sends them. */
  autoDailyRegister: boolean;
}

export interface PecIngestConfig {
  /** Read the active mailboxes over IMAP in this process (PEC_INGEST); off for CLI runs and tests. */
  enabled: boolean;
  /** Wait on IMAP IDLE where the server offers it (PEC_IDLE); false: poll every mailbox. */
  idle: boolean;
  /** How often a mailbox whose server has no IDLE is polled (PEC_POLL_SECONDS). */
  pollIntervalMs: number;
  /** Largest message fetched whole (PEC_MAX_MESSAGE_MB); a larger one is kept with its header and a problem. */
  maxMessageBytes: number;
  /** PEM bundle of the PEC providers' CA certificates (PEC_TRUST_ANCHORS); none: signatures are 'untrusted'. */
  trustAnchorsFile: string | undefined;
}

export interface FsBlobConfig {
  driver: 'fs';
  dir: string;
}

export interface S3BlobConfig {
  driver: 's3';
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** Objects up to this size go in one streamed PUT; larger ones use multipart (S3 limit 5 GiB). */
  singlePutMaxBytes: number;
}

export interface MailConfig {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. smtp://: STARTTLS when the server offers it. */
  secure: boolean;
  /** smtp:// with credentials in production: no STARTTLS, no mail (the password never travels in clear). */
  requireTls: boolean;
  user: string | undefined;
  /** Never logged (the logger drops every `password` field). */
  password: string | undefined;
  /** MAIL_FROM: the sender of every message and the envelope sender. */
  from: Mailbox;
  /** How long connecting, the greeting and each reply may take. */
  timeoutMs: number;
}

export interface AuthConfig {
  /** HS256 secret; undefined when a JWKS URL is configured or the dev secret is to be generated. */
  jwtSecret: string | undefined;
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
}

export interface GraphqlConfig {
  introspection: boolean;
  /** Stack traces in error responses: only when a developer asks (GRAPHQL_DEBUG), never in production. */
  debug: boolean;
  landingPage: boolean;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
    got: string | undefined,
  ) {
    super(
      `Invalid configuration: ${variable} must be ${expected}` +
        (got === undefined ? ' (it is not set)' : ` (got ${JSON.stringify(got)})`),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The variables the app reads; docker-compose.yml is checked against this list by a test. */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'EMBEDDED_PG_PORT',
  'MIGRATE_ON_START',
  'SEED_DEMO',
  'BLOB_DRIVER',
  'BLOB_DIR',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'S3_BUCKET',
  'S3_REGION',
  'S3_SINGLE_PUT_MAX_MB',
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'GRAPHQL_INTROSPECTION',
  'GRAPHQL_DEBUG',
  'GRAPHQL_MAX_DEPTH',
  'GRAPHQL_MAX_ALIASES',
  'GRAPHQL_MAX_TOKENS',
  'GRAPHQL_MAX_COST',
  'UPLOAD_MAX_BYTES',
  'JOBS_ENABLED',
  'AUDIT_VIEWINGS',
  'BLOB_ORPHAN_GRACE_HOURS',
  'REDIS_URL',
  'SMTP_URL',
  'MAIL_FROM',
  'SMTP_TIMEOUT_MS',
  'EVENT_CHANNEL_PREFIX',
  'DMS_PLUGINS',
  'DMS_PLUGINS_DIR',
  'PUBLIC_URL',
  'CORS_ORIGINS',
  'SHUTDOWN_TIMEOUT_MS',
  'DAILY_REGISTER_TIME',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'PEC_INGEST',
  'PEC_IDLE',
  'PEC_POLL_SECONDS',
  'PEC_MAX_MESSAGE_MB',
  'PEC_TRUST_ANCHORS',
  'CONSERVATION_URL',
  'CONSERVATION_USER',
  'CONSERVATION_PASSWORD',
  'CONSERVATION_AMBIENTE',
  'CONSERVATION_ENTE',
  'CONSERVATION_STRUTTURA',
  'CONSERVATION_TIMEOUT_SECONDS',
  'CONSERVATION_AUTO_DAILY_REGISTER',
] as const;

function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function intVar(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `an integer between ${min} and ${max}`, raw);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `an integer between ${min} and ${max}`, raw);
  return n;
}

function timeOfDayVar(env: Env, name: string, def: string): string {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return def;
  if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(raw))
    throw new ConfigError(name, 'a time of day HH:MM (00:00-23:59)', raw);
  return raw;
}

function boolVar(env: Env, name: string, def: boolean): boolean {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return def;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function urlVar(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, redact(raw));
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `a URL (${protocols.join(' or ')})`, redact(raw));
  }
  return raw;
}

/** Never echo passwords embedded in URLs into logs. */
function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], def: T): T {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return def;
  if (!(values as readonly string[]).includes(raw))
    throw new ConfigError(name, `one of ${values.join(', ')}`, raw);
  return raw as T;
}

function required(env: Env, name: string, expected: string): string {
  const v = nonEmpty(env, name);
  if (v === undefined) throw new ConfigError(name, expected, undefined);
  return v;
}

function s3Config(env: Env): S3BlobConfig {
  const endpointRaw = required(env, 'S3_ENDPOINT', 'the URL of the S3 endpoint, e.g. http://minio:9000');
  const endpoint = urlVar(env, 'S3_ENDPOINT', ['http:', 'https:']) ?? endpointRaw;
  const url = new URL(endpoint);
  const useSSL = url.protocol === 'https:';
  const bucket = required(env, 'S3_BUCKET', 'a bucket name (3-63 lowercase letters, digits, dots, hyphens)');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(
      'S3_BUCKET',
      'a bucket name (3-63 lowercase letters, digits, dots, hyphens)',
      bucket,
    );
  }
  return {
    driver: 's3',
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: required(env, 'S3_ACCESS_KEY', 'the access key of the S3 account'),
    secretKey: required(env, 'S3_SECRET_KEY', 'the secret key of the S3 account'),
    bucket,
    region: nonEmpty(env, 'S3_REGION') ?? 'us-east-1',
    singlePutMaxBytes: intVar(env, 'S3_SINGLE_PUT_MAX_MB', 64, 5, 5120) * 1024 * 1024,
  };
}

function corsOriginsVar(env: Env, production: boolean): readonly string[] | '*' {
  const raw = nonEmpty(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  if (raw === '*') {
    if (production) {
      throw new ConfigError('CORS_ORIGINS', 'the list of allowed origins in production, not *', raw);
    }
    return '*';
  }
  return raw.split(',').map((item) => {
    const origin = item.trim();
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        'comma-separated origins like https://app.comune.it or http://localhost:5173 (scheme, host and port only)',
        raw,
      );
    }
    return origin;
  });
}

function trustProxyVar(env: Env): false | number | string {
  const raw = nonEmpty(env, 'TRUST_PROXY');
  if (raw === undefined || /^false$/i.test(raw)) return false;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  if (/^true$/i.test(raw)) {
    // Trusting every hop lets any client write its own address into the audit trail.
    throw new ConfigError(
      'TRUST_PROXY',
      'the proxies to trust (e.g. loopback, 10.0.0.5, 10.0.0.0/8) or a hop count, not true',
      raw,
    );
  }
  if (!/^[A-Za-z0-9.:/, ]+$/.test(raw)) {
    throw new ConfigError(
      'TRUST_PROXY',
      'a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal, or a hop count',
      raw,
    );
  }
  return raw;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const production = nodeEnv === 'production';
  const dataDir = path.resolve(cwd, nonEmpty(env, 'DATA_DIR') ?? '.data');
  const databaseUrl = urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (production && databaseUrl === undefined) {
    throw new ConfigError(
      'DATABASE_URL',
      'a postgres:// URL in production (embedded PostgreSQL is for development)',
      undefined,
    );
  }
  if (production && nonEmpty(env, 'BLOB_DRIVER') === undefined) {
    // A container's filesystem is lost with it: production must choose its storage explicitly.
    throw new ConfigError(
      'BLOB_DRIVER',
      'set in production (s3, or fs with BLOB_DIR on a persistent volume)',
      undefined,
    );
  }
  const driver = oneOf(env, 'BLOB_DRIVER', ['fs', 's3'] as const, nonEmpty(env, 'S3_ENDPOINT') ? 's3' : 'fs');
  const blob: Config['blob'] =
    driver === 's3'
      ? s3Config(env)
      : { driver: 'fs', dir: path.resolve(cwd, nonEmpty(env, 'BLOB_DIR') ?? path.join(dataDir, 'blobs')) };

  const jwtSecret = nonEmpty(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError('JWT_SECRET', 'at least 32 bytes of secret for HS256', '<hidden>');
  }
  // Keys fetched over plain HTTP could be swapped on the way: https only in production.
  const jwksUrl = urlVar(env, 'JWT_JWKS_URL', production ? ['https:'] : ['https:', 'http:']);
  if (production && jwtSecret === undefined && jwksUrl === undefined) {
    throw new ConfigError(
      'JWT_SECRET',
      'set (or JWT_JWKS_URL) in production; the generated dev secret is refused there',
      undefined,
    );
  }
  if (jwtSecret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError(
      'JWT_JWKS_URL',
      'unset when JWT_SECRET is set (choose one way to verify tokens)',
      jwksUrl,
    );
  }
  if (production && jwksUrl !== undefined && nonEmpty(env, 'JWT_AUDIENCE') === undefined) {
    // Without an audience check, tokens the provider issued for other applications would be accepted.
    throw new ConfigError('JWT_AUDIENCE', 'set in production when JWT_JWKS_URL is used', undefined);
  }
  const seedDemo = boolVar(env, 'SEED_DEMO', databaseUrl === undefined);
  if (production && seedDemo) {
    throw new ConfigError(
      'SEED_DEMO',
      'false in production (demo users have well-known names)',
      env['SEED_DEMO'],
    );
  }
  const introspection = boolVar(env, 'GRAPHQL_INTROSPECTION', !production);
  const debug = boolVar(env, 'GRAPHQL_DEBUG', false);
  if (production && debug) {
    throw new ConfigError(
      'GRAPHQL_DEBUG',
      'false in production (stack traces reveal the code)',
      env['GRAPHQL_DEBUG'],
    );
  }
  const auditViewings = boolVar(env, 'AUDIT_VIEWINGS', true);
  if (production && !auditViewings) {
    // Every viewing of a record is part of the audit trail (DOMAIN §7): never off where it counts.
    throw new ConfigError(
      'AUDIT_VIEWINGS',
      'true in production (off only for benchmarks and diagnostics)',
      env['AUDIT_VIEWINGS'],
    );
  }
  return {
    nodeEnv,
    host: nonEmpty(env, 'HOST') ?? '127.0.0.1',
    port: intVar(env, 'PORT', 4000, 0, 65535),
    dataDir,
    databaseUrl,
    embeddedPgPort: intVar(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    migrateOnStart: boolVar(env, 'MIGRATE_ON_START', true),
    seedDemo,
    blob,
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: nonEmpty(env, 'JWT_ISSUER'),
      audience: nonEmpty(env, 'JWT_AUDIENCE'),
    },
    graphql: {
      introspection,
      debug,
      landingPage: introspection,
      maxDepth: intVar(env, 'GRAPHQL_MAX_DEPTH', 12, 2, 100),
      maxAliases: intVar(env, 'GRAPHQL_MAX_ALIASES', 30, 1, 1000),
      maxTokens: intVar(env, 'GRAPHQL_MAX_TOKENS', 2000, 50, 100000),
      maxCost: intVar(env, 'GRAPHQL_MAX_COST', 100_000, 10, 1_000_000_000),
      maxDirectives: 50,
    },
    uploadMaxBytes: intVar(env, 'UPLOAD_MAX_BYTES', 2 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    jobsEnabled: boolVar(env, 'JOBS_ENABLED', true),
    auditViewings,
    orphanGraceMs: intVar(env, 'BLOB_ORPHAN_GRACE_HOURS', 24, 1, 24 * 365) * 3600_000,
    redisUrl: urlVar(env, 'REDIS_URL', ['redis:', 'rediss:']),
    mail: mailConfig(env, production),
    pecIngest: {
      enabled: boolVar(env, 'PEC_INGEST', true),
      idle: boolVar(env, 'PEC_IDLE', true),
      pollIntervalMs: intVar(env, 'PEC_POLL_SECONDS', 60, 1, 3600) * 1000,
      maxMessageBytes: intVar(env, 'PEC_MAX_MESSAGE_MB', 100, 1, 2048) * 1024 * 1024,
      trustAnchorsFile: nonEmpty(env, 'PEC_TRUST_ANCHORS')
        ? path.resolve(cwd, nonEmpty(env, 'PEC_TRUST_ANCHORS') ?? '')
        : undefined,
    },
    conservation: {
      url: urlVar(env, 'CONSERVATION_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
      user: nonEmpty(env, 'CONSERVATION_USER'),
      password: nonEmpty(env, 'CONSERVATION_PASSWORD'),
      ambiente: nonEmpty(env, 'CONSERVATION_AMBIENTE') ?? 'PARER',
      ente: nonEmpty(env, 'CONSERVATION_ENTE'),
      struttura: nonEmpty(env, 'CONSERVATION_STRUTTURA'),
      timeoutMs: intVar(env, 'CONSERVATION_TIMEOUT_SECONDS', 300, 1, 86_400) * 1000,
      autoDailyRegister: boolVar(env, 'CONSERVATION_AUTO_DAILY_REGISTER', true),
    },
    eventChannelPrefix: eventChannelPrefixVar(env),
    plugins: pluginsVar(env),
    pluginsDir:
      nonEmpty(env, 'DMS_PLUGINS_DIR') && path.resolve(cwd, nonEmpty(env, 'DMS_PLUGINS_DIR') as string),
    publicUrl: urlVar(env, 'PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
    corsOrigins: corsOriginsVar(env, production),
    trustProxy: trustProxyVar(env),
    shutdownTimeoutMs: intVar(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 0, 600000),
    dailyRegisterTime: timeOfDayVar(env, 'DAILY_REGISTER_TIME', '00:30'),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
  };
}

function mailConfig(env: Env, production: boolean): MailConfig | undefined {
  const raw = urlVar(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  if (raw === undefined) {
    if (nonEmpty(env, 'MAIL_FROM') !== undefined) {
      // A sender with nowhere to send from is a half-done configuration, not a choice.
      throw new ConfigError('SMTP_URL', 'set when MAIL_FROM is set (smtp://host:587)', undefined);
    }
    return undefined;
  }
  const url = new URL(raw);
  const expected = 'smtp://[user:password@]host[:port] or smtps://… (nothing after the port)';
  if (url.hostname === '' || !['', '/'].includes(url.pathname) || url.search !== '' || url.hash !== '') {
    throw new ConfigError('SMTP_URL', expected, redact(raw));
  }
  const secure = url.protocol === 'smtps:';
  let user: string | undefined;
  let password: string | undefined;
  try {
    user = url.username === '' ? undefined : decodeURIComponent(url.username);
    password = url.password === '' ? undefined : decodeURIComponent(url.password);
  } catch {
    throw new ConfigError('SMTP_URL', `${expected}, with user and password percent-encoded`, redact(raw));
  }
  const fromRaw = required(
    env,
    'MAIL_FROM',
    'the sender address when SMTP_URL is set (protocollo@comune.example.it)',
  );
  const from = parseMailbox(fromRaw);
  if (!from) {
    throw new ConfigError(
      'MAIL_FROM',
      'an address, or a name and an address (Protocollo <protocollo@comune.example.it>)',
      fromRaw,
    );
  }
  return {
    // URL keeps IPv6 literals in brackets; sockets want them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTls: production && !secure && user !== undefined,
    user,
    password,
    from,
    timeoutMs: intVar(env, 'SMTP_TIMEOUT_MS', 30_000, 1000, 600_000),
  };
}

function eventChannelPrefixVar(env: Env): string {
  const raw = nonEmpty(env, 'EVENT_CHANNEL_PREFIX') ?? 'dms';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(raw)) {
    throw new ConfigError('EVENT_CHANNEL_PREFIX', '1 to 64 letters, digits, ".", "_" or "-"', raw);
  }
  return raw;
}

function pluginsVar(env: Env): string[] {
  const raw = nonEmpty(env, 'DMS_PLUGINS');
  if (raw === undefined) return [];
  const names = raw.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new ConfigError(
        'DMS_PLUGINS',
        'a comma-separated list of plugin names (lowercase, e.g. pec,conservazione)',
        raw,
      );
    }
  }
  if (new Set(names).size !== names.length) {
    throw new ConfigError('DMS_PLUGINS', 'a list naming each plugin once', raw);
  }
  return names;
}
