import type { RequestContext } from '../../server/context.js';
import { MailDeliveryError } from '../../server/mail/mailer.js';
import type { JobDefinition } from '../../server/modules/module.js';
import { formatProtocolNumber } from '../protocollo/index.js';
import { WorkflowAction } from './assegnazioni-enums.js';

export const NOTICE_JOB = 'assegnazioni.notice';

/** The step's time as Italian readers expect it (Rome's calendar and clock). */
const ROME_TIME = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  dateStyle: 'short',
  timeStyle: 'short',
});

/** The steps that bring someone work or knowledge, and so an e-mail notice. */
export const NOTIFIED_ACTIONS: ReadonlySet<WorkflowAction> = new Set([
  WorkflowAction.SMISTAMENTO,
  WorkflowAction.TRASFERIMENTO,
  WorkflowAction.ASSEGNAZIONE,
  WorkflowAction.CONOSCENZA,
]);

interface NoticeRow {
  action: WorkflowAction;
  at: Date;
  note: string | null;
  number: number;
  year: number;
  kind: string;
  oggetto: string;
  uor_name: string | null;
  uor_email: string | null;
  user_email: string | null;
  user_name: string | null;
  actor_name: string | null;
}

const WHAT: Readonly<Record<string, (r: NoticeRow) => string>> = {
  [WorkflowAction.SMISTAMENTO]: (r) => `assegnato per competenza a ${r.uor_name ?? ''}`,
  [WorkflowAction.TRASFERIMENTO]: (r) => `trasferito per competenza a ${r.uor_name ?? ''}`,
  [WorkflowAction.ASSEGNAZIONE]: (r) => `assegnato a ${r.user_name ?? ''} come RPA (${r.uor_name ?? ''})`,
  [WorkflowAction.CONOSCENZA]: (r) => `inviato per conoscenza a ${r.user_name ?? r.uor_name ?? ''}`,
};

/**
 * The e-mail notice of a step (DOMAIN §6: users are notified by e-mail): to the office's address
 * and, for an assignment, the RPA's; for CC, the office's or the person's. Enqueued in the step's
 * transaction, so only committed steps are notified; a transient SMTP failure is retried with
 * backoff, a permanent refusal (a wrong address) is logged and not retried. Nothing is sent when
 * nobody has an address.
 */
export const assignmentNoticeJob: JobDefinition<{ stepId: string }> = {
  name: NOTICE_JOB,
  retryLimit: 5,
  retryDelaySeconds: 60,
  run: async (ctx: RequestContext, data) => {
    const mailer = ctx.platform.mailer;
    if (!mailer) return { sent: false, reason: 'no SMTP configured' };
    const rows = await ctx.em.execute<NoticeRow[]>(
      `select s.action, s.at, s.note, r.number, r.year, r.kind, r.oggetto,
              o.name as uor_name, o.email as uor_email, u.email as user_email,
              u.given_name || ' ' || u.family_name as user_name,
              a.given_name || ' ' || a.family_name as actor_name
         from workflow_step s join protocol_record r on r.id = s.record_id
         left join uor o on o.id = s.to_uor_id
         left join app_user u on u.id = s.to_user_id and u.active
         left join app_user a on a.id = s.actor_id
        where s.id = ?::bigint`,
      [data.stepId],
    );
    const step = rows[0];
    if (!step) return { sent: false, reason: 'no such step' };
    const to = [step.uor_email, step.user_email].filter((e): e is string => e !== null && e !== '');
    if (to.length === 0) return { sent: false, reason: 'no address' };
    const number = `${formatProtocolNumber(step.number)}/${step.year}`;
    const what = WHAT[step.action]?.(step) ?? step.action;
    const text = [
      `Il protocollo n. ${number} (${step.kind.toLowerCase()}) è stato ${what}.`,
      '',
      `Oggetto: ${step.oggetto}`,
      `Da: ${step.actor_name ?? 'sistema'}, ${ROME_TIME.format(new Date(step.at))}`,
      ...(step.note ? [`Nota: ${step.note}`] : []),
      '',
      'Messaggio automatico del sistema di protocollo informatico: non rispondere.',
    ].join('\n');
    try {
      const sent = await mailer.send({
        to,
        subject: `Protocollo n. ${number}: ${what}`,
        text,
        headers: { 'X-Dms-Workflow-Step': data.stepId },
      });
      return { sent: true, messageId: sent.messageId, rejected: sent.rejected };
    } catch (e) {
      if (e instanceof MailDeliveryError && e.permanent) {
        ctx.platform.logger.warn({ stepId: data.stepId, err: e.message }, 'workflow notice refused for good');
        return { sent: false, reason: 'refused', error: e.message };
      }
      throw e;
    }
  },
};
