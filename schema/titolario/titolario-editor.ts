import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { romeDay } from '../../server/clock.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { optionalText, requiredText } from '../../server/errors/input-checks.js';
import { refuseBeyond } from '../../server/errors/limits.js';
import { Aoo } from '../organisation/index.js';
import { fullCodeOf, isValidCode, sortKeyOf } from './titolario-codes.js';
import { TitolarioVersionState } from './titolario-enums.js';
import {
  TitolarioDraftChanged,
  TitolarioDraftCreated,
  TitolarioDraftDeleted,
  TitolarioVersionPublished,
} from './titolario-events.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import type { ImportedNode } from './titolario-transfer.js';
import {
  MAX_CHILDREN_PER_NODE,
  MAX_INDEX_TERMS_PER_NODE,
  MAX_NODES_PER_VERSION,
  MAX_TERM_VARIANTS,
  MAX_TITOLI,
  MAX_VERSIONS_PER_AOO,
} from './titolario-limits.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * The changes of a titolario: drafts, their nodes and index terms, publication. Callers have
 * checked who may do it (titolario-access); every change is audited in the transaction and
 * announced after the commit. A published version is never touched again (also refused by the
 * database).
 */

/** validFrom as a 1 January 'yyyy-01-01'. */
export function checkValidFrom(value: string): string {
  const v = value.trim();
  if (!/^[0-9]{4}-01-01$/.test(v)) {
    throw new DomainError(
      'TITOLARIO_VALID_FROM_INVALID',
      `validFrom: must be a 1 January (YYYY-01-01), got ${JSON.stringify(v.slice(0, 20))}`,
      {
        field: 'validFrom',
      },
    );
  }
  return v;
}

function assertDraft(version: TitolarioVersion): void {
  if (version.state !== TitolarioVersionState.DRAFT) {
    throw new DomainError(
      'TITOLARIO_VERSION_PUBLISHED',
      `titolario version ${version.label} is published and immutable: prepare a new draft`,
      { field: 'versionId' },
    );
  }
}

async function assertValidFromFree(tx: UnitOfWork, aooId: string, validFrom: string): Promise<void> {
  const clash = await tx.em.count(TitolarioVersion, { aoo: aooId, validFrom });
  if (clash > 0) {
    throw new DomainError(
      'TITOLARIO_VERSION_EXISTS',
      `validFrom: the AOO already has a titolario version from ${validFrom}`,
      {
        field: 'validFrom',
      },
    );
  }
}

export interface DraftInput {
  label: string;
  validFrom: string;
  /** A version of the same AOO whose nodes and index terms the draft starts from. */
  copyOf?: TitolarioVersion | null;
}

/** A new empty draft (no audit: the operation that makes it audits once). */
async function newDraft(
  tx: UnitOfWork,
  aoo: Aoo,
  label: string,
  validFrom: string,
): Promise<TitolarioVersion> {
  await assertValidFromFree(tx, aoo.id, validFrom);
  await refuseBeyond(tx.em, {
    field: 'aooId',
    max: MAX_VERSIONS_PER_AOO,
    what: 'titolario versions per AOO',
    owner: { table: 'aoo', id: aoo.id },
    count: { sql: 'select count(*) as n from titolario_version where aoo_id = ?', params: [aoo.id] },
  });
  const version = tx.em.create(TitolarioVersion, {
    aoo,
    label,
    validFrom,
    state: TitolarioVersionState.DRAFT,
    createdAt: tx.clock.now(),
  });
  await tx.em.flush();
  return version;
}

export async function createDraft(tx: UnitOfWork, aoo: Aoo, input: DraftInput): Promise<TitolarioVersion> {
  const label = requiredText('label', input.label, 200);
  const validFrom = checkValidFrom(input.validFrom);
  const version = await newDraft(tx, aoo, label, validFrom);
  if (input.copyOf) await copyContents(tx, input.copyOf, version);
  await tx.audit({
    aooId: aoo.id,
    operation: 'titolario.draft.create',
    targetType: 'TitolarioVersion',
    targetId: version.id,
    changes: { label, validFrom, copyOf: input.copyOf?.id ?? null },
  });
  tx.publish(new TitolarioDraftCreated({ versionId: version.id, aooId: aoo.id, validFrom }));
  return version;
}

/**
 * A new draft holding an imported tree, already checked by readImport (every problem reported
 * before anything is written; the database constraints stand behind it).
 */
export async function importDraft(
  tx: UnitOfWork,
  aoo: Aoo,
  input: { label: string; validFrom: string; format: string; nodes: readonly ImportedNode[] },
): Promise<TitolarioVersion> {
  const label = requiredText('label', input.label, 200);
  const validFrom = checkValidFrom(input.validFrom);
  const version = await newDraft(tx, aoo, label, validFrom);
  const created = new Map<string, TitolarioNode>();
  const parents = new Set(input.nodes.map((n) => n.parentFullCode));
  let terms = 0;
  let level = 0;
  for (const n of [...input.nodes].sort((a, b) => a.level - b.level)) {
    // Level by level: the ORM writes a node referring to a not yet written node of the same
    // table in two steps (insert, then set the parent), which the level check refuses.
    if (n.level !== level) {
      await tx.em.flush();
      level = n.level;
    }
    const parent = n.parentFullCode === null ? null : (created.get(n.parentFullCode) ?? null);
    const node = tx.em.create(TitolarioNode, {
      version,
      aoo,
      parent,
      level: n.level,
      code: n.code,
      fullCode: n.fullCode,
      description: n.description,
      leaf: !parents.has(n.fullCode),
      sortKey: sortKeyOf(parent?.sortKey ?? null, n.level, n.code),
    });
    created.set(n.fullCode, node);
    for (const t of n.indexTerms) {
      tx.em.create(TitolarioIndexTerm, { node, version, term: t.term, variants: t.variants });
      terms++;
    }
  }
  await tx.audit({
    aooId: aoo.id,
    operation: 'titolario.import',
    targetType: 'TitolarioVersion',
    targetId: version.id,
    changes: { label, validFrom, format: input.format, nodes: created.size, indexTerms: terms },
  });
  tx.publish(new TitolarioDraftCreated({ versionId: version.id, aooId: aoo.id, validFrom }));
  return version;
}

/** Copies a version's tree and index terms into a draft, level by level (parents by path). */
async function copyContents(tx: UnitOfWork, from: TitolarioVersion, to: TitolarioVersion): Promise<void> {
  const rows = await tx.em.execute<Array<{ max: number | null }>>(
    'select max(level) as max from titolario_node where version_id = ?',
    [from.id],
  );
  const depth = rows[0]?.max ?? 0;
  for (let level = 1; level <= depth; level++) {
    await tx.em.execute(
      `insert into titolario_node (id, version_id, aoo_id, parent_id, level, code, full_code, description, leaf, sort_key)
       select gen_random_uuid(), ?, n.aoo_id, np.id, n.level, n.code, n.full_code, n.description, n.leaf, n.sort_key
         from titolario_node n
         left join titolario_node op on op.id = n.parent_id
         left join titolario_node np on np.version_id = ? and np.full_code = op.full_code
        where n.version_id = ? and n.level = ?`,
      [to.id, to.id, from.id, level],
    );
  }
  await tx.em.execute(
    `insert into titolario_index_term (id, node_id, version_id, term, variants)
     select gen_random_uuid(), nn.id, ?, t.term, t.variants
       from titolario_index_term t
       join titolario_node n on n.id = t.node_id
       join titolario_node nn on nn.version_id = ? and nn.full_code = n.full_code
      where t.version_id = ?`,
    [to.id, to.id, from.id],
  );
}

export interface NodeInput {
  code: string;
  description: string;
}

export async function addNode(
  tx: UnitOfWork,
  version: TitolarioVersion,
  parent: TitolarioNode | null,
  input: NodeInput,
): Promise<TitolarioNode> {
  assertDraft(version);
  const level = parent === null ? 1 : parent.level + 1;
  const code = checkCode(level, input.code);
  const description = requiredText('description', input.description, 1000);
  await assertCodeFree(tx, version, parent, code, null);
  await refuseBeyond(tx.em, {
    field: 'versionId',
    max: MAX_NODES_PER_VERSION,
    what: 'nodes in a titolario version',
    owner: { table: 'titolario_version', id: version.id },
    count: { sql: 'select count(*) as n from titolario_node where version_id = ?', params: [version.id] },
  });
  await refuseBeyond(
    tx.em,
    parent === null
      ? {
          field: 'parentId',
          max: MAX_TITOLI,
          what: 'titoli in a titolario version',
          owner: { table: 'titolario_version', id: version.id },
          count: {
            sql: 'select count(*) as n from titolario_node where version_id = ? and parent_id is null',
            params: [version.id],
          },
        }
      : {
          field: 'parentId',
          max: MAX_CHILDREN_PER_NODE,
          what: 'children of a titolario node',
          owner: { table: 'titolario_node', id: parent.id },
          count: { sql: 'select count(*) as n from titolario_node where parent_id = ?', params: [parent.id] },
        },
  );
  const node = tx.em.create(TitolarioNode, {
    version,
    aoo: version.aoo,
    parent,
    level,
    code,
    fullCode: fullCodeOf(parent?.fullCode ?? null, code),
    description,
    leaf: true,
    sortKey: sortKeyOf(parent?.sortKey ?? null, level, code),
  });
  if (parent) parent.leaf = false;
  await tx.audit({
    aooId: version.aoo.id,
    operation: 'titolario.node.add',
    targetType: 'TitolarioNode',
    targetId: node.id,
    changes: { versionId: version.id, fullCode: node.fullCode, description },
  });
  tx.publish(
    new TitolarioDraftChanged({
      versionId: version.id,
      aooId: version.aoo.id,
      nodeId: node.id,
      change: 'node-added',
    }),
  );
  return node;
}

export function checkCode(level: number, raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!isValidCode(level, code)) {
    throw new DomainError(
      'TITOLARIO_CODE_INVALID',
      level === 1
        ? `code: a titolo code is a roman numeral (I … XXXIX), got ${JSON.stringify(raw.slice(0, 20))}`
        : `code: a code below a titolo is a positive number (1 … 9999), got ${JSON.stringify(raw.slice(0, 20))}`,
      { field: 'code' },
    );
  }
  return code;
}

async function assertCodeFree(
  tx: UnitOfWork,
  version: TitolarioVersion,
  parent: TitolarioNode | null,
  code: string,
  except: string | null,
): Promise<void> {
  const clash = await tx.em.findOne(TitolarioNode, { version: version.id, parent: parent?.id ?? null, code });
  if (clash && clash.id !== except) {
    throw new DomainError(
      'TITOLARIO_CODE_IN_USE',
      `code: ${fullCodeOf(parent?.fullCode ?? null, code)} already exists in this version`,
      {
        field: 'code',
      },
    );
  }
}

export interface NodeChanges {
  code?: string | null;
  description?: string | null;
}

/** Changes a draft node's description and/or code (its descendants' paths follow). */
export async function updateNode(
  tx: UnitOfWork,
  node: TitolarioNode,
  changes: NodeChanges,
): Promise<TitolarioNode> {
  const version = await tx.em.findOneOrFail(TitolarioVersion, { id: node.version.id });
  assertDraft(version);
  const diff: Record<string, [unknown, unknown]> = {};
  const description = optionalText('description', changes.description, 1000);
  if (changes.description !== undefined && description === null) {
    throw new InvalidInputError('description', 'must not be empty');
  }
  if (description && description !== node.description) {
    diff.description = [node.description, description];
    node.description = description;
  }
  if (changes.code !== undefined && changes.code !== null) {
    const code = checkCode(node.level, changes.code);
    if (code !== node.code) {
      const parent = node.parent ? await tx.em.findOneOrFail(TitolarioNode, { id: node.parent.id }) : null;
      await assertCodeFree(tx, version, parent, code, node.id);
      const oldFull = node.fullCode;
      const oldSort = node.sortKey;
      node.code = code;
      node.fullCode = fullCodeOf(parent?.fullCode ?? null, code);
      node.sortKey = sortKeyOf(parent?.sortKey ?? null, node.level, code);
      diff.code = [oldFull, node.fullCode];
      await tx.em.flush();
      // Descendants keep their own codes under the new path.
      await tx.em.execute(
        `update titolario_node set full_code = ? || substr(full_code, length(?) + 1),
                sort_key = ? || substr(sort_key, length(?) + 1)
          where version_id = ? and starts_with(full_code, ? || '/')`,
        [node.fullCode, oldFull, node.sortKey, oldSort, version.id, oldFull],
      );
    }
  }
  if (Object.keys(diff).length > 0) {
    await tx.audit({
      aooId: version.aoo.id,
      operation: 'titolario.node.update',
      targetType: 'TitolarioNode',
      targetId: node.id,
      changes: diff,
    });
    tx.publish(
      new TitolarioDraftChanged({
        versionId: version.id,
        aooId: version.aoo.id,
        nodeId: node.id,
        change: 'node-updated',
      }),
    );
  }
  return node;
}

/** Removes a draft node with its subtree and index terms. */
export async function removeNode(tx: UnitOfWork, node: TitolarioNode): Promise<void> {
  const version = await tx.em.findOneOrFail(TitolarioVersion, { id: node.version.id });
  assertDraft(version);
  const parentId = node.parent?.id ?? null;
  const fullCode = node.fullCode;
  tx.em.getUnitOfWork().unsetIdentity(node);
  await tx.em.execute('delete from titolario_node where id = ?', [node.id]);
  if (parentId) {
    await tx.em.execute(
      `update titolario_node p set leaf = not exists (select 1 from titolario_node c where c.parent_id = p.id) where p.id = ?`,
      [parentId],
    );
  }
  await tx.audit({
    aooId: version.aoo.id,
    operation: 'titolario.node.remove',
    targetType: 'TitolarioNode',
    targetId: node.id,
    changes: { versionId: version.id, fullCode },
  });
  tx.publish(
    new TitolarioDraftChanged({
      versionId: version.id,
      aooId: version.aoo.id,
      nodeId: node.id,
      change: 'node-removed',
    }),
  );
}

export interface IndexTermInput {
  term: string;
  variants?: readonly string[] | null;
}

function checkVariants(variants: readonly string[] | null | undefined): string[] {
  const list = (variants ?? []).map((v, i) => requiredText(`variants[${i}]`, v, 300));
  // '|' separates variants in the CSV exchange format.
  if (list.some((v) => v.includes('|')))
    throw new InvalidInputError('variants', 'a variant must not contain "|"');
  if (list.length > MAX_TERM_VARIANTS) {
    throw new InvalidInputError('variants', `at most ${MAX_TERM_VARIANTS} variants (got ${list.length})`);
  }
  return [...new Set(list)];
}

export async function addIndexTerm(
  tx: UnitOfWork,
  node: TitolarioNode,
  input: IndexTermInput,
): Promise<TitolarioIndexTerm> {
  const version = await tx.em.findOneOrFail(TitolarioVersion, { id: node.version.id });
  assertDraft(version);
  await refuseBeyond(tx.em, {
    field: 'nodeId',
    max: MAX_INDEX_TERMS_PER_NODE,
    what: 'index terms per titolario node',
    owner: { table: 'titolario_node', id: node.id },
    count: { sql: 'select count(*) as n from titolario_index_term where node_id = ?', params: [node.id] },
  });
  const term = tx.em.create(TitolarioIndexTerm, {
    node,
    version,
    term: requiredText('term', input.term, 300),
    variants: checkVariants(input.variants),
  });
  await tx.audit({
    aooId: version.aoo.id,
    operation: 'titolario.index-term.add',
    targetType: 'TitolarioIndexTerm',
    targetId: term.id,
    changes: { nodeId: node.id, term: term.term, variants: term.variants },
  });
  tx.publish(
    new TitolarioDraftChanged({
      versionId: version.id,
      aooId: version.aoo.id,
      nodeId: node.id,
      change: 'index-term-added',
    }),
  );
  return term;
}

export async function updateIndexTerm(
  tx: UnitOfWork,
  term: TitolarioIndexTerm,
  changes: { term?: string | null; variants?: readonly string[] | null },
): Promise<TitolarioIndexTerm> {
  const version = await tx.em.findOneOrFail(TitolarioVersion, { id: term.version.id });
  assertDraft(version);
  const diff: Record<string, [unknown, unknown]> = {};
  if (changes.term !== undefined && changes.term !== null) {
    const t = requiredText('term', changes.term, 300);
    if (t !== term.term) diff.term = [term.term, t];
    term.term = t;
  }
  if (changes.variants !== undefined && changes.variants !== null) {
    const v = checkVariants(changes.variants);
    if (JSON.stringify(v) !== JSON.stringify(term.variants)) diff.variants = [term.variants, v];
    term.variants = v;
  }
  if (Object.keys(diff).length > 0) {
    await tx.audit({
      aooId: version.aoo.id,
      operation: 'titolario.index-term.update',
      targetType: 'TitolarioIndexTerm',
      targetId: term.id,
      changes: diff,
    });
    tx.publish(
      new TitolarioDraftChanged({
        versionId: version.id,
        aooId: version.aoo.id,
        nodeId: term.node.id,
        change: 'index-term-updated',
      }),
    );
  }
  return term;
}

export async function removeIndexTerm(tx: UnitOfWork, term: TitolarioIndexTerm): Promise<void> {
  const version = await tx.em.findOneOrFail(TitolarioVersion, { id: term.version.id });
  assertDraft(version);
  const nodeId = term.node.id;
  tx.em.remove(term);
  await tx.audit({
    aooId: version.aoo.id,
    operation: 'titolario.index-term.remove',
    targetType: 'TitolarioIndexTerm',
    targetId: term.id,
    changes: { nodeId, term: term.term },
  });
  tx.publish(
    new TitolarioDraftChanged({
      versionId: version.id,
      aooId: version.aoo.id,
      nodeId,
      change: 'index-term-removed',
    }),
  );
}

/**
 * Approves and publishes a draft: from now on immutable, in force from validFrom, which must be
 * a 1 January of a year after today's Europe/Rome day (never retroactive). The version in force
 * before validFrom stays in force until then.
 */
export async function publishVersion(
  tx: UnitOfWork,
  version: TitolarioVersion,
  approvalAct: string,
  /** Only for loading history (demo data): when it was approved; otherwise now. */
  approvedAt?: Date,
): Promise<TitolarioVersion> {
  assertDraft(version);
  const act = requiredText('approvalAct', approvalAct, 1000);
  const now = approvedAt ?? tx.clock.now();
  const today = romeDay(now);
  if (Number(version.validFrom.slice(0, 4)) <= Number(today.slice(0, 4))) {
    throw new DomainError(
      'TITOLARIO_VALID_FROM_INVALID',
      `validFrom: ${version.validFrom} is not a 1 January after the approval day ${today}: the titolario is never retroactive`,
      { field: 'validFrom' },
    );
  }
  const nodes = await tx.em.count(TitolarioNode, { version: version.id });
  if (nodes === 0) {
    throw new DomainError('TITOLARIO_VERSION_EMPTY', `versionId: version ${version.label} has no nodes`, {
      field: 'versionId',
    });
  }
  version.state = TitolarioVersionState.PUBLISHED;
  version.approvedAt = now;
  version.approvalAct = act;
  version.publishedBy = tx.user?.id ?? null;
  await tx.audit({
    aooId: version.aoo.id,
    operation: 'titolario.version.publish',
    targetType: 'TitolarioVersion',
    targetId: version.id,
    changes: { validFrom: version.validFrom, approvalAct: act, nodes },
  });
  tx.publish(
    new TitolarioVersionPublished({
      versionId: version.id,
      aooId: version.aoo.id,
      validFrom: version.validFrom,
    }),
  );
  return version;
}

/** Changes a draft's label or validFrom. */
export async function updateDraft(
  tx: UnitOfWork,
  version: TitolarioVersion,
  changes: { label?: string | null; validFrom?: string | null },
): Promise<TitolarioVersion> {
  assertDraft(version);
  const diff: Record<string, [unknown, unknown]> = {};
  if (changes.label !== undefined && changes.label !== null) {
    const label = requiredText('label', changes.label, 200);
    if (label !== version.label) diff.label = [version.label, label];
    version.label = label;
  }
  if (changes.validFrom !== undefined && changes.validFrom !== null) {
    const validFrom = checkValidFrom(changes.validFrom);
    if (validFrom !== version.validFrom) {
      await assertValidFromFree(tx, version.aoo.id, validFrom);
      diff.validFrom = [version.validFrom, validFrom];
      version.validFrom = validFrom;
    }
  }
  if (Object.keys(diff).length > 0) {
    await tx.audit({
      aooId: version.aoo.id,
      operation: 'titolario.draft.update',
      targetType: 'TitolarioVersion',
      targetId: version.id,
      changes: diff,
    });
    tx.publish(
      new TitolarioDraftChanged({
        versionId: version.id,
        aooId: version.aoo.id,
        nodeId: null,
        change: 'draft-updated',
      }),
    );
  }
  return version;
}

/** Discards a draft with its nodes and index terms. */
export async function deleteDraft(tx: UnitOfWork, version: TitolarioVersion): Promise<void> {
  assertDraft(version);
  const aooId = version.aoo.id;
  tx.em.getUnitOfWork().unsetIdentity(version);
  await tx.em.execute('delete from titolario_index_term where version_id = ?', [version.id]);
  await tx.em.execute('delete from titolario_node where version_id = ?', [version.id]);
  await tx.em.execute('delete from titolario_version where id = ?', [version.id]);
  await tx.audit({
    aooId,
    operation: 'titolario.draft.delete',
    targetType: 'TitolarioVersion',
    targetId: version.id,
    changes: { label: version.label, validFrom: version.validFrom },
  });
  tx.publish(new TitolarioDraftDeleted({ versionId: version.id, aooId }));
}
