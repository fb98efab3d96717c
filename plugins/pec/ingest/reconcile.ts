import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import type { JobDefinition } from '../../../server/modules/module.js';
import { ANNULMENT_LOOKBACK_MS, reconcileAnnulmentNotices } from './annulment-notice.js';
import { sendRegistrationReplies } from './registration-replies.js';

export const RECONCILE_JOB = 'pec.interop-reconcile';

/**
 * Registered messages of the lookback window that may still owe a reply: a Segnatura with
 * neither a Conferma nor an Eccezione claimed, though it asked for one or is irregular; or a
 * PEC sender without the receipt of registration its mailbox sends.
 */
async function registrationsOwingReplies(ctx: RequestContext): Promise<string[]> {
  const since = new Date(ctx.clock.now().getTime() - ANNULMENT_LOOKBACK_MS);
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select m.id from pec_message m join pec_mailbox b on b.id = m.mailbox_id
      where m.state = 'REGISTERED' and m.registered_at >= ? and b.active and b.kind = 'PEC'
        and ((m.summary -> 'interop' ->> 'kind' = 'segnatura'
              and ((m.summary -> 'interop' -> 'segnatura' ->> 'confermaRichiesta')::boolean
                   or jsonb_array_length(m.summary -> 'interop' -> 'problems') > 0
                   or not (m.summary -> 'interop' ->> 'schemaValid')::boolean)
              and not exists (select 1 from pec_interop_sent s
                               where s.pec_message_id = m.id and s.kind in ('conferma', 'eccezione')))
          or (b.send_registration_receipt
              and not exists (select 1 from pec_interop_sent s where s.pec_message_id = m.id and s.kind = 'ricevuta')))
      order by m.registered_at limit 1000`,
    [since],
  );
  return rows.map((r) => r.id);
}

/**
 * The replies this AOO owes (Conferma, Eccezione, receipt of registration, Annullamento),
 * enqueued here if the event handler that normally does it right after the commit did not run
 * (a crash between the commit and the handler, another replica's restart). Each claim is
 * unique, so a reply is enqueued once whoever gets there first.
 */
export async function reconcileInteropReplies(
  ctx: RequestContext,
): Promise<{ replies: number; annulments: number }> {
  let replies = 0;
  for (const id of await registrationsOwingReplies(ctx)) {
    try {
      replies += (await withTransaction(ctx, (tx) => sendRegistrationReplies(tx, id))).length;
    } catch (err) {
      ctx.logger.error(
        { err, pecMessageId: id },
        'PEC: the replies to a registered message could not be enqueued',
      );
    }
  }
  return { replies, annulments: await reconcileAnnulmentNotices(ctx) };
}

export const reconcileJob: JobDefinition = {
  name: RECONCILE_JOB,
  // Every five minutes: the latency of a reply whose event was lost.
  cron: '*/5 * * * *',
  retryLimit: 0,
  run: (ctx) => reconcileInteropReplies(ctx),
};
