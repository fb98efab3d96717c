import { LockMode } from '@mikro-orm/core';
import type { StoredBlob } from '../../../server/blob/blob-store.js';
import { directSql } from '../../../server/db/direct-sql.js';
import { pgArray } from '../../../server/db/sql-array.js';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import {
  DailyRegisterState,
  setDailyRegisterConservationState,
} from '../../../schema/registro-giornaliero/index.js';
import { ConservationColour } from './conservation-enums.js';
import type { ConservationReason } from './conservation-item.entity.js';
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
  // Plain rows and one UPDATE: a package's items are thousands, and as entities each would be
  // hydrated, snapshot and compared at the flush for five columns.
  const items = await directSql<{ id: string; document_id: string }>(
    tx.em,
    'select id, document_id from conservation_item where package_id = ?',
    [packageId],
  );
  const byDocument = new Map(built.items.map((b) => [b.documentId, b]));
  const rows = items.map((item) => {
    const b = byDocument.get(item.document_id);
    if (!b) throw new Error(`The SIP of package ${packageId} lacks document ${item.document_id}`);
    return { id: item.id, b };
  });
  if (rows.length > 0) {
    await directSql(
      tx.em,
      `update conservation_item c
          set registro = v.registro, anno = v.anno, numero = v.numero,
              descriptor_blob_key = v.blob_key, descriptor_sha256 = v.sha256
         from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[])
              as v(id, registro, anno, numero, blob_key, sha256)
        where c.id = v.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.b.key.registro),
        rows.map((r) => r.b.key.anno),
        rows.map((r) => r.b.key.numero),
        rows.map((r) => r.b.descriptor.key),
        rows.map((r) => r.b.descriptor.sha256),
      ],
    );
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

/**
 * Committed before documents are sent (a transfer run marks a page of them at once): if an answer
 * is lost, or a marked document never went, the retry asks the conservator first. Items already
 * green or red are left alone.
 */
export async function recordItemsSending(tx: UnitOfWork, itemIds: readonly string[]): Promise<void> {
  if (itemIds.length === 0) return;
  // One statement for the page; nothing of it is needed as entities.
  await tx.em.execute(
    `update conservation_item set sent_count = sent_count + 1, last_sent_at = ?
      where id = any(?::uuid[]) and colour = ?`,
    [tx.clock.now(), pgArray(itemIds), ConservationColour.ORANGE],
  );
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
  const [recorded] = await recordItemOutcomes(tx, [{ itemId, outcome }]);
  return recorded ?? false;
}

/** What recording an outcome reads of its item (a plain row: no entity, nothing to flush). */
interface OutcomeItemRow {
  id: string;
  package_id: string;
  aoo_id: string;
  document_id: string;
  daily_register_id: string | null;
  colour: ConservationColour;
}

async function outcomeItemRows(tx: UnitOfWork, ids: readonly string[]): Promise<OutcomeItemRow[]> {
  return directSql<OutcomeItemRow>(
    tx.em,
    `select id, package_id, aoo_id, document_id, daily_register_id, colour
       from conservation_item where id = any(?::uuid[])`,
    [pgArray(ids)],
  );
}

/**
 * The outcomes of several documents in one transaction (a transfer run records the answers it
 * got in batches): each as `recordItemOutcome` would, in order, its audit row and event each;
 * the packages' rows locked once (in id order) and their colours moved once. Returns, per
 * outcome, whether it was recorded.
 *
 * The items are read and written as plain rows, each one's UPDATE made in its audit row's
 * statement: as entities, every audit row's flush compared every item of the batch, a garbage
 * growing with the square of the batch that was most of what a transfer allocated per document.
 */
export async function recordItemOutcomes(
  tx: UnitOfWork,
  outcomes: ReadonlyArray<{ itemId: string; outcome: ItemOutcome }>,
): Promise<boolean[]> {
  if (outcomes.length === 0) return [];
  const ids = [...new Set(outcomes.map((o) => o.itemId))];
  const found = await outcomeItemRows(tx, ids);
  const known = new Set(found.map((i) => i.id));
  for (const id of ids) {
    if (!known.has(id)) throw new DomainError('NOT_FOUND', `No conservation item ${id}`, { itemId: id });
  }
  const packages = new Map<string, { pkg: ConservationPackage; orange: number; red: number }>();
  for (const packageId of [...new Set(found.map((i) => i.package_id))].sort()) {
    packages.set(packageId, { pkg: await lockedPackage(tx, packageId), orange: 0, red: 0 });
  }
  // Read again under the packages' locks: a concurrent run may have recorded one meanwhile.
  const byId = new Map((await outcomeItemRows(tx, ids)).map((i) => [i.id, i]));
  const now = tx.clock.now();
  const recorded: boolean[] = [];
  for (const { itemId, outcome } of outcomes) {
    const item = byId.get(itemId);
    const moved = item ? packages.get(item.package_id) : undefined;
    if (!item || !moved || item.colour !== ConservationColour.ORANGE) {
      recorded.push(false);
      continue;
    }
    // A second outcome of the same item in the batch finds it decided.
    item.colour = outcome.colour;
    const outcomeCode = outcome.outcomeCode.slice(0, 100);
    const reasons: ConservationReason[] =
      outcome.colour === ConservationColour.GREEN
        ? [...outcome.warnings]
        : outcome.reasons.length > 0
          ? [...outcome.reasons]
          : [
              {
                code: outcome.outcomeCode,
                message: 'Rejected by the conservator without a reason',
                componentId: null,
              },
            ];
    const green = outcome.colour === ConservationColour.GREEN ? outcome : null;
    if (item.daily_register_id) {
      await setDailyRegisterConservationState(
        tx,
        item.daily_register_id,
        green ? DailyRegisterState.CONSERVED : DailyRegisterState.CONSERVATION_FAILED,
      );
    }
    await tx.audit(
      {
        aooId: item.aoo_id,
        operation: 'conservation.outcome',
        targetType: 'ConservationItem',
        targetId: item.id,
        changes: {
          packageId: item.package_id,
          documentId: item.document_id,
          colour: outcome.colour,
          outcomeCode,
          reasons: reasons.map((r) => r.code),
          rapportoSha256: green?.rapporto.sha256 ?? null,
          alreadyConserved: green?.alreadyConserved ?? false,
        },
      },
      {
        with: green
          ? {
              parts: [
                `update conservation_item set colour = ?, outcome_code = ?, outcome_at = ?, reasons = ?::jsonb,
                   rapporto_blob_key = ?, rapporto_sha256 = ?, conservator_id = ?, already_conserved = ?
                 where id = ?`,
              ],
              params: [
                outcome.colour,
                outcomeCode,
                now,
                JSON.stringify(reasons),
                green.rapporto.key,
                green.rapporto.sha256,
                green.conservatorId?.slice(0, 300) ?? null,
                green.alreadyConserved,
                item.id,
              ],
            }
          : {
              parts: [
                `update conservation_item set colour = ?, outcome_code = ?, outcome_at = ?, reasons = ?::jsonb
                 where id = ?`,
              ],
              params: [outcome.colour, outcomeCode, now, JSON.stringify(reasons), item.id],
            },
      },
    );
    tx.publish(
      new ConservationItemChanged({
        itemId: item.id,
        packageId: item.package_id,
        aooId: item.aoo_id,
        documentId: item.document_id,
        colour: outcome.colour,
      }),
    );
    moved.orange += 1;
    if (outcome.colour === ConservationColour.RED) moved.red += 1;
    recorded.push(true);
  }
  for (const { pkg, orange, red } of packages.values()) {
    if (orange > 0) await recolour(tx, pkg, orange, red);
  }
  return recorded;
}

/**
 * Red when any document was rejected, green when all are conserved, else orange: from the
 * package's counters, moved here by the outcomes just recorded (`decided` items left orange,
 * `rejected` of them red; the caller holds the package's row lock, so concurrent outcomes move
 * them one batch at a time). Red is final and green needs every item decided, so the colour
 * moves as it would one outcome at a time: at most once, audited and published once.
 */
async function recolour(
  tx: UnitOfWork,
  pkg: ConservationPackage,
  decided: number,
  rejected: number,
): Promise<void> {
  pkg.orangeCount -= decided;
  pkg.redCount += rejected;
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
