import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { DomainError, NotFoundError } from '../../server/errors/domain-error.js';
import { isoDate } from '../../server/errors/input-checks.js';
import { TitolarioVersionState } from './titolario-enums.js';
import {
  managedAoo,
  managedIndexTerm,
  managedNode,
  managedVersion,
  readableAoo,
  canManageTitolario,
  readableVersion,
} from './titolario-access.js';
import { readImport, writeExport, type TitolarioFormat } from './titolario-transfer.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import * as editor from './titolario-editor.js';
import { versionInForce } from './titolario-lookup.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';
import type {
  AddTitolarioIndexTermInput,
  AddTitolarioNodeInput,
  CreateTitolarioDraftInput,
  ImportTitolarioInput,
  PublishTitolarioVersionInput,
  UpdateTitolarioDraftInput,
  UpdateTitolarioIndexTermInput,
  UpdateTitolarioNodeInput,
} from './titolario.inputs.js';

/** What the GraphQL operations do: who may (titolario-access), then the change (titolario-editor). */

/** The version in force on a day (default: today in Europe/Rome by the request clock). */
export async function titolarioAt(
  ctx: RequestContext,
  aooId: string,
  at: string | null | undefined,
): Promise<TitolarioVersion | null> {
  const aoo = await readableAoo(ctx, aooId);
  const day = at == null ? romeDay(ctx.clock.now()) : isoDate('at', at);
  return versionInForce(ctx.em, aoo.id, day);
}

/** The versions of an AOO, newest validFrom first; drafts only for those who manage it. */
export async function versionsOf(ctx: RequestContext, aooId: string): Promise<TitolarioVersion[]> {
  const aoo = await readableAoo(ctx, aooId);
  return ctx.em.find(
    TitolarioVersion,
    canManageTitolario(ctx, aoo.id)
      ? { aoo: aoo.id }
      : { aoo: aoo.id, state: TitolarioVersionState.PUBLISHED },
    { orderBy: { validFrom: 'desc' } },
  );
}

export function createDraft(
  ctx: RequestContext,
  input: CreateTitolarioDraftInput,
): Promise<TitolarioVersion> {
  return withTransaction(ctx, async (tx) => {
    const aoo = await managedAoo(tx, input.aooId);
    let copyOf: TitolarioVersion | null = null;
    if (input.copyOfVersionId != null) {
      copyOf = await tx.em.findOne(TitolarioVersion, { id: input.copyOfVersionId, aoo: aoo.id });
      if (!copyOf) throw new NotFoundError('TitolarioVersion', input.copyOfVersionId);
    }
    return editor.createDraft(tx, aoo, { label: input.label, validFrom: input.validFrom, copyOf });
  });
}

export function updateDraft(
  ctx: RequestContext,
  input: UpdateTitolarioDraftInput,
): Promise<TitolarioVersion> {
  return withTransaction(ctx, async (tx) => {
    const version = await managedVersion(tx, input.versionId);
    return editor.updateDraft(tx, version, { label: input.label, validFrom: input.validFrom });
  });
}

export function deleteDraft(ctx: RequestContext, versionId: string): Promise<string> {
  return withTransaction(ctx, async (tx) => {
    const version = await managedVersion(tx, versionId);
    await editor.deleteDraft(tx, version);
    return version.id;
  });
}

export function addNode(ctx: RequestContext, input: AddTitolarioNodeInput): Promise<TitolarioNode> {
  return withTransaction(ctx, async (tx) => {
    const version = await managedVersion(tx, input.versionId);
    let parent: TitolarioNode | null = null;
    if (input.parentId != null) {
      parent = await tx.em.findOne(TitolarioNode, { id: input.parentId, version: version.id });
      if (!parent) throw new NotFoundError('TitolarioNode', input.parentId);
    }
    return editor.addNode(tx, version, parent, { code: input.code, description: input.description });
  });
}

export function updateNode(ctx: RequestContext, input: UpdateTitolarioNodeInput): Promise<TitolarioNode> {
  return withTransaction(ctx, async (tx) => {
    const node = await managedNode(tx, input.nodeId);
    return editor.updateNode(tx, node, { code: input.code, description: input.description });
  });
}

export function removeNode(ctx: RequestContext, nodeId: string): Promise<string> {
  return withTransaction(ctx, async (tx) => {
    const node = await managedNode(tx, nodeId);
    await editor.removeNode(tx, node);
    return node.id;
  });
}

export function addIndexTerm(
  ctx: RequestContext,
  input: AddTitolarioIndexTermInput,
): Promise<TitolarioIndexTerm> {
  return withTransaction(ctx, async (tx) => {
    const node = await managedNode(tx, input.nodeId);
    return editor.addIndexTerm(tx, node, { term: input.term, variants: input.variants });
  });
}

export function updateIndexTerm(
  ctx: RequestContext,
  input: UpdateTitolarioIndexTermInput,
): Promise<TitolarioIndexTerm> {
  return withTransaction(ctx, async (tx) => {
    const term = await managedIndexTerm(tx, input.indexTermId);
    return editor.updateIndexTerm(tx, term, { term: input.term, variants: input.variants });
  });
}

export function removeIndexTerm(ctx: RequestContext, indexTermId: string): Promise<string> {
  return withTransaction(ctx, async (tx) => {
    const term = await managedIndexTerm(tx, indexTermId);
    await editor.removeIndexTerm(tx, term);
    return term.id;
  });
}

export function publish(ctx: RequestContext, input: PublishTitolarioVersionInput): Promise<TitolarioVersion> {
  return withTransaction(ctx, async (tx) => {
    const version = await managedVersion(tx, input.versionId);
    return editor.publishVersion(tx, version, input.approvalAct);
  });
}

/**
 * Imports a file as a new draft: all or nothing. Every problem of the file is reported at once
 * (TITOLARIO_IMPORT_INVALID, `extensions.errors`: line, field, message) and nothing is written.
 */
export function importDraft(ctx: RequestContext, input: ImportTitolarioInput): Promise<TitolarioVersion> {
  return withTransaction(ctx, async (tx) => {
    const aoo = await managedAoo(tx, input.aooId);
    const reading = readImport(input.format, input.content);
    if (reading.problems.length > 0) {
      const n = reading.problems.length;
      const firstProblem = reading.problems[0];
      throw new DomainError(
        'TITOLARIO_IMPORT_INVALID',
        `content: ${n} error${n === 1 ? '' : 's'}, nothing was imported (first: line ${firstProblem?.line}, ${firstProblem?.field}: ${firstProblem?.message})`,
        { field: 'content', errors: reading.problems },
      );
    }
    return editor.importDraft(tx, aoo, {
      label: input.label,
      validFrom: input.validFrom,
      format: input.format,
      nodes: reading.nodes,
    });
  });
}

/** A version as a file (any version the caller sees). */
export async function exportVersion(
  ctx: RequestContext,
  versionId: string,
  format: TitolarioFormat,
): Promise<string> {
  const version = await readableVersion(ctx, versionId);
  const nodes = await ctx.em.find(TitolarioNode, { version: version.id }, { orderBy: { sortKey: 'asc' } });
  const terms = await ctx.em.find(
    TitolarioIndexTerm,
    { version: version.id },
    { orderBy: { term: 'asc', id: 'asc' } },
  );
  const termsOf = new Map<string, Array<{ term: string; variants: string[] }>>();
  for (const t of terms) {
    const list = termsOf.get(t.node.id) ?? [];
    list.push({ term: t.term, variants: t.variants });
    termsOf.set(t.node.id, list);
  }
  return writeExport(
    format,
    { label: version.label, validFrom: version.validFrom, state: version.state },
    nodes.map((n) => ({
      fullCode: n.fullCode,
      description: n.description,
      indexTerms: termsOf.get(n.id) ?? [],
    })),
  );
}
