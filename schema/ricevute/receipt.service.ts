import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import {
  formatProtocolNumber,
  ProtocolRecord,
  ProtocolState,
  recordVisibilitySql,
} from '../protocollo/index.js';
import { labelCode, labelText, parseLabelCode } from './label-code.js';
import { renderLabel } from './label-pdf.js';
import { factsOfRecord, receiptFacts, type ReceiptFacts } from './receipt-facts.js';
import { renderReceipt } from './receipt-pdf.js';

/** A PDF to send: its bytes and the name to save it under. */
export interface IssuedPdf {
  pdf: Buffer;
  fileName: string;
}

/** `c_demo-ADEMO01-2026-0000042`: the register and number, safe in any file system. */
function baseName(facts: ReceiptFacts): string {
  const { codes, record } = facts;
  return `${codes.ipaCode}-${codes.aooCode}-${record.year}-${formatProtocolNumber(record.number)}`;
}

/**
 * The receipt of registration of a record the caller sees (NOT_FOUND, like a missing id,
 * otherwise). Rendered first, then audited like a file download (001 §6.4): a receipt that
 * could not be produced is not recorded as handed out, and none leaves without its audit row.
 */
export async function issueReceipt(ctx: RequestContext, id: string): Promise<IssuedPdf> {
  const facts = await receiptFacts(ctx, id);
  const pdf = await renderReceipt(facts, ctx.clock.now());
  await auditRead(ctx, {
    aooId: facts.record.aooId,
    operation: 'protocolRecord.receipt.download',
    targetType: 'ProtocolRecord',
    targetId: facts.record.id,
    changes: { state: facts.record.state },
  });
  return { pdf, fileName: `ricevuta-protocollo-${baseName(facts)}.pdf` };
}

/**
 * The receipt of registration of a record, for system work that has authorised it already (the
 * PEC plugin sends it to a PEC sender, 001 §6.6: "automatically for PEC"). Nothing is audited
 * here: the caller audits the sending in its own transaction. Personal data of persons are
 * masked unless `ctx` holds PROTOCOL_READ_PERSONAL_DATA (a system context does not).
 */
export async function renderRegistrationReceipt(
  ctx: RequestContext,
  record: ProtocolRecord,
): Promise<IssuedPdf> {
  const facts = await factsOfRecord(ctx, record);
  const pdf = await renderReceipt(facts, ctx.clock.now());
  return { pdf, fileName: `ricevuta-protocollo-${baseName(facts)}.pdf` };
}

/** The printable label of a record the caller sees: short segnatura and barcode; audited likewise. */
export async function issueLabel(ctx: RequestContext, id: string): Promise<IssuedPdf> {
  const facts = await receiptFacts(ctx, id);
  const pdf = await renderLabel({
    heading: `${facts.administrationName} — ${facts.aooName}`,
    text: labelText(facts.codes, facts.record),
    code: labelCode(facts.codes, facts.record),
    annulled: facts.record.state === ProtocolState.ANNULLATO,
    issuedAt: ctx.clock.now(),
  });
  await auditRead(ctx, {
    aooId: facts.record.aooId,
    operation: 'protocolRecord.label.download',
    targetType: 'ProtocolRecord',
    targetId: facts.record.id,
  });
  return { pdf, fileName: `etichetta-protocollo-${baseName(facts)}.pdf` };
}

/**
 * The record a scanned label code names, if the caller sees it: NOT_FOUND for a code of no
 * record and for one of a hidden record alike (a label lying on a desk must not tell whether a
 * record exists); a viewing, audited as such.
 */
export async function recordByLabelCode(ctx: RequestContext, code: string): Promise<ProtocolRecord> {
  const key = parseLabelCode(code);
  if (ctx.user !== null) {
    const v = recordVisibilitySql(ctx);
    const rows = await ctx.em.execute<Array<{ id: string }>>(
      `select r.id from protocol_record r
         join aoo a on a.id = r.aoo_id
         join administration ad on ad.id = a.administration_id
        where ad.ipa_code = ? and a.code = ? and r.year = ? and r.number = ? and ${v.sql}`,
      [key.ipaCode, key.aooCode, key.year, key.number, ...v.params],
    );
    const record = rows[0] ? await ctx.em.findOne(ProtocolRecord, { id: rows[0].id }) : null;
    if (record) {
      await auditRead(ctx, {
        aooId: record.aooId,
        operation: 'protocolRecord.read',
        targetType: 'ProtocolRecord',
        targetId: record.id,
        changes: { barcode: code.trim() },
      });
      return record;
    }
  }
  throw new NotFoundError('ProtocolRecord', code.trim());
}
