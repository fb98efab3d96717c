import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { ProtocolKind, ProtocolState } from './protocollo-enums.js';

/**
 * Marks an outgoing record as sent by PEC (DOMAIN §5: it can then never be annulled, the
 * recipient has it), for the PEC plugin, in the transaction that records the provider's
 * acceptance. Locks the record first, as annulment does, so the two serialise: an annulment
 * that waited sees the record sent and is refused. Idempotent: the first sending time stays.
 * A record annulled meanwhile, or one that is not partenza, is refused (the database's check
 * would refuse the latter as well).
 */
export async function markSentByPec(tx: UnitOfWork, recordId: string): Promise<ProtocolRecord> {
  await tx.em.execute('select id from protocol_record where id = ? for update', [recordId]);
  const record = await tx.em.findOneOrFail(ProtocolRecord, { id: recordId }, { refresh: true });
  if (record.kind !== ProtocolKind.PARTENZA) {
    // The caller checks the kind first (its own typed error): reaching here is a defect.
    throw new Error(`record ${record.id} is ${record.kind}: only partenza records are sent by PEC`);
  }
  if (record.state === ProtocolState.ANNULLATO) {
    throw new DomainError(
      'PROTOCOL_ANNULLED',
      `record ${record.number}/${record.year} is annulled: it stays readable but changes no more`,
    );
  }
  if (record.sentByPec) return record;
  record.sentByPec = true;
  record.sentByPecAt = tx.clock.now();
  await tx.audit({
    aooId: record.aooId,
    operation: 'protocol.sentByPec',
    targetType: 'ProtocolRecord',
    targetId: record.id,
    changes: { sentByPec: [false, true], sentByPecAt: record.sentByPecAt.toISOString() },
  });
  return record;
}

/**
 * The sealed segnatura stored with a record at registration (null: its AOO had no seal), as
 * stored: its bytes are what the seal covers. No visibility check: for system work (a PEC send
 * job) on a record a service has already authorised.
 */
export async function storedSegnatura(
  tx: Pick<UnitOfWork, 'em'>,
  recordId: string,
): Promise<{ xml: string; sha256: string } | null> {
  const rows = await tx.em.execute<Array<{ xml: string; sha256: string }>>(
    'select xml, sha256 from protocol_segnatura where record_id = ?',
    [recordId],
  );
  return rows[0] ?? null;
}
