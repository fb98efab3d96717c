import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import type { RegisterCodes } from './label-code.js';

/**
 * The public codes of each AOO's register (IPA code of the administration, AOO code, register
 * code), one statement per request level whatever the number of records. Callers pass the AOOs
 * of records they see: those codes are printed on every label and segnatura of the AOO anyway.
 */
export const registerCodesLoader = (ctx: RequestContext) =>
  loader(
    ctx,
    'ricevute.registerCodes',
    () =>
      new DataLoader<string, RegisterCodes>(async (aooIds) => {
        const rows = await ctx.em.execute<
          Array<{ id: string; ipa_code: string; code: string; register_code: string }>
        >(
          `select a.id, ad.ipa_code, a.code, a.register_code
             from aoo a join administration ad on ad.id = a.administration_id
            where a.id = any(?::uuid[])`,
          [pgArray(aooIds)],
        );
        const by = new Map(rows.map((r) => [r.id, r]));
        return aooIds.map((id) => {
          const r = by.get(id);
          return r
            ? { ipaCode: r.ipa_code, aooCode: r.code, registerCode: r.register_code }
            : new Error(`AOO ${id} is missing`);
        });
      }),
  );
