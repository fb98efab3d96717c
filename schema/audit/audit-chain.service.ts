import { forbidden } from '../../server/auth/auth-checker.js';
import { chainOf } from '../../server/audit/audit-chain.js';
import { verifyChain, type ChainReport } from '../../server/audit/audit-verify.js';
import type { RequestContext } from '../../server/context.js';
import { visibleAoo } from '../organisation/index.js';
import type { AuditChainReport } from './audit-chain.types.js';
import { AUDIT_READ } from './permissions.js';

/**
 * Verifies an AOO's chain (AUDIT_READ there), or the platform-level one (platform
 * administrators), in the database: the first broken link and why, and rows left out of it.
 */
export async function auditChainReport(ctx: RequestContext, aooId: string | null): Promise<AuditChainReport> {
  if (aooId === null) {
    if (!ctx.user?.platformAdmin)
      throw forbidden('verify the platform-level audit chain (platform administrators)');
  } else {
    await visibleAoo(ctx, ctx.em, aooId);
    if (!ctx.grants.has(AUDIT_READ, aooId))
      throw forbidden("verify this AOO's audit chain (needs AUDIT_READ)");
  }
  return toReport(aooId, await verifyChain(ctx.em, chainOf(aooId), { now: ctx.clock.now() }));
}

export function toReport(aooId: string | null, r: ChainReport): AuditChainReport {
  return {
    aooId,
    ok: r.ok,
    links: r.links,
    headSeq: r.head?.seq ?? null,
    headHash: r.head?.hash ?? null,
    brokenAt: r.brokenAt,
    reason: r.reason,
    unsealed: r.unsealed,
  };
}
