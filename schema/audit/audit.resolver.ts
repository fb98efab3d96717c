import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { RequiresOrPlatformAdmin } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { auditChainReport } from './audit-chain.service.js';
import { AuditChainReport } from './audit-chain.types.js';
import { AUDIT_READ } from './permissions.js';

@Resolver()
export class AuditResolver {
  @Query(() => AuditChainReport, {
    description:
      "Walks the AOO's audit hash chain in the database and names the first broken link (AUDIT_READ); without aooId, the platform-level chain (platform administrators)",
  })
  @RequiresOrPlatformAdmin(AUDIT_READ)
  auditChainVerification(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { nullable: true, description: 'The AOO; null for the platform-level chain' })
    aooId: string | null,
  ): Promise<AuditChainReport> {
    return auditChainReport(ctx, aooId);
  }
}
