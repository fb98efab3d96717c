import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { pgArray } from '../../server/db/sql-array.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import type { ProtocolRecord } from './protocol-record.entity.js';
import { recordVisibilitySql } from './protocol-visibility.js';
import type { ProtocolLinkKind } from './protocollo-enums.js';

/**
 * CC (per conoscenza) and links to other records (collegamenti) of a registration (DOMAIN §5):
 * managed optional fields. Their current state is protocol_cc and protocol_link (queryable:
 * "my records as CC"), every version's full lists are in protocol_version (cc, links). Every
 * check runs before a registration takes its number; writes are one multi-row statement each,
 * none for an empty list.
 */
export const MAX_CC = 100;
export const MAX_LINKS = 50;

/** A CC entry as stored (protocol_version.cc): an office or a user of the record's AOO. */
export type CcEntry = { uorId: string; userId?: undefined } | { userId: string; uorId?: undefined };
/** A link as stored (protocol_version.links). */
export interface LinkEntry {
  recordId: string;
  kind: ProtocolLinkKind;
}

export interface CcLinksInput {
  cc?: Array<{ uorId?: string | null; userId?: string | null }> | null;
  links?: Array<{ recordId: string; kind: ProtocolLinkKind }> | null;
}

/** What a registration's CC and links come to: the lists, and the version 1 values (none when empty). */
export interface CheckedCcLinks {
  cc: CcEntry[];
  links: LinkEntry[];
  initial: { cc?: CcEntry[]; links?: LinkEntry[] };
}

const ccKey = (e: CcEntry): string => (e.uorId !== undefined ? `uor:${e.uorId}` : `user:${e.userId}`);

/** The shape of each CC entry (exactly one id), the bound and duplicates; no statement. */
function ccShape(input: CcLinksInput['cc']): CcEntry[] {
  const given = input ?? [];
  if (given.length > MAX_CC) throw new InvalidInputError('input.cc', `at most ${MAX_CC}`);
  const seen = new Set<string>();
  return given.map((c, i) => {
    const uorId = c.uorId ?? null;
    const userId = c.userId ?? null;
    if ((uorId === null) === (userId === null)) {
      throw new InvalidInputError(
        `input.cc.${i}`,
        'give exactly one of uorId (an office) or userId (a user)',
      );
    }
    const entry: CcEntry = uorId !== null ? { uorId } : { userId: userId as string };
    if (seen.has(ccKey(entry))) {
      throw new DomainError(
        'PROTOCOL_CC_DUPLICATE',
        `input.cc.${i}: the ${uorId !== null ? 'office' : 'user'} is already in the CC list`,
        { field: `input.cc.${i}` },
      );
    }
    seen.add(ccKey(entry));
    return entry;
  });
}

/** New CC entries name offices of the AOO and active users with an open membership in it (one statement). */
async function checkCcOfAoo(tx: UnitOfWork, aooId: string, all: CcEntry[], added: CcEntry[]): Promise<void> {
  if (added.length === 0) return;
  const uors = added.flatMap((e) => (e.uorId !== undefined && isUuid(e.uorId) ? [e.uorId] : []));
  const users = added.flatMap((e) => (e.userId !== undefined && isUuid(e.userId) ? [e.userId] : []));
  const rows = await tx.em.execute<Array<{ key: string }>>(
    `select 'uor:' || id as key from uor where id = any(?::uuid[]) and aoo_id = ?
     union all
     select 'user:' || u.id from app_user u where u.id = any(?::uuid[]) and u.active and exists (
       select 1 from membership m join uor o on o.id = m.uor_id
        where m.user_id = u.id and m.ended_at is null and o.aoo_id = ?)`,
    [pgArray(uors), aooId, pgArray(users), aooId],
  );
  const found = new Set(rows.map((r) => r.key));
  const wrong = added.find((e) => !found.has(ccKey(e)));
  if (wrong) {
    const i = all.findIndex((e) => ccKey(e) === ccKey(wrong));
    throw wrong.uorId !== undefined
      ? new InvalidInputError(`input.cc.${i}.uorId`, 'is not an office of the AOO')
      : new InvalidInputError(`input.cc.${i}.userId`, 'is not an active user of the AOO');
  }
}

/** The shape of each link, the bound, duplicates and self links; no statement. */
function linksShape(input: CcLinksInput['links'], selfId: string | null): LinkEntry[] {
  const given = input ?? [];
  if (given.length > MAX_LINKS) throw new InvalidInputError('input.links', `at most ${MAX_LINKS}`);
  const seen = new Set<string>();
  return given.map((l, i) => {
    if (selfId !== null && l.recordId === selfId) {
      throw new DomainError(
        'PROTOCOL_LINK_SELF',
        `input.links.${i}.recordId: a record is not linked to itself`,
        {
          field: `input.links.${i}.recordId`,
        },
      );
    }
    if (seen.has(l.recordId)) {
      throw new DomainError(
        'PROTOCOL_LINK_DUPLICATE',
        `input.links.${i}.recordId: the record is already linked (one link per record)`,
        { field: `input.links.${i}.recordId` },
      );
    }
    seen.add(l.recordId);
    return { recordId: l.recordId, kind: l.kind };
  });
}

/** Of these record ids, those the caller sees, with their AOO (one statement, none for no ids). */
async function visibleAoos(tx: UnitOfWork, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  if (wanted.length === 0 || tx.user === null) return new Map();
  const v = recordVisibilitySql(tx);
  const rows = await tx.em.execute<Array<{ id: string; aoo_id: string }>>(
    `select r.id, r.aoo_id from protocol_record r where r.id = any(?::uuid[]) and ${v.sql}`,
    [pgArray(wanted), ...v.params],
  );
  return new Map(rows.map((r) => [r.id, r.aoo_id]));
}

/** Linked records are records of the AOO the caller sees; a hidden one answers like a missing one. */
function refuseUnseen(links: LinkEntry[], seen: Map<string, string>, aooId: string): void {
  links.forEach((l, i) => {
    if (seen.get(l.recordId) !== aooId) {
      throw new DomainError(
        'NOT_FOUND',
        `input.links.${i}.recordId: ProtocolRecord ${l.recordId} not found`,
        {
          kind: 'ProtocolRecord',
          field: `input.links.${i}.recordId`,
        },
      );
    }
  });
}

/** The CC and links of a registration, checked before its number is taken (no statement when none). */
export async function checkRegistrationCcLinks(
  tx: UnitOfWork,
  input: CcLinksInput,
  aooId: string,
): Promise<CheckedCcLinks> {
  const cc = ccShape(input.cc);
  const links = linksShape(input.links, null);
  await checkCcOfAoo(tx, aooId, cc, cc);
  if (links.length > 0)
    refuseUnseen(
      links,
      await visibleAoos(
        tx,
        links.map((l) => l.recordId),
      ),
      aooId,
    );
  const initial: CheckedCcLinks['initial'] = {};
  if (cc.length > 0) initial.cc = cc;
  if (links.length > 0) initial.links = links;
  return { cc, links, initial };
}

async function insertCc(tx: UnitOfWork, recordId: string, cc: CcEntry[], at: Date): Promise<void> {
  if (cc.length === 0) return;
  await tx.em.execute(
    `insert into protocol_cc (record_id, uor_id, user_id, added_at, added_by)
     select ?, x."uorId", x."userId", ?, ? from jsonb_to_recordset(?::jsonb) as x("uorId" uuid, "userId" uuid)`,
    [recordId, at, tx.user?.id ?? null, JSON.stringify(cc)],
  );
}

async function insertLinks(tx: UnitOfWork, recordId: string, links: LinkEntry[], at: Date): Promise<void> {
  if (links.length === 0) return;
  await tx.em.execute(
    `insert into protocol_link (record_id, linked_record_id, kind, added_at, added_by)
     select ?, x."recordId", x.kind, ?, ? from jsonb_to_recordset(?::jsonb) as x("recordId" uuid, kind text)`,
    [recordId, at, tx.user?.id ?? null, JSON.stringify(links)],
  );
}

/** Writes a registration's CC and links once its record is inserted (one statement each, none when empty). */
export async function recordRegistrationCcLinks(
  tx: UnitOfWork,
  recordId: string,
  checked: CheckedCcLinks,
  at: Date,
): Promise<void> {
  await insertCc(tx, recordId, checked.cc, at);
  await insertLinks(tx, recordId, checked.links, at);
}

/** The lists of the record's current version (the version row holds them in full). */
export async function currentCcLinks(
  tx: UnitOfWork,
  record: ProtocolRecord,
): Promise<{ cc: CcEntry[]; links: LinkEntry[] }> {
  const rows = await tx.em.execute<Array<{ cc: CcEntry[]; links: LinkEntry[] }>>(
    `select cc, links from protocol_version where record_id = ? and version = ?`,
    [record.id, record.version],
  );
  return { cc: rows[0]?.cc ?? [], links: rows[0]?.links ?? [] };
}

export interface CcLinksChange {
  /** { cc: [previous, new], links: [previous, new] } for the lists that change. */
  changes: Record<string, [unknown, unknown]>;
  /** The full lists after the change (null: neither list was given). */
  state: { cc: CcEntry[]; links: LinkEntry[] } | null;
  /** Brings protocol_cc and protocol_link to the new lists (kept rows stay as they were added). */
  apply: (at: Date) => Promise<void>;
}

/**
 * What an updateProtocolFields call makes of CC and links: a list given replaces the current
 * one (null or [] clears it; left out, it stays). Only entries added are checked against the
 * AOO (an office or user already in CC stays even if since deactivated). Links to records the
 * caller cannot see are not the caller's to know or remove: they stay.
 */
export async function changedCcLinks(
  tx: UnitOfWork,
  record: ProtocolRecord,
  input: CcLinksInput,
): Promise<CcLinksChange> {
  const none: CcLinksChange = { changes: {}, state: null, apply: async () => {} };
  if (input.cc === undefined && input.links === undefined) return none;
  const givenCc = input.cc === undefined ? null : ccShape(input.cc);
  const givenLinks = input.links === undefined ? null : linksShape(input.links, record.id);
  const current = await currentCcLinks(tx, record);

  let cc = current.cc;
  let addedCc: CcEntry[] = [];
  let removedCc: CcEntry[] = [];
  if (givenCc !== null) {
    const before = new Set(current.cc.map(ccKey));
    const after = new Set(givenCc.map(ccKey));
    addedCc = givenCc.filter((e) => !before.has(ccKey(e)));
    removedCc = current.cc.filter((e) => !after.has(ccKey(e)));
    await checkCcOfAoo(tx, record.aooId, givenCc, addedCc);
    cc = [...current.cc.filter((e) => after.has(ccKey(e))), ...addedCc];
  }

  let links = current.links;
  let addedLinks: LinkEntry[] = [];
  let removedLinks: LinkEntry[] = [];
  if (givenLinks !== null) {
    const seen = await visibleAoos(
      tx,
      [...givenLinks, ...current.links].map((l) => l.recordId),
    );
    refuseUnseen(givenLinks, seen, record.aooId);
    const linkKey = (l: LinkEntry): string => `${l.recordId}:${l.kind}`;
    const after = new Set(givenLinks.map(linkKey));
    const before = new Set(current.links.map(linkKey));
    const kept = current.links.filter((l) => !seen.has(l.recordId) || after.has(linkKey(l)));
    addedLinks = givenLinks.filter((l) => !before.has(linkKey(l)));
    removedLinks = current.links.filter((l) => !kept.includes(l));
    links = [...kept, ...addedLinks];
  }

  const changes: Record<string, [unknown, unknown]> = {};
  if (addedCc.length > 0 || removedCc.length > 0) changes['cc'] = [current.cc, cc];
  if (addedLinks.length > 0 || removedLinks.length > 0) changes['links'] = [current.links, links];
  return {
    changes,
    state: { cc, links },
    apply: async (at) => {
      if (removedCc.length > 0) {
        await tx.em.execute(
          `delete from protocol_cc where record_id = ? and (uor_id = any(?::uuid[]) or user_id = any(?::uuid[]))`,
          [
            record.id,
            pgArray(removedCc.flatMap((e) => (e.uorId !== undefined ? [e.uorId] : []))),
            pgArray(removedCc.flatMap((e) => (e.userId !== undefined ? [e.userId] : []))),
          ],
        );
      }
      await insertCc(tx, record.id, addedCc, at);
      if (removedLinks.length > 0) {
        await tx.em.execute(
          `delete from protocol_link where record_id = ? and linked_record_id = any(?::uuid[])`,
          [record.id, pgArray(removedLinks.map((l) => l.recordId))],
        );
      }
      await insertLinks(tx, record.id, addedLinks, at);
    },
  };
}
