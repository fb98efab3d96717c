import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Platform } from '../../server/platform.js';
import { platformSecret } from '../../server/secrets/platform-secret.js';

const keys = new WeakMap<Platform, Promise<Buffer>>();

function linkKey(platform: Platform): Promise<Buffer> {
  let key = keys.get(platform);
  if (!key) {
    const loading = platformSecret(platform.orm.em.fork(), 'download_link_key');
    keys.set(platform, loading);
    // A failed load (database briefly unavailable) is not remembered: the next link tries again.
    loading.catch(() => {
      if (keys.get(platform) === loading) keys.delete(platform);
    });
    key = loading;
  }
  return key;
}

export interface LinkClaims {
  fileId: string;
  userId: string;
  expiresAt: number; // unix seconds
}

function mac(key: Buffer, c: LinkClaims): string {
  return createHmac('sha256', key).update(`${c.fileId}.${c.userId}.${c.expiresAt}`).digest('base64url');
}

/**
 * A short-lived link for browsers (an <a href> cannot send a bearer token). It names the user
 * it was issued to: when used, that user must still be active and still see the file.
 */
export async function signDownloadLink(platform: Platform, claims: LinkClaims): Promise<string> {
  const sig = mac(await linkKey(platform), claims);
  return `/files/${claims.fileId}?u=${claims.userId}&exp=${claims.expiresAt}&sig=${sig}`;
}

/** null when the signature is wrong or the link has expired. */
export async function verifyDownloadLink(
  platform: Platform,
  fileId: string,
  query: Record<string, unknown>,
  nowSeconds: number,
): Promise<LinkClaims | null> {
  const { u, exp, sig } = query;
  if (typeof u !== 'string' || typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp))
    return null;
  const claims = { fileId, userId: u, expiresAt: Number(exp) };
  const expected = Buffer.from(mac(await linkKey(platform), claims));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return claims.expiresAt >= nowSeconds ? claims : null;
}
