import type { RequestContext } from '../../server/context.js';
import { PROTOCOL_READ_PERSONAL_DATA, StoredFile } from '../documents/index.js';
import { Aoo, User } from '../organisation/index.js';
import {
  findVisibleRecord,
  ProtocolCorrespondent,
  ProtocolCorrespondentKind,
  ProtocolFile,
  type ProtocolRecord,
} from '../protocollo/index.js';
import type { RegisterCodes } from './label-code.js';

/** A bound file as registered: slot, description, digest, and the name it was uploaded under. */
export interface ReceiptFile {
  position: number;
  description: string | null;
  fileName: string | null;
  sha256: string;
}

/** A correspondent as registered, as one line of the receipt. */
export interface ReceiptCorrespondent {
  role: ProtocolCorrespondent['role'];
  text: string;
}

/** Everything a receipt or a label of a registration shows, read once for a visible record. */
export interface ReceiptFacts {
  record: ProtocolRecord;
  administrationName: string;
  aooName: string;
  codes: RegisterCodes;
  correspondents: ReceiptCorrespondent[];
  files: ReceiptFile[];
  /** Who registered it: "Nome Cognome (username)". */
  operator: string;
  /** Who annulled it, when it is annulled. */
  annulledBy: string | null;
}

function personName(u: User | null): string {
  return u ? `${u.givenName} ${u.familyName} (${u.username})` : '—';
}

/**
 * A correspondent's line. Names, tax codes and addresses of persons are personal data: shown
 * only to holders of PROTOCOL_READ_PERSONAL_DATA in the record's AOO, as in GraphQL
 * (ProtocolCorrespondent's field ACL); a receipt must not leak what the API masks.
 */
function correspondentText(c: ProtocolCorrespondent, personalData: boolean): string {
  const codes = [
    c.ipaAmministrazione && `IPA ${c.ipaAmministrazione}`,
    c.ipaAoo && `AOO ${c.ipaAoo}`,
    c.ipaUo && `UO ${c.ipaUo}`,
    c.partitaIva && `P. IVA ${c.partitaIva}`,
  ].filter(Boolean);
  if (c.kind === ProtocolCorrespondentKind.PERSONA_FISICA && !personalData) {
    return 'Persona fisica (dati personali non visibili)';
  }
  const name = c.denominazione ?? [c.nome, c.cognome].filter(Boolean).join(' ');
  const contact = personalData || c.kind !== ProtocolCorrespondentKind.PERSONA_FISICA ? c.pec : null;
  const parts = [
    name || '—',
    ...(personalData && c.codiceFiscale ? [`C.F. ${c.codiceFiscale}`] : []),
    ...codes,
    ...(contact ? [`PEC ${contact}`] : []),
  ];
  return parts.join(' · ');
}

/** The facts of a record the caller sees; NOT_FOUND (same as missing) otherwise. */
export async function receiptFacts(ctx: RequestContext, id: string): Promise<ReceiptFacts> {
  return factsOfRecord(ctx, await findVisibleRecord(ctx, ctx.em, id));
}

/**
 * The facts of a record already authorised by the caller (system work: the receipt sent by PEC
 * to the sender). Personal data follow `ctx`'s grants, as everywhere: none for a system context.
 */
export async function factsOfRecord(ctx: RequestContext, record: ProtocolRecord): Promise<ReceiptFacts> {
  // One statement after another: the request's EntityManager is not shared between queries.
  const aoo = await ctx.em.findOneOrFail(Aoo, record.aooId, { populate: ['administration'] });
  const correspondents = await ctx.em.find(
    ProtocolCorrespondent,
    { recordId: record.id },
    { orderBy: { position: 'asc' } },
  );
  const files = await ctx.em.find(ProtocolFile, { recordId: record.id }, { orderBy: { position: 'asc' } });
  const users = await ctx.em.find(User, {
    id: { $in: [record.registeredById, ...(record.annulledById ? [record.annulledById] : [])] },
  });
  const userById = new Map(users.map((u) => [u.id, u]));
  const stored = await ctx.em.find(StoredFile, { id: { $in: files.map((f) => f.fileId) } });
  const names = new Map(stored.map((s) => [s.id, s.originalName]));
  const personalData = ctx.grants.has(PROTOCOL_READ_PERSONAL_DATA, record.aooId);
  return {
    record,
    administrationName: aoo.administration.name,
    aooName: aoo.name,
    codes: { ipaCode: aoo.administration.ipaCode, aooCode: aoo.code, registerCode: aoo.registerCode },
    correspondents: correspondents.map((c) => ({ role: c.role, text: correspondentText(c, personalData) })),
    files: files.map((f) => ({
      position: f.position,
      description: f.description,
      fileName: names.get(f.fileId) ?? null,
      sha256: f.sha256,
    })),
    operator: personName(userById.get(record.registeredById) ?? null),
    annulledBy: record.annulledById ? personName(userById.get(record.annulledById) ?? null) : null,
  };
}
