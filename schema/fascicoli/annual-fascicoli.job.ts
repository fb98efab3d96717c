import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import type { JobDefinition } from '../../server/modules/module.js';
import { Uor } from '../organisation/index.js';
import { resolveClassification, TitolarioNode } from '../titolario/index.js';
import { Fascicolo } from './fascicolo.entity.js';
import { insertFascicolo } from './fascicolo.service.js';

/**
 * Repetitive annual fascicoli (DOMAIN §3): each one of an earlier year not yet repeated gets a
 * copy for the current year (Europe/Rome), on the same classification code in the titolario
 * version in force now, with a new number of that year. The copy points to its original
 * (repeated_from_id is unique), so a second run, or two replicas at once, open nothing twice.
 * Returns the ids opened.
 */
export async function openAnnualFascicoli(ctx: RequestContext): Promise<string[]> {
  const day = romeDay(ctx.clock.now());
  const year = Number(day.slice(0, 4));
  const due = await ctx.em.execute<Array<{ id: string }>>(
    `select f.id from fascicolo f
      where f.annual_repeat and f.parent_id is null and f.year < ?
        and not exists (select 1 from fascicolo r where r.repeated_from_id = f.id)
      order by f.year, f.classification_sort, f.number`,
    [year],
  );
  const opened: string[] = [];
  for (const { id } of due) {
    try {
      const copy = await withTransaction(ctx, async (tx) => {
        const source = await tx.em.findOneOrFail(Fascicolo, { id });
        const sourceNode = await tx.em.findOneOrFail(TitolarioNode, { id: source.classificationId });
        const candidates = await tx.em.find(TitolarioNode, {
          aoo: source.aoo.id,
          fullCode: sourceNode.fullCode,
        });
        let resolved: Awaited<ReturnType<typeof resolveClassification>> | null = null;
        for (const node of candidates) {
          try {
            resolved = await resolveClassification(tx, { aooId: source.aoo.id, nodeId: node.id, day });
            break;
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
          }
        }
        if (!resolved) {
          ctx.logger.warn(
            { fascicoloId: id, code: sourceNode.fullCode },
            'annual fascicolo not repeated: its classification code is not in the titolario in force',
          );
          return null;
        }
        return insertFascicolo(tx, {
          node: resolved.node,
          titolo: resolved.titolo,
          kind: source.kind,
          oggetto: source.oggetto,
          uor: await tx.em.findOneOrFail(Uor, { id: source.uor.id }),
          rpaId: source.rpa.id,
          participatingAdministrations: [...source.participatingAdministrations],
          confidentiality: source.confidentiality,
          physicalLocation: source.physicalLocation,
          annualRepeat: true,
          repeatedFromId: source.id,
        });
      });
      if (copy) opened.push(copy.id);
    } catch (e) {
      // Another run repeated it meanwhile (unique repeated_from_id), or one bad row: go on with the rest.
      ctx.logger.warn({ fascicoloId: id, err: e }, 'annual fascicolo not repeated');
    }
  }
  return opened;
}

export const annualFascicoliJob: JobDefinition = {
  name: 'fascicoli.annual-repeat',
  // 23:10 UTC on 31 December is 00:10 on 1 January in Rome (CET, UTC+1).
  cron: '10 23 31 12 *',
  run: async (ctx) => ({ opened: (await openAnnualFascicoli(ctx)).length }),
};
