import { randomUUID } from 'node:crypto';
import { Aoo } from '../../schema/organisation/index.js';
import type { TitolarioNode, TitolarioVersion } from '../../schema/titolario/index.js';
import { addNode, createDraft, publishVersion } from '../../schema/titolario/titolario-editor.js';
import { romeDay } from '../../server/clock.js';
import { systemContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import type { SettableClock } from './clock.js';
import { createDocument, sql, uniqueBytes, upload } from './files-helpers.js';
import type { TestEnv } from './test-env.js';

export async function inUnit<T>(env: TestEnv, work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
  const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
  return withTransaction(ctx, work);
}

/** Node ids by version year and full code: `nodes['2025']['VI/3/1']`. */
export type TitolarioFixture = Record<'2025' | '2026', Record<string, string>>;

/**
 * A small municipal titolario for an AOO in two published versions, as the titolario module
 * makes them: 2025 (approved in 2024) and 2026 (approved in 2025, a copy of 2025 plus one
 * classe). Moves the clock to approve each; leaves it on 2025-06-15 10:00 UTC.
 */
export async function makeTitolario(
  env: TestEnv,
  clock: SettableClock,
  aooId: string,
): Promise<TitolarioFixture> {
  const nodes: TitolarioFixture = { '2025': {}, '2026': {} };
  clock.set('2024-06-01T10:00:00Z');
  const v2025 = await inUnit(env, async (tx) => {
    const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId });
    const v = await createDraft(tx, aoo, { label: 'Titolario 2025', validFrom: '2025-01-01' });
    const add = async (parent: TitolarioNode | null, code: string, description: string) => {
      const n = await addNode(tx, v, parent, { code, description });
      return n;
    };
    const t3 = await add(null, 'III', 'Risorse umane');
    await add(t3, '1', 'Concorsi e assunzioni');
    const t6 = await add(null, 'VI', 'Pianificazione e gestione del territorio');
    const c3 = await add(t6, '3', 'Edilizia privata');
    await add(c3, '1', 'Permessi di costruire');
    await add(c3, '2', 'SCIA');
    await add(t6, '5', 'Edilizia pubblica');
    const t10 = await add(null, 'X', 'Oggetti diversi');
    await add(t10, '1', 'Varie');
    await publishVersion(tx, v, 'Delibera di Giunta n. 1 del 2024');
    return v;
  });
  clock.set('2025-06-01T10:00:00Z');
  const v2026: TitolarioVersion = await inUnit(env, async (tx) => {
    const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId });
    const v = await createDraft(tx, aoo, { label: 'Titolario 2026', validFrom: '2026-01-01', copyOf: v2025 });
    await publishVersion(tx, v, 'Delibera di Giunta n. 2 del 2025');
    return v;
  });
  for (const [year, v] of [
    ['2025', v2025],
    ['2026', v2026],
  ] as const) {
    for (const r of await sql<{ id: string; full_code: string }>(
      env,
      'select id, full_code from titolario_node where version_id = $1',
      [v.id],
    ))
      nodes[year][r.full_code] = r.id;
  }
  clock.set('2025-06-15T10:00:00Z');
  return nodes;
}

/** A draft document of a UOR made by a user (upload and createDocument); returns its id. */
export async function newDocument(
  env: TestEnv,
  username: string,
  uorId: string,
  oggetto: string,
): Promise<string> {
  const file = await upload(env, username, uniqueBytes(oggetto), 'atto.txt');
  return (await createDocument(env, username, { uorId, primaryFileId: file.id, oggetto })).id;
}

/**
 * Marks a document registered at an instant, as a registration in a repertorio does: fascicoli
 * order and close by the registration time. (A document registered in the protocol would have
 * its primary fascicolo managed by its record, and the protocol module is not part of these tests.)
 */
export async function registerAt(env: TestEnv, documentId: string, at: string): Promise<void> {
  await sql(env, `update document set registered_at = $2, kind = 'REPERTORIATO' where id = $1`, [
    documentId,
    at,
  ]);
}

/**
 * A titolario version in force today by the platform's own clock (a test without an injected
 * clock): valid from this year's 1 January, approved (with a clock of its own) the year before.
 * Returns node ids by full code.
 */
export async function titolarioInForce(
  env: TestEnv,
  aooId: string,
  tree: ReadonlyArray<[fullCode: string, description: string]> = [
    ['VI', 'Pianificazione e gestione del territorio'],
    ['VI/3', 'Edilizia privata'],
    ['VI/3/1', 'Permessi di costruire'],
  ],
): Promise<Record<string, string>> {
  const year = Number(romeDay(env.platform.clock.now()).slice(0, 4));
  const approval = { now: () => new Date(`${year - 1}-06-01T10:00:00Z`) };
  const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
  const version = await withTransaction({ ...ctx, clock: approval }, async (tx) => {
    const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId });
    const v = await createDraft(tx, aoo, { label: `Titolario ${year}`, validFrom: `${year}-01-01` });
    const made = new Map<string, TitolarioNode>();
    for (const [fullCode, description] of tree) {
      const parts = fullCode.split('/');
      const parent = parts.length > 1 ? (made.get(parts.slice(0, -1).join('/')) ?? null) : null;
      made.set(fullCode, await addNode(tx, v, parent, { code: parts.at(-1) ?? '', description }));
    }
    await publishVersion(tx, v, `Delibera di Giunta n. 1 del ${year - 1}`);
    return v;
  });
  const rows = await sql<{ id: string; full_code: string }>(
    env,
    'select id, full_code from titolario_node where version_id = $1',
    [version.id],
  );
  return Object.fromEntries(rows.map((r) => [r.full_code, r.id]));
}
