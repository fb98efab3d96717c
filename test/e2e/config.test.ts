import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../server/config.js';

const DMS = fileURLToPath(new URL('../../../bin/dms.js', import.meta.url));

function expectConfigError(env: Record<string, string>, variable: string, message: RegExp): void {
  assert.throws(
    () => loadConfig(env, '/srv'),
    (e: unknown) => e instanceof ConfigError && e.variable === variable && message.test(e.message),
  );
}

describe('configuration', () => {
  it('has working embedded defaults', () => {
    const c = loadConfig({}, '/srv/app');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.port, 4000);
    assert.deepEqual(c.blob, { driver: 'fs', dir: '/srv/app/.data/blobs' });
    assert.equal(c.seedDemo, true);
    assert.equal(c.graphql.introspection, true);
  });

  it('names the variable and the expected form for wrong values', () => {
    expectConfigError({ PORT: 'abc' }, 'PORT', /PORT must be an integer between 0 and 65535 \(got "abc"\)/);
    expectConfigError({ PORT: '70000' }, 'PORT', /between 0 and 65535/);
    expectConfigError({ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /a URL \(postgres: or postgresql:\)/);
    expectConfigError({ BLOB_DRIVER: 'ftp' }, 'BLOB_DRIVER', /one of fs, s3/);
    expectConfigError({ BLOB_DRIVER: 's3' }, 'S3_ENDPOINT', /is not set/);
    expectConfigError(
      { S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_BUCKET: 'Bad_Bucket' },
      'S3_BUCKET',
      /bucket name/,
    );
    expectConfigError({ JWT_SECRET: 'short' }, 'JWT_SECRET', /at least 32 bytes/);
    expectConfigError({ SEED_DEMO: 'maybe' }, 'SEED_DEMO', /true or false/);
    expectConfigError({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of fatal/);
    expectConfigError({ TRUST_PROXY: 'true' }, 'TRUST_PROXY', /not true/);
    assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy, '10.0.0.0/8, loopback');
    assert.equal(loadConfig({}).trustProxy, false);
    expectConfigError(
      { CORS_ORIGINS: 'https://app.example.it/path' },
      'CORS_ORIGINS',
      /scheme, host and port only/,
    );
    expectConfigError({ CORS_ORIGINS: 'app.example.it' }, 'CORS_ORIGINS', /scheme, host and port only/);
    assert.deepEqual(
      loadConfig({ CORS_ORIGINS: 'https://app.example.it, http://localhost:5173' }).corsOrigins,
      ['https://app.example.it', 'http://localhost:5173'],
    );
    assert.deepEqual(loadConfig({}).corsOrigins, [], 'no other origin by default');
    expectConfigError({ GRAPHQL_MAX_COST: '5' }, 'GRAPHQL_MAX_COST', /between 10 and/);
  });

  it('never echoes a password embedded in a URL', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' }),
      (e: unknown) => e instanceof Error && !e.message.includes('secret') && e.message.includes('***'),
    );
  });

  it('requires a database, a JWT key and no introspection in production', () => {
    expectConfigError({ NODE_ENV: 'production' }, 'DATABASE_URL', /production/);
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/dms', JWT_SECRET: 'k'.repeat(32) };
    expectConfigError({ ...prod, JWT_SECRET: '', BLOB_DRIVER: 'fs' }, 'JWT_SECRET', /production/);
    expectConfigError(prod, 'BLOB_DRIVER', /set in production/);
    expectConfigError({ ...prod, BLOB_DRIVER: 'fs', SEED_DEMO: 'true' }, 'SEED_DEMO', /false in production/);
    expectConfigError(
      { ...prod, JWT_SECRET: '', BLOB_DRIVER: 'fs', JWT_JWKS_URL: 'https://idp.example.it/jwks' },
      'JWT_AUDIENCE',
      /JWT_JWKS_URL/,
    );
    expectConfigError(
      { ...prod, BLOB_DRIVER: 'fs', JWT_JWKS_URL: 'https://idp.example.it/jwks' },
      'JWT_JWKS_URL',
      /choose one/,
    );
    expectConfigError({ ...prod, BLOB_DRIVER: 'fs', CORS_ORIGINS: '*' }, 'CORS_ORIGINS', /not \*/);
    expectConfigError(
      { ...prod, BLOB_DRIVER: 'fs', GRAPHQL_DEBUG: 'true' },
      'GRAPHQL_DEBUG',
      /false in production/,
    );
    expectConfigError(
      { ...prod, BLOB_DRIVER: 'fs', AUDIT_VIEWINGS: 'false' },
      'AUDIT_VIEWINGS',
      /true in production/,
    );
    assert.equal(loadConfig({ AUDIT_VIEWINGS: 'false' }).auditViewings, false, 'off for a benchmark');
    assert.equal(loadConfig({}).auditViewings, true);
    assert.equal(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, '*', 'any origin, in development');
    const c = loadConfig({ ...prod, BLOB_DRIVER: 'fs' });
    assert.equal(c.auditViewings, true);
    assert.equal(c.graphql.introspection, false);
    assert.equal(c.graphql.debug, false);
    assert.equal(c.graphql.landingPage, false);
    assert.equal(c.seedDemo, false);
  });

  it('reads outgoing mail from SMTP_URL and MAIL_FROM, and sends none without them', () => {
    assert.equal(loadConfig({}).mail, undefined);
    assert.deepEqual(
      loadConfig({
        SMTP_URL: 'smtp://notifiche%40comune.it:p%40ss%3Aw%2Frd@mail.comune.it',
        MAIL_FROM: '"Protocollo, Comune di Prova" <protocollo@comune.example.it>',
      }).mail,
      {
        host: 'mail.comune.it',
        port: 587,
        secure: false,
        requireTls: false,
        user: 'notifiche@comune.it',
        password: 'p@ss:w/rd',
        from: { name: 'Protocollo, Comune di Prova', address: 'protocollo@comune.example.it' },
        timeoutMs: 30000,
      },
    );
    const smtps = loadConfig({
      SMTP_URL: 'smtps://relay.example.it',
      MAIL_FROM: 'dms@comune.example.it',
      SMTP_TIMEOUT_MS: '5000',
    }).mail;
    assert.deepEqual(
      [smtps?.secure, smtps?.port, smtps?.user, smtps?.from, smtps?.timeoutMs],
      [true, 465, undefined, { name: '', address: 'dms@comune.example.it' }, 5000],
    );
    assert.equal(loadConfig({ SMTP_URL: 'smtp://[::1]:2525/', MAIL_FROM: 'a@b.it' }).mail?.host, '::1');
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/dms',
      JWT_SECRET: 'k'.repeat(32),
      BLOB_DRIVER: 'fs',
      MAIL_FROM: 'a@b.it',
    };
    assert.equal(loadConfig({ ...prod, SMTP_URL: 'smtp://u:p@mail.b.it' }).mail?.requireTls, true);
    assert.equal(loadConfig({ ...prod, SMTP_URL: 'smtp://relay.b.it:25' }).mail?.requireTls, false);

    expectConfigError({ SMTP_URL: 'http://mail.b.it', MAIL_FROM: 'a@b.it' }, 'SMTP_URL', /smtp: or smtps:/);
    expectConfigError({ SMTP_URL: 'smtp://mail.b.it/x', MAIL_FROM: 'a@b.it' }, 'SMTP_URL', /nothing after/);
    expectConfigError(
      { SMTP_URL: 'smtp://mail.b.it?tls=no', MAIL_FROM: 'a@b.it' },
      'SMTP_URL',
      /nothing after/,
    );
    expectConfigError({ SMTP_URL: 'smtp://mail.b.it' }, 'MAIL_FROM', /sender address.*not set/);
    expectConfigError({ MAIL_FROM: 'a@b.it' }, 'SMTP_URL', /set when MAIL_FROM is set/);
    for (const from of [
      'protocollo',
      'a@b.it, c@d.it',
      'Name <a@b.it',
      '"x" <a@@b.it>',
      'a@b.it\r\nBcc: c@d.it',
    ]) {
      expectConfigError({ SMTP_URL: 'smtp://mail.b.it', MAIL_FROM: from }, 'MAIL_FROM', /an address/);
    }
    expectConfigError(
      { SMTP_URL: 'smtp://mail.b.it', MAIL_FROM: 'a@b.it', SMTP_TIMEOUT_MS: '10' },
      'SMTP_TIMEOUT_MS',
      /between 1000 and 600000/,
    );
    assert.throws(
      () => loadConfig({ SMTP_URL: 'smtp://u:secret@mail.b.it/x', MAIL_FROM: 'a@b.it' }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('secret') && e.message.includes('***'),
    );
  });

  it('stops the process with the message when started with a wrong value', async () => {
    const child = spawn(process.execPath, [DMS, 'start'], { env: { ...process.env, PORT: 'not-a-port' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78);
    assert.match(stderr, /PORT must be an integer/);
  });
});
