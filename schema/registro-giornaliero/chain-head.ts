import type { EntityManager } from '@mikro-orm/postgresql';
import { chainHeadAt } from '../../server/audit/audit-chain.js';
import type { Platform } from '../../server/platform.js';
import type { RegisterChainHead } from './register-xml.js';

/**
 * Seals the audit rows committed so far into their chains, on the sealer's own connection and
 * outside the register's transaction (the sealer seals committed rows only), so the head read
 * next covers every row of the day.
 */
export async function sealAuditChains(platform: Platform): Promise<void> {
  await platform.auditSealer.flush();
}

/** The AOO's audit chain head at the day's close: the last sealed link of a row before `before`. */
export async function chainHeadBefore(
  em: EntityManager,
  aooId: string,
  before: Date,
): Promise<RegisterChainHead | null> {
  const head = await chainHeadAt(em, aooId, before);
  return head ? { seq: head.seq, hash: head.hash, at: head.at } : null;
}
