import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../../server/errors/domain-error.js';
import { pgArray } from '../../../server/db/sql-array.js';

/** A document a package will carry, and the fascicolo of the tree it was found in. */
export interface PackageUnit {
  documentId: string;
  fascicoloId: string | null;
  dailyRegisterId: string | null;
}

interface TreeRow {
  id: string;
  state: string;
  label: string;
}

/**
 * The fascicolo and its sottofascicoli and inserti (depth first, as numbered), refusing one that
 * is not closed throughout: a fascicolo goes to conservation once closed (DOMAIN §9).
 */
export async function closedFascicoloTree(
  em: EntityManager,
  aooId: string,
  fascicoloId: string,
): Promise<{ label: string; ids: string[] }> {
  const rows = await em.execute<TreeRow[]>(
    `with recursive tree as (
       select f.id, f.state, f.number_path, 0 as depth from fascicolo f where f.id = ? and f.aoo_id = ?
       union all
       select c.id, c.state, c.number_path, t.depth + 1 from fascicolo c join tree t on c.parent_id = t.id)
     select t.id, t.state,
            (select f.year || ' - ' || f.classification_code || '.' || f.number_path || ' «' || f.oggetto || '»'
               from fascicolo f where f.id = t.id) as label
       from tree t order by t.depth = 0 desc, t.number_path`,
    [fascicoloId, aooId],
  );
  const root = rows[0];
  if (!root) throw new DomainError('NOT_FOUND', `No fascicolo ${fascicoloId} in this AOO`, { fascicoloId });
  const open = rows.filter((r) => r.state !== 'CLOSED');
  if (open.length > 0) {
    throw new DomainError(
      'CONSERVATION_FASCICOLO_NOT_CLOSED',
      `Fascicolo ${root.label} is transferred once it is closed: close ${open.map((r) => r.label).join(', ')} first`,
      { fascicoloId, open: open.map((r) => r.id) },
    );
  }
  return { label: `Fascicolo ${root.label}`, ids: rows.map((r) => r.id) };
}

/** Every document currently filed in the tree, once (in the first fascicolo of the tree that holds it). */
export async function unitsOfTree(em: EntityManager, treeIds: readonly string[]): Promise<PackageUnit[]> {
  const rows = await em.execute<Array<{ document_id: string; fascicolo_id: string }>>(
    `select distinct on (c.document_id) c.document_id, c.fascicolo_id
       from fascicolo_filing_current c
       join unnest(?::uuid[]) with ordinality t(id, ord) on t.id = c.fascicolo_id
      order by c.document_id, t.ord`,
    [pgArray(treeIds)],
  );
  const units = rows.map((r) => ({
    documentId: r.document_id,
    fascicoloId: r.fascicolo_id,
    dailyRegisterId: null,
  }));
  return orderByRegistration(em, units);
}

/** Documents in registration order (then creation), the order a package lists them in. */
export async function orderByRegistration(em: EntityManager, units: PackageUnit[]): Promise<PackageUnit[]> {
  if (units.length < 2) return units;
  const rows = await em.execute<Array<{ id: string }>>(
    `select d.id from document d where d.id = any(?::uuid[])
      order by coalesce(d.registered_at, d.created_at), d.created_at, d.id`,
    [pgArray(units.map((u) => u.documentId))],
  );
  const byId = new Map(units.map((u) => [u.documentId, u]));
  return rows.flatMap((r) => {
    const u = byId.get(r.id);
    return u ? [u] : [];
  });
}

/**
 * Documents already conserved (green) or waiting in another package (orange): a unit is sent
 * once, and one package at a time carries it.
 */
export async function conservationStates(
  em: EntityManager,
  documentIds: readonly string[],
): Promise<{ conserved: Set<string>; inFlight: Map<string, string> }> {
  const rows = await em.execute<Array<{ document_id: string; colour: string; package_id: string }>>(
    `select document_id, colour, package_id from conservation_item
      where document_id = any(?::uuid[]) and colour in ('GREEN', 'ORANGE')`,
    [pgArray(documentIds)],
  );
  const conserved = new Set<string>();
  const inFlight = new Map<string, string>();
  for (const r of rows) {
    if (r.colour === 'GREEN') conserved.add(r.document_id);
    else inFlight.set(r.document_id, r.package_id);
  }
  return { conserved, inFlight };
}
