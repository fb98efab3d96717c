/**
 * The advisory-lock key that serialises, per content digest, recording an upload and
 * collecting an orphan object: 52 bits of the digest, well inside PostgreSQL's bigint.
 */
export function blobLockKey(sha256: string): string {
  return BigInt(`0x${sha256.slice(0, 13)}`).toString();
}
