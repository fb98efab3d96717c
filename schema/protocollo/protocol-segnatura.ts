import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { Aoo } from '../organisation/index.js';
import {
  acceptPreparedSeal,
  type SealedAoo,
  sealSegnaturaOf,
  type SegnaturaClassification,
  type SegnaturaContacts,
  type SegnaturaCorrespondent,
  type SegnaturaInput,
} from '../segnatura/index.js';
import { TitolarioNode } from '../titolario/index.js';
import type { CheckedCorrespondent } from './protocol-input-checks.js';
import type { BoundFile, RegistrationReads } from './protocol-registration-reads.js';
import type { ProtocolRecord } from './protocol-record.entity.js';
import { ProtocolSegnatura } from './protocol-segnatura.types.js';
import { findVisibleRecord } from './protocol-visibility.js';
import { ProtocolCorrespondentKind, ProtocolKind } from './protocollo-enums.js';

/** The XSD makes Classifica mandatory; an unclassified registration says so in it. */
const UNCLASSIFIED: SegnaturaClassification = { denominazione: 'Non classificato', codice: 'NC' };

const ROME_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function contacts(c: CheckedCorrespondent): SegnaturaContacts | undefined {
  const out: SegnaturaContacts = {
    ...(c.email ? { email: [c.email] } : {}),
    ...(c.pec ? { pec: [c.pec] } : {}),
  };
  return out.email || out.pec ? out : undefined;
}

function nameOf(c: CheckedCorrespondent): string {
  return c.denominazione ?? [c.nome, c.cognome].filter(Boolean).join(' ');
}

/** The own administration and AOO (the receiving side of an arrivo, the sending one otherwise). */
function ownAdministration(aoo: SealedAoo, uoCode?: string): SegnaturaCorrespondent {
  return {
    type: 'AMMINISTRAZIONE',
    denominazione: aoo.administration.name,
    codiceIPA: aoo.administration.ipaCode,
    aoo: { codiceIPA: aoo.code, denominazione: aoo.name, contatti: { pec: [aoo.pecAddress] } },
    ...(uoCode ? { uo: { codiceIPA: uoCode } } : {}),
  };
}

/** A correspondent as registered, in the XSD's four kinds (an office of the AOO is the AOO). */
function correspondent(aoo: SealedAoo, c: CheckedCorrespondent): SegnaturaCorrespondent {
  const contatti = contacts(c);
  const extra = contatti ? { contatti } : {};
  switch (c.kind) {
    case ProtocolCorrespondentKind.PERSONA_FISICA:
      if (c.nome && c.cognome) {
        return {
          type: 'PERSONA_FISICA',
          nome: c.nome,
          cognome: c.cognome,
          ...(c.codiceFiscale ? { codiceFiscale: c.codiceFiscale } : {}),
          ...extra,
        };
      }
      break;
    case ProtocolCorrespondentKind.AMMINISTRAZIONE_ITALIANA:
      if (c.ipaAmministrazione) {
        return {
          type: 'AMMINISTRAZIONE',
          denominazione: nameOf(c),
          codiceIPA: c.ipaAmministrazione,
          ...(c.codiceFiscale ? { codiceFiscale: c.codiceFiscale } : {}),
          ...(c.ipaAoo ? { aoo: { codiceIPA: c.ipaAoo } } : {}),
          ...(c.ipaUo ? { uo: { codiceIPA: c.ipaUo } } : {}),
          ...extra,
        };
      }
      break;
    case ProtocolCorrespondentKind.AMMINISTRAZIONE_ESTERA:
      return { type: 'AMMINISTRAZIONE_ESTERA', denominazione: nameOf(c), ...extra };
    case ProtocolCorrespondentKind.UFFICIO_INTERNO:
      return ownAdministration(aoo, c.ipaUo ?? undefined);
    default:
      break;
  }
  // A company, or data the XSD's stricter kinds cannot hold (a person known by one name, an
  // administration known by its PEC only): the generic legal-person form keeps the name.
  const tax = c.partitaIva ?? c.codiceFiscale;
  return {
    type: 'PERSONA_GIURIDICA',
    denominazione: nameOf(c),
    ...(tax ? { partitaIvaOCodiceFiscale: tax } : {}),
    ...extra,
  };
}

/** AOOs read ahead by `prepareSegnatura`, by transaction (its EntityManager); null: no seal. */
const preparedAoos = new WeakMap<UnitOfWork['em'], { aooId: string; aoo: SealedAoo | null }>();

/**
 * Takes what the segnatura needs besides the record (the AOO and its administration, the AOO's
 * seal and opened key), read with the document (`reads.preparedSeal`, before the registration
 * takes its number: the counter row stays locked until the commit, and each statement made
 * meanwhile makes the AOO's other registrations wait).
 */
export async function prepareSegnatura(
  tx: UnitOfWork,
  aooId: string,
  reads: Pick<RegistrationReads, 'preparedSeal'>,
): Promise<void> {
  preparedAoos.set(tx.em, { aooId, aoo: await acceptPreparedSeal(tx, aooId, reads.preparedSeal) });
}

/**
 * What the registration says, as the segnatura module wants it; null when `prepareSegnatura`
 * found the AOO without a seal (the registration has no segnatura).
 */
export async function segnaturaInputOf(
  tx: UnitOfWork,
  record: ProtocolRecord,
  correspondents: readonly CheckedCorrespondent[],
  files: ReadonlyArray<{ position: number; sha256: string; description: string | null; file: BoundFile }>,
): Promise<SegnaturaInput | null> {
  const prepared = preparedAoos.get(tx.em);
  // An AOO found without a seal ahead of the number gets no segnatura: nothing to read for it.
  if (prepared?.aooId === record.aooId && !prepared.aoo) return null;
  const aoo =
    prepared?.aooId === record.aooId && prepared.aoo
      ? prepared.aoo
      : await tx.em.findOneOrFail(Aoo, record.aooId, { populate: ['administration'] });
  const node = record.classificationId
    ? await tx.em.findOneOrFail(TitolarioNode, record.classificationId)
    : null;
  const own = ownAdministration(aoo);
  const theirs = correspondents.map((c) => correspondent(aoo, c));
  const doc = (f: (typeof files)[number]) => ({
    nomeFile: f.file.originalName,
    mimeType: f.file.mediaType,
    sha256: f.sha256,
    ...(f.description ? { descrizione: f.description } : {}),
  });
  const primary = files.find((f) => f.position === 0);
  if (!primary) throw new Error(`record ${record.id} has no primary file`);
  return {
    kind: record.kind,
    identifier: {
      codiceAmministrazione: aoo.administration.ipaCode,
      denominazioneAmministrazione: aoo.administration.name,
      codiceAOO: aoo.code,
      denominazioneAOO: aoo.name,
      codiceRegistro: aoo.registerCode,
      numero: record.number,
      data: record.date,
      ora: ROME_TIME.format(record.registeredAt),
    },
    oggetto: record.oggetto,
    classification: node ? { denominazione: node.description, codice: node.fullCode } : UNCLASSIFIED,
    // Arrivo: the (first) sender writes to this AOO; partenza and interno: this AOO writes.
    mittente: record.kind === ProtocolKind.ARRIVO ? (theirs[0] ?? own) : own,
    destinatari: record.kind === ProtocolKind.ARRIVO ? [own] : theirs,
    documentoPrimario: doc(primary),
    allegati: files.filter((f) => f.position > 0).map(doc),
  };
}

/**
 * Builds and seals the segnatura in the registration's transaction; the caller stores it with
 * the record. An AOO without a seal, or whose seal's certificate is not valid at the
 * registration's time, gets none (null): the seal is an AOO setup step, and the register (a
 * legal duty) must not stop for it; the AOO renews the seal and later records carry theirs.
 */
export async function sealedSegnatura(
  tx: UnitOfWork,
  aooId: string,
  input: SegnaturaInput | null,
): Promise<{ xml: string; sha256: string } | null> {
  if (!input) return null;
  try {
    return await sealSegnaturaOf(tx, aooId, input);
  } catch (e) {
    const code = e instanceof DomainError ? e.extensions['code'] : undefined;
    if (code === 'SEAL_NOT_CONFIGURED' || code === 'SEAL_CERTIFICATE_NOT_VALID') return null;
    throw e;
  }
}

/** `sealedSegnatura`, stored with the record (its own INSERT). */
export async function sealRegistration(
  tx: UnitOfWork,
  input: SegnaturaInput | null,
  record: ProtocolRecord,
): Promise<{ sha256: string } | null> {
  const sealed = await sealedSegnatura(tx, record.aooId, input);
  if (!sealed) return null;
  await tx.em.execute('insert into protocol_segnatura (record_id, xml, sha256) values (?, ?, ?)', [
    record.id,
    sealed.xml,
    sealed.sha256,
  ]);
  return { sha256: sealed.sha256 };
}

/** The segnatura of a record the caller sees (NOT_FOUND otherwise); null when it has none. */
export async function readSegnatura(ctx: RequestContext, id: string): Promise<ProtocolSegnatura | null> {
  const record = await findVisibleRecord(ctx, ctx.em, id);
  await auditRead(ctx, {
    aooId: record.aooId,
    operation: 'protocolRecord.segnatura.read',
    targetType: 'ProtocolRecord',
    targetId: record.id,
  });
  const rows = await ctx.em.execute<Array<{ xml: string; sha256: string }>>(
    'select xml, sha256 from protocol_segnatura where record_id = ?',
    [record.id],
  );
  const row = rows[0];
  return row ? Object.assign(new ProtocolSegnatura(), { xml: row.xml, sha256: row.sha256 }) : null;
}
