import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import type { Fascicolo } from './fascicolo.entity.js';
import { fascicoloLoaders } from './fascicolo-loaders.js';
import { findVisibleFascicolo } from './fascicolo-visibility.js';

/** A fascicolo read by a user: every viewing is audited, like a document's. */
export async function readFascicolo(ctx: RequestContext, id: string): Promise<Fascicolo> {
  const f = await findVisibleFascicolo(ctx, ctx.em, id);
  // Its sottofascicoli ask for their parent: it is this one, seen already.
  fascicoloLoaders.fascicolo(ctx).prime(f.id, f);
  await auditRead(ctx, {
    aooId: f.aoo.id,
    operation: 'fascicolo.read',
    targetType: 'Fascicolo',
    targetId: f.id,
  });
  return f;
}
