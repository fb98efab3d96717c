import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { print } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { MeDocument } from '../../clients/sdk/generated/graphql.js';
import { httpError } from '../harness/files-helpers.js';
import { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Tokens from an OIDC provider: RS256 verified against the provider's JWKS (served here by a
 * real HTTP server on loopback), with issuer and audience checked.
 */
describe('authentication with a JWKS URL', () => {
  let env: TestEnv;
  let jwks: Server;
  let providerKey: CryptoKey;
  let strangerKey: CryptoKey;

  const token = (opts: { key?: CryptoKey; aud?: string; iss?: string; sub?: string } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject(opts.sub ?? 'protocollista')
      .setIssuer(opts.iss ?? 'https://idp.example.it')
      .setAudience(opts.aud ?? 'dms')
      .setExpirationTime('10m')
      .sign(opts.key ?? providerKey);

  const me = (bearer: string) => new GraphqlClient(env.graphqlUrl, bearer).request(MeDocument);

  before(async () => {
    const provider = await generateKeyPair('RS256');
    providerKey = provider.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const publicJwk = { ...(await exportJWK(provider.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    env = await startTestEnv({
      env: {
        JWT_SECRET: '',
        JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        JWT_ISSUER: 'https://idp.example.it',
        JWT_AUDIENCE: 'dms',
      },
    });
  });
  after(async () => {
    await env.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('accepts a provider token and maps its subject to the user', async () => {
    const res = await me(await token());
    assert.equal(res.status, 200);
    assert.equal(res.errors, undefined);
    assert.equal(res.data?.me.username, 'protocollista');
  });

  it('refuses other audiences, other issuers, other keys and symmetric tokens', async () => {
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('protocollista')
      .setAudience('dms')
      .setIssuer('https://idp.example.it')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('s'.repeat(40)));
    for (const [label, bearer] of [
      ['audience', await token({ aud: 'another-app' })],
      ['issuer', await token({ iss: 'https://evil.example' })],
      ['key', await token({ key: strangerKey })],
      ['HS256', hs],
    ] as const) {
      assert.equal((await me(bearer)).status, 401, label);
    }
  });

  it('does not issue tokens itself', async () => {
    await assert.rejects(env.platform.tokens.issue('protocollista', 60), /identity provider/);
  });
});

describe('authentication with an unreachable JWKS URL', () => {
  let env: TestEnv;
  before(async () => {
    // A port nobody listens on: the provider is down.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    env = await startTestEnv({
      env: { JWT_SECRET: '', JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, JWT_AUDIENCE: 'dms' },
    });
  });
  after(async () => {
    await env.close();
  });

  it('answers 503 with Retry-After, not 401: the token may well be valid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const bearer = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('protocollista')
      .setAudience('dms')
      .setExpirationTime('10m')
      .sign(privateKey);
    const res = await fetch(env.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query: print(MeDocument) }),
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.match(String(httpError(await res.json())['message']), /identity provider/);
  });
});
