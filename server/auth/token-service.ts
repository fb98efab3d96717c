import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';

/** Why a caller is not authenticated; `extensions.reason` of UNAUTHENTICATED errors. */
export type AuthFailure = 'missing' | 'expired' | 'invalid' | 'unknown_user';

export class AuthenticationError extends Error {
  constructor(
    readonly reason: AuthFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The identity provider's keys are unreachable: HTTP 503, logged, the client may retry. */
export class IdentityProviderUnavailableError extends Error {
  readonly status = 503;
  constructor(cause: unknown) {
    super('The identity provider cannot be reached to verify the token; retry shortly', { cause });
    this.name = 'IdentityProviderUnavailableError';
  }
}

export interface VerifiedToken {
  subject: string;
  /** null when the token has no `exp` (refused: every token must expire). */
  expiresAt: Date;
}

const DEV_SECRET_FILE = 'dev-jwt-secret';
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Verifies bearer tokens: HS256 with a configured secret, or the keys an OIDC provider
 * publishes at a JWKS URL. Without either (development only) a random secret is generated
 * once and kept in the data folder, so `dms token` and the server agree.
 */
export class TokenService {
  private constructor(
    private readonly key: Uint8Array | JWTVerifyGetKey,
    private readonly canIssue: boolean,
    private readonly issuer: string | undefined,
    private readonly audience: string | undefined,
    /** Which key verifies tokens, safe to write down: a digest of the secret, or the JWKS URL. */
    readonly keyFingerprint: string,
  ) {}

  static async create(config: Config): Promise<TokenService> {
    const { auth } = config;
    if (auth.jwksUrl !== undefined) {
      const jwks = createRemoteJWKSet(new URL(auth.jwksUrl));
      return new TokenService(jwks, false, auth.issuer, auth.audience, `jwks:${auth.jwksUrl}`);
    }
    const secret = auth.jwtSecret ?? (await devSecret(config.dataDir));
    const fingerprint = `hs256:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
    return new TokenService(new TextEncoder().encode(secret), true, auth.issuer, auth.audience, fingerprint);
  }

  /**
   * HS256 tokens already verified, until they expire: the signature of a given token under the
   * process's one secret verifies once and for all, and verifying it costs a WebCrypto job per
   * request (as much as a registration's INSERT). Only the expiry is checked again.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt.getTime() > Date.now()) return known;
      this.verified.delete(token);
    }
    const outcome = await this.verifyToken(token);
    if (this.key instanceof Uint8Array) {
      if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.clear();
      this.verified.set(token, outcome);
    }
    return outcome;
  }

  private async verifyToken(token: string): Promise<VerifiedToken> {
    try {
      const options = {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: this.canIssue
          ? ['HS256']
          : ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
        requiredClaims: ['sub', 'exp'],
      };
      const { payload } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
        throw new AuthenticationError('invalid', 'The token has no subject or expiry');
      }
      return { subject: payload.sub, expiresAt: new Date(payload.exp * 1000) };
    } catch (e) {
      if (e instanceof AuthenticationError) throw e;
      if (e instanceof joseErrors.JWTExpired)
        throw new AuthenticationError('expired', 'The token has expired');
      // The provider's keys could not be fetched: not the client's fault, and worth an alarm.
      if (e instanceof joseErrors.JWKSTimeout || !(e instanceof joseErrors.JOSEError)) {
        throw new IdentityProviderUnavailableError(e);
      }
      throw new AuthenticationError('invalid', 'The token is not valid');
    }
  }

  /** Issues a token for a subject; only with a local HS256 secret (dev and tests). */
  async issue(subject: string, ttlSeconds: number): Promise<string> {
    if (!this.canIssue || !(this.key instanceof Uint8Array)) {
      throw new Error('Tokens are issued by the identity provider when JWT_JWKS_URL is configured');
    }
    let jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
    if (this.issuer) jwt = jwt.setIssuer(this.issuer);
    if (this.audience) jwt = jwt.setAudience(this.audience);
    return jwt.sign(this.key);
  }
}

async function devSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, DEV_SECRET_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    // wx: two processes starting together must not overwrite each other's secret.
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** Parses `8h`, `30m`, `3600s`, `1d` into seconds; null when it is not such a duration (at most 30 days). */
export function parseTtl(ttl: string): number | null {
  const m = /^(\d{1,7})\s*([smhd])?$/.exec(ttl.trim());
  if (!m) return null;
  const seconds = Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? 's'] ?? 1);
  return seconds > 0 && seconds <= 30 * 86400 ? seconds : null;
}
