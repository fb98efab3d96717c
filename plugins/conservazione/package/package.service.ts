import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { UnitOfWork } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import { directSql } from '../../../server/db/direct-sql.js';
import { pgArray } from '../../../server/db/sql-array.js';
import { visibleDocumentIds } from '../../../schema/documents/index.js';
import {
  DailyRegister,
  DailyRegisterState,
  setDailyRegisterConservationState,
} from '../../../schema/registro-giornaliero/index.js';
import { ConservationColour, PackageKind } from './conservation-enums.js';
import { ConservationItem } from './conservation-item.entity.js';
import { ConservationPackage } from './conservation-package.entity.js';
import { ConservationPackageChanged } from './conservation.events.js';
import {
  closedFascicoloTree,
  conservationStates,
  orderByRegistration,
  unitsOfTree,
  type PackageUnit,
} from './package-units.js';
import { CONSERVATION_MANAGE } from './permissions.js';
import { TRANSFER_JOB, type TransferJobData } from './transfer-job-name.js';

/** Most documents one series package carries (a package is one transfer; build several). */
export const MAX_SERIES_DOCUMENTS = 10_000;

export type CreatePackageInput =
  | { kind: PackageKind.DAILY_REGISTER; aooId: string; dailyRegisterId: string }
  | { kind: PackageKind.FASCICOLO; aooId: string; fascicoloId: string }
  | { kind: PackageKind.SERIES; aooId: string; label: string; documentIds: readonly string[] };

interface Plan {
  label: string;
  units: PackageUnit[];
  fascicoloId: string | null;
  dailyRegisterId: string | null;
}

/**
 * Creates a package and enqueues its transfer in the caller's transaction: a daily register, a
 * closed fascicolo (every document filed in its tree that is not conserved yet), or documents
 * the archivist chose. Refused: documents already conserved, waiting in another package, drafts
 * (outside a closed fascicolo), documents the caller cannot see (as if missing).
 */
export async function createPackage(tx: UnitOfWork, input: CreatePackageInput): Promise<ConservationPackage> {
  requireManage(tx, input.aooId);
  const plan = await planOf(tx, input);
  return insertPackage(tx, input.aooId, input.kind, plan, null);
}

/**
 * Resends a rejected package once its transfer has finished: a new package with its red
 * documents (corrected meanwhile: metadata, files re-read from storage), naming the old one.
 */
export async function resendPackage(tx: UnitOfWork, packageId: string): Promise<ConservationPackage> {
  const old = await tx.em.findOne(ConservationPackage, { id: packageId });
  if (!old) throw new DomainError('NOT_FOUND', `No conservation package ${packageId}`, { packageId });
  requireManage(tx, old.aooId);
  const resent = await tx.em.findOne(ConservationPackage, { resentFromId: old.id });
  const waiting = await tx.em.count(ConservationItem, { packageId, colour: ConservationColour.ORANGE });
  if (old.colour !== ConservationColour.RED || waiting > 0 || resent) {
    throw new DomainError(
      'CONSERVATION_PACKAGE_NOT_RED',
      resent
        ? `Package ${old.label} was already resent as ${resent.id}`
        : `Package ${old.label} is ${old.colour.toLowerCase()}${waiting > 0 ? ` with ${waiting} documents still waiting for the conservator` : ''}: only a rejected package whose transfer finished is resent`,
      { packageId, colour: old.colour, waiting, resentAs: resent?.id ?? null },
    );
  }
  const red = await tx.em.find(
    ConservationItem,
    { packageId, colour: ConservationColour.RED },
    { orderBy: { position: 'asc' } },
  );
  const plan: Plan = {
    label: old.label.endsWith(' (reinvio)') ? old.label : `${old.label.slice(0, 289)} (reinvio)`,
    units: red.map((i) => ({
      documentId: i.documentId,
      fascicoloId: i.fascicoloId,
      dailyRegisterId: i.dailyRegisterId,
    })),
    fascicoloId: old.fascicoloId,
    dailyRegisterId: old.dailyRegisterId,
  };
  return insertPackage(tx, old.aooId, old.kind, plan, old.id);
}

function requireManage(tx: UnitOfWork, aooId: string): void {
  if (tx.system || tx.grants.has(CONSERVATION_MANAGE, aooId)) return;
  throw new DomainError('FORBIDDEN', 'Building conservation packages needs CONSERVATION_MANAGE in this AOO', {
    aooId,
  });
}

async function planOf(tx: UnitOfWork, input: CreatePackageInput): Promise<Plan> {
  switch (input.kind) {
    case PackageKind.DAILY_REGISTER: {
      const register = await tx.em.findOne(DailyRegister, { id: input.dailyRegisterId, aooId: input.aooId });
      if (!register) {
        throw new DomainError('NOT_FOUND', `No daily register ${input.dailyRegisterId} in this AOO`, {
          dailyRegisterId: input.dailyRegisterId,
        });
      }
      return {
        label: `Registro giornaliero di protocollo del ${register.day} (${register.identifier})`,
        units: [{ documentId: register.documentId, fascicoloId: null, dailyRegisterId: register.id }],
        fascicoloId: null,
        dailyRegisterId: register.id,
      };
    }
    case PackageKind.FASCICOLO: {
      const tree = await closedFascicoloTree(tx.em, input.aooId, input.fascicoloId);
      const units = await unitsOfTree(tx.em, tree.ids);
      // Documents conserved before (another fascicolo, a series) are not sent again.
      const { conserved } = await conservationStates(
        tx.em,
        units.map((u) => u.documentId),
      );
      return {
        label: tree.label.slice(0, 300),
        units: units.filter((u) => !conserved.has(u.documentId)),
        fascicoloId: input.fascicoloId,
        dailyRegisterId: null,
      };
    }
    case PackageKind.SERIES: {
      const label = input.label.trim();
      if (label.length === 0 || label.length > 300) {
        throw new DomainError('BAD_USER_INPUT', 'A series package needs a label of 1 to 300 characters', {
          field: 'label',
        });
      }
      const ids = [...new Set(input.documentIds)];
      if (ids.length > MAX_SERIES_DOCUMENTS) {
        throw new DomainError(
          'BAD_USER_INPUT',
          `A package carries at most ${MAX_SERIES_DOCUMENTS} documents; split the series into several packages`,
          { field: 'documentIds', count: ids.length },
        );
      }
      await requireSeriesDocuments(tx, input.aooId, ids);
      const units = ids.map((documentId) => ({ documentId, fascicoloId: null, dailyRegisterId: null }));
      return {
        label,
        units: await orderByRegistration(tx.em, units),
        fascicoloId: null,
        dailyRegisterId: null,
      };
    }
  }
}

/** Documents of the AOO the caller sees (others read as missing), registered (not drafts). */
async function requireSeriesDocuments(tx: UnitOfWork, aooId: string, ids: readonly string[]): Promise<void> {
  const rows = await tx.em.execute<Array<{ id: string; registered: boolean }>>(
    'select id, registered_at is not null as registered from document where id = any(?::uuid[]) and aoo_id = ?',
    [pgArray(ids), aooId],
  );
  const visible = tx.system ? new Set(rows.map((r) => r.id)) : await visibleDocumentIds(tx, tx.em, ids);
  const missing = ids.filter((id) => !visible.has(id) || !rows.some((r) => r.id === id));
  if (missing.length > 0) {
    throw new DomainError('NOT_FOUND', `No document ${missing.join(', ')} in this AOO`, {
      documentIds: missing,
    });
  }
  const drafts = rows.filter((r) => !r.registered).map((r) => r.id);
  if (drafts.length > 0) {
    throw new DomainError(
      'CONSERVATION_UNIT_NOT_READY',
      `Document ${drafts[0]} is a draft: only registered documents are conserved (or those filed in a closed fascicolo, sent with it)`,
      { documentId: drafts[0], documentIds: drafts },
    );
  }
}

async function insertPackage(
  tx: UnitOfWork,
  aooId: string,
  kind: PackageKind,
  plan: Plan,
  resentFromId: string | null,
): Promise<ConservationPackage> {
  if (plan.units.length === 0) {
    throw new DomainError(
      'CONSERVATION_EMPTY_PACKAGE',
      kind === PackageKind.FASCICOLO
        ? `Nothing to send: every document of ${plan.label} is already conserved`
        : 'Nothing to send: choose at least one document',
      { fascicoloId: plan.fascicoloId },
    );
  }
  const ids = plan.units.map((u) => u.documentId);
  const { conserved, inFlight } = await conservationStates(tx.em, ids);
  if (conserved.size > 0) {
    throw new DomainError(
      'CONSERVATION_ALREADY_CONSERVED',
      `${conserved.size} of the documents ${conserved.size === 1 ? 'is' : 'are'} already conserved: a conserved document is never sent twice`,
      { documentIds: [...conserved] },
    );
  }
  const [busy] = inFlight;
  if (busy) throw inProgress(busy[0], busy[1]);
  const now = tx.clock.now();
  const pkg = tx.em.create(ConservationPackage, {
    aooId,
    kind,
    label: plan.label,
    colourChangedAt: now,
    itemCount: plan.units.length,
    orangeCount: plan.units.length,
    fascicoloId: plan.fascicoloId,
    dailyRegisterId: plan.dailyRegisterId,
    resentFromId,
    createdById: tx.user?.id ?? null,
    createdAt: now,
  });
  // Items refer to the package by a plain column: MikroORM would not order the inserts.
  await tx.em.flush();
  try {
    // One statement for the items (a package may carry thousands): as entities they would stay
    // in the unit's identity map, compared at each of its flushes, and outlive it.
    await directSql(
      tx.em,
      `insert into conservation_item (id, package_id, aoo_id, document_id, daily_register_id, fascicolo_id, position)
       select u.id, ?, ?, u.document_id, u.daily_register_id, u.fascicolo_id, u.position - 1
         from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[]) with ordinality
              as u(id, document_id, daily_register_id, fascicolo_id, position)`,
      [
        pkg.id,
        aooId,
        plan.units.map(() => randomUUID()),
        plan.units.map((u) => u.documentId),
        plan.units.map((u) => u.dailyRegisterId),
        plan.units.map((u) => u.fascicoloId),
      ],
    );
  } catch (err) {
    // Another package took one of the documents meanwhile (the unique index of orange items).
    if (err instanceof UniqueConstraintViolationException) throw inProgress(null, null);
    throw err;
  }
  if (plan.dailyRegisterId) {
    await setDailyRegisterConservationState(tx, plan.dailyRegisterId, DailyRegisterState.IN_CONSERVATION);
  }
  await tx.audit({
    aooId,
    operation: resentFromId ? 'conservation.resendPackage' : 'conservation.createPackage',
    targetType: 'ConservationPackage',
    targetId: pkg.id,
    changes: {
      kind,
      label: plan.label,
      documents: ids.length,
      fascicoloId: plan.fascicoloId,
      dailyRegisterId: plan.dailyRegisterId,
      resentFromId,
    },
  });
  tx.publish(
    new ConservationPackageChanged({
      packageId: pkg.id,
      aooId,
      kind,
      colour: pkg.colour,
      fascicoloId: pkg.fascicoloId,
      dailyRegisterId: pkg.dailyRegisterId,
    }),
  );
  await tx.enqueue(TRANSFER_JOB, { packageId: pkg.id } satisfies TransferJobData);
  return pkg;
}

function inProgress(documentId: string | null, packageId: string | null): DomainError {
  return new DomainError(
    'CONSERVATION_IN_PROGRESS',
    documentId
      ? `Document ${documentId} is waiting for the conservator in package ${packageId}: wait for its outcome`
      : 'A document is already waiting for the conservator in another package: wait for its outcome',
    { documentId, packageId },
  );
}
