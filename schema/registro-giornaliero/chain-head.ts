import type { EntityManager } from '@mikro-orm/postgresql';
import type { RegisterChainHead } from './register-xml.js';

/**
 * Seals the audit rows committed so far into their chains (outside the register's transaction:
 * the sealer seals committed rows only), so the head read next covers the whole day.
 */
export async function sealAuditChains(_em: EntityManager): Promise<void> {
  // Wired to server/audit/audit-chain.ts sealPending once the audit chain is on main.
}

/** The AOO's audit chain head at the day's close: the last link of a row before `before`. */
export function chainHeadBefore(
  _em: EntityManager,
  _aooId: string,
  _before: Date,
): Promise<RegisterChainHead | null> {
  // Wired to server/audit/audit-chain.ts chainHeadAt once the audit chain is on main.
  return Promise.resolve(null);
}
