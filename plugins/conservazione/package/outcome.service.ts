import { LockMode } from '@mikro-orm/core';
import type { StoredBlob } from '../../../server/blob/blob-store.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import {
  DailyRegisterState,
  setDailyRegisterConservationState,
} from '../../../schema/registro-giornaliero/index.js';
import { ConservationColour } from './conservation-enums.js';
import { ConservationItem, type ConservationReason } from './conservation-item.entity.js';
import { ConservationPackage } from './conservation-package.entity.js';
import { ConservationItemChanged, ConservationPackageChanged } from './conservation.events.js';

/** The stored SIP of a package: the zip, its index, and each document's key and request. */
export interface BuiltPackage {
  sip: StoredBlob;
  pindex: StoredBlob;
  items: ReadonlyArray<{
    documentId: string;
    key: { registro: string; anno: number; numero: string };
    descriptor: StoredBlob;
  }>;
}

/** What the conservator said of one document. */
export type ItemOutcome =
  | {
      colour: ConservationColour.GREEN;
      outcomeCode: string;
      conservatorId: string | null;
      rapporto: StoredBlob;
      warnings: readonly ConservationReason[];
      alreadyConserved: boolean;
    }
  | { colour: ConservationColour.RED; outcomeCode: string; reasons: readonly ConservationReason[] };

async function lockedPackage(tx: UnitOfWork, packageId: string): Promise<ConservationPackage> {
  const pkg = await tx.em.findOne(
    ConservationPackage,
    { id: packageId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  if (!pkg) throw new DomainError('NOT_FOUND', `No conservation package ${packageId}`, { packageId });
  return pkg;
}

/** Records the stored SIP once (the database refuses a second, different one). */
export async function markPackageBuilt(
  tx: UnitOfWork,
  packageId: string,
  built: BuiltPackage,
): Promise<void> {
  const pkg = await lockedPackage(tx, packageId);
  if (pkg.builtAt) return;
  const items = await tx.em.find(ConservationItem, { packageId });
  const byDocument = new Map(built.items.map((b) => [b.documentId, b]));
  for (const item of items) {
    const b = byDocument.get(item.documentId);
    if (!b) throw new Error(`The SIP of package ${packageId} lacks document ${item.documentId}`);
    item.registro = b.key.registro;
    item.anno = b.key.anno;
    item.numero = b.key.numero;
    item.descriptorBlobKey = b.descriptor.key;
    item.descriptorSha256 = b.descriptor.sha256;
  }
  pkg.sipBlobKey = built.sip.key;
  pkg.sipSha256 = built.sip.sha256;
  pkg.sipSize = built.sip.size;
  pkg.pindexBlobKey = built.pindex.key;
  pkg.pindexSha256 = built.pindex.sha256;
  pkg.builtAt = tx.clock.now();
  await tx.audit({
    aooId: pkg.aooId,
    operation: 'conservation.buildPackage',
    targetType: 'ConservationPackage',
    targetId: pkg.id,
    changes: { sipSha256: built.sip.sha256, sipSize: built.sip.size, pindexSha256: built.pindex.sha256 },
  });
}

/** Committed before a document is sent: if the answer is lost, the retry asks the conservator first. */
export async function recordItemSending(tx: UnitOfWork, itemId: string): Promise<void> {
  const item = await tx.em.findOne(ConservationItem, { id: itemId });
  if (!item || item.colour !== ConservationColour.ORANGE) return;
  item.sentCount += 1;
  item.lastSentAt = tx.clock.now();
  await tx.em.flush();
}

/** One transfer attempt of a package ended: with the reason it did not finish, or null. */
export async function recordTransferAttempt(
  tx: UnitOfWork,
  packageId: string,
  error: string | null,
): Promise<void> {
  const pkg = await lockedPackage(tx, packageId);
  pkg.attempts += 1;
  pkg.lastAttemptAt = tx.clock.now();
  pkg.lastError = error === null ? null : error.slice(0, 2000);
  await tx.audit({
    aooId: pkg.aooId,
    operation: 'conservation.transferAttempt',
    targetType: 'ConservationPackage',
    targetId: pkg.id,
    changes: { attempt: pkg.attempts, error: pkg.lastError },
  });
}

/**
 * Records the conservator's outcome for one document, once: an item already green or red keeps
 * its outcome (a duplicate answer changes nothing; returns false). Moves the package's colour
 * and the daily register's state with it, audited, published after the commit.
 */
export async function recordItemOutcome(
  tx: UnitOfWork,
  itemId: string,
  outcome: ItemOutcome,
): Promise<boolean> {
  const item = await tx.em.findOne(ConservationItem, { id: itemId });
  if (!item) throw new DomainError('NOT_FOUND', `No conservation item ${itemId}`, { itemId });
  const pkg = await lockedPackage(tx, item.packageId);
  await tx.em.refresh(item);
  if (item.colour !== ConservationColour.ORANGE) return false;
  const now = tx.clock.now();
  item.colour = outcome.colour;
  item.outcomeCode = outcome.outcomeCode.slice(0, 100);
  item.outcomeAt = now;
  if (outcome.colour === ConservationColour.GREEN) {
    item.reasons = [...outcome.warnings];
    item.rapportoBlobKey = outcome.rapporto.key;
    item.rapportoSha256 = outcome.rapporto.sha256;
    item.conservatorId = outcome.conservatorId?.slice(0, 300) ?? null;
    item.alreadyConserved = outcome.alreadyConserved;
  } else {
    item.reasons =
      outcome.reasons.length > 0
        ? [...outcome.reasons]
        : [
            {
              code: outcome.outcomeCode,
              message: 'Rejected by the conservator without a reason',
              componentId: null,
            },
          ];
  }
  await tx.em.flush();
  if (item.dailyRegisterId) {
    await setDailyRegisterConservationState(
      tx,
      item.dailyRegisterId,
      outcome.colour === ConservationColour.GREEN
        ? DailyRegisterState.CONSERVED
        : DailyRegisterState.CONSERVATION_FAILED,
    );
  }
  await tx.audit({
    aooId: item.aooId,
    operation: 'conservation.outcome',
    targetType: 'ConservationItem',
    targetId: item.id,
    changes: {
      packageId: item.packageId,
      documentId: item.documentId,
      colour: item.colour,
      outcomeCode: item.outcomeCode,
      reasons: item.reasons.map((r) => r.code),
      rapportoSha256: item.rapportoSha256,
      alreadyConserved: item.alreadyConserved,
    },
  });
  tx.publish(
    new ConservationItemChanged({
      itemId: item.id,
      packageId: item.packageId,
      aooId: item.aooId,
      documentId: item.documentId,
      colour: item.colour,
    }),
  );
  await recolour(tx, pkg, outcome.colour);
  return true;
}

/**
 * Red when any document was rejected, green when all are conserved, else orange: from the
 * package's counters, moved here by the one outcome just recorded (the caller holds the
 * package's row lock, so concurrent outcomes move them one at a time).
 */
async function recolour(
  tx: UnitOfWork,
  pkg: ConservationPackage,
  outcome: ConservationColour,
): Promise<void> {
  pkg.orangeCount -= 1;
  if (outcome === ConservationColour.RED) pkg.redCount += 1;
  const colour =
    pkg.redCount > 0
      ? ConservationColour.RED
      : pkg.orangeCount > 0
        ? ConservationColour.ORANGE
        : ConservationColour.GREEN;
  if (colour === pkg.colour) return;
  const from = pkg.colour;
  pkg.colour = colour;
  pkg.colourChangedAt = tx.clock.now();
  await tx.audit({
    aooId: pkg.aooId,
    operation: 'conservation.packageColour',
    targetType: 'ConservationPackage',
    targetId: pkg.id,
    changes: { colour: { from, to: colour } },
  });
  tx.publish(
    new ConservationPackageChanged({
      packageId: pkg.id,
      aooId: pkg.aooId,
      kind: pkg.kind,
      colour,
      fascicoloId: pkg.fascicoloId,
      dailyRegisterId: pkg.dailyRegisterId,
    }),
  );
}
