import type { Element } from '@xmldom/xmldom';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { canonicalElement, sealCanonical, type SealKey } from '../../../schema/segnatura/index.js';
import { InvalidInputError } from '../../../server/errors/domain-error.js';
import { ECCEZIONE_CODES, type EccezioneCode } from './eccezione-codes.js';
import { INTEROP_FILES, PEC_NS, PROT_NS, type InteropKind } from './interop-types.js';
import { validateInteropXml } from './xsd-validation.js';

/**
 * The four Allegato 6 messages an AOO sends by e-mail (Appendix C, pec_message.xsd, namespace
 * `…/protocollo/pec/`): ConfermaRicezione (Conferma.xml), AggiornamentoConferma
 * (Aggiornamento.xml), NotificaEccezione (Eccezione.xml), AnnullamentoProtocollazione
 * (Annullamento.xml). Each is written in its exclusive canonical form, validated against the
 * XSD, then sealed with the AOO's key (the segnatura's XAdES-B seal, enveloped, as the root's
 * last child). A message that fails the XSD is our bug: InteropBuildError, never sent.
 *
 * The seal and the XSD: pec_message.xsd has no place for ds:Signature in these four types (the
 * Allegato mandates the XAdES seal on the Segnatura only; over SOAP the messages are signed by
 * WS-Security). What is validated is therefore the message without its seal, byte for byte the
 * content the seal's enveloped reference covers; receivers that validate strictly against the
 * published XSD would refuse the sealed form, so `seal: null` builds the unsealed message
 * (XSD-valid as it stands) for them.
 */

/** An identifier to write (IdentificatoreType); numero is padded to the XSD's 7 digits. */
export interface InteropIdentifierInput {
  codiceAmministrazione: string;
  codiceAOO: string;
  codiceRegistro: string;
  numero: string | number;
  /** YYYY-MM-DD */
  data: string;
  /** HH:MM:SS */
  ora?: string | null;
  denominazioneAmministrazione?: string;
  denominazioneAOO?: string;
}

/** The message received: its sender's identifier (and first registration), or a description. */
export type MessaggioRicevutoInput =
  | { identificatore: InteropIdentifierInput; primaRegistrazione?: InteropIdentifierInput | null }
  | { descrizione: string };

export interface ConfermaInput {
  /** The receiving AOO's registration of the message (ours). */
  identificatore: InteropIdentifierInput;
  /** The sender's registration, from its Segnatura. */
  messaggioRicevuto: InteropIdentifierInput;
  primaRegistrazione?: InteropIdentifierInput | null;
}

export interface EccezioneInput {
  code: EccezioneCode;
  /** What exactly was wrong (Allegato 6: the reason is mandatory for 000_Irricevibile). */
  detail?: string;
  /** Our registration, when the message was registered despite the anomaly. */
  identificatore?: InteropIdentifierInput | null;
  messaggioRicevuto: MessaggioRicevutoInput;
}

export interface AnnullamentoInput {
  /** The annulled registration, as the counterpart knows it. */
  identificatore: InteropIdentifierInput;
  motivo: string;
  /** The act (provvedimento) that annulled it (Allegato 6 §3.1.2 A). */
  provvedimento: string;
}

/** Our output failed the XSD: a defect of this code, the message is not sent. */
export class InteropBuildError extends Error {
  readonly code = 'PEC_INTEROP_BUILD_INVALID';
  constructor(
    readonly kind: InteropKind,
    readonly errors: string[],
  ) {
    super(
      `the ${INTEROP_FILES[kind].fileName} built does not validate against pec_message.xsd: ${errors.join('; ')}`,
    );
    this.name = 'InteropBuildError';
  }
}

const CODICE_REGISTRO = /^[A-Za-z0-9_.-]{1,16}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

const clean = (value: string) => value.replace(NOT_XML, '');

function required(field: string, value: string | undefined | null): string {
  const v = clean(value ?? '').trim();
  if (!v) throw new InvalidInputError(field, 'must not be empty');
  return v;
}

function pec(parent: XMLBuilder, name: string, value?: string): XMLBuilder {
  const node = parent.ele(PEC_NS, `pec:${name}`);
  if (value !== undefined) node.txt(clean(value));
  return node;
}

function prot(parent: XMLBuilder, name: string, value: string): XMLBuilder {
  return parent.ele(PROT_NS, `prot:${name}`).txt(clean(value));
}

function identifier(parent: XMLBuilder, name: string, id: InteropIdentifierInput, field: string): void {
  if (!CODICE_REGISTRO.test(id.codiceRegistro))
    throw new InvalidInputError(`${field}.codiceRegistro`, 'must match [A-Za-z0-9_.-]{1,16}');
  const numero = String(id.numero).trim();
  if (!/^[0-9]+$/.test(numero) || /^0+$/.test(numero))
    throw new InvalidInputError(`${field}.numero`, 'must be a positive number');
  if (!DATE.test(id.data)) throw new InvalidInputError(`${field}.data`, 'must be YYYY-MM-DD');
  if (id.ora && !TIME.test(id.ora)) throw new InvalidInputError(`${field}.ora`, 'must be HH:MM:SS');
  const node = pec(parent, name);
  const amm = prot(
    node,
    'CodiceAmministrazione',
    required(`${field}.codiceAmministrazione`, id.codiceAmministrazione),
  );
  if (id.denominazioneAmministrazione)
    amm.att(PROT_NS, 'prot:descrizione', clean(id.denominazioneAmministrazione));
  const aoo = prot(node, 'CodiceAOO', required(`${field}.codiceAOO`, id.codiceAOO));
  if (id.denominazioneAOO) aoo.att(PROT_NS, 'prot:descrizione', clean(id.denominazioneAOO));
  prot(node, 'CodiceRegistro', id.codiceRegistro);
  prot(node, 'NumeroRegistrazione', numero.padStart(7, '0'));
  prot(node, 'DataRegistrazione', id.data);
  if (id.ora) prot(node, 'OraRegistrazione', id.ora);
}

function root(kind: InteropKind): { doc: XMLBuilder; root: XMLBuilder } {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const r = doc
    .ele(PEC_NS, `pec:${INTEROP_FILES[kind].root}`)
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:prot', PROT_NS)
    .att(PEC_NS, 'pec:versione', '3.0.0')
    .att(PEC_NS, 'pec:lang', 'it');
  return { doc, root: r };
}

function messaggioRicevuto(parent: XMLBuilder, input: MessaggioRicevutoInput, field: string): void {
  const node = pec(parent, 'MessaggioRicevuto');
  if ('descrizione' in input) {
    pec(node, 'DescrizioneMessaggio', required(`${field}.descrizione`, input.descrizione));
    return;
  }
  identifier(node, 'Identificatore', input.identificatore, `${field}.identificatore`);
  if (input.primaRegistrazione)
    identifier(node, 'PrimaRegistrazione', input.primaRegistrazione, `${field}.primaRegistrazione`);
}

/** Validates the canonical form, seals it (or not) and returns the file's bytes. */
async function finish(
  kind: InteropKind,
  built: XMLBuilder,
  seal: SealKey | null,
  signingTime: Date,
): Promise<Buffer> {
  // xmlbuilder2's DOM has the node interface exc-c14n reads, as sealSegnaturaInput relies on.
  const canonical = canonicalElement(built.node as unknown as Element);
  const unsealed = `<?xml version="1.0" encoding="UTF-8"?>\n${canonical}`;
  const check = await validateInteropXml(unsealed, PEC_NS);
  if (!check.valid) throw new InteropBuildError(kind, check.errors);
  if (!seal) return Buffer.from(unsealed, 'utf8');
  return Buffer.from(sealCanonical(canonical, seal, signingTime, `${kind}-seal`), 'utf8');
}

function confermaLike(kind: 'conferma' | 'aggiornamento', input: ConfermaInput): XMLBuilder {
  const { root: r } = root(kind);
  identifier(r, 'Identificatore', input.identificatore, 'identificatore');
  messaggioRicevuto(
    r,
    { identificatore: input.messaggioRicevuto, primaRegistrazione: input.primaRegistrazione },
    'messaggioRicevuto',
  );
  return r;
}

/** Conferma.xml: the receiving AOO registered the message (Allegato 6 §3.1.1 C). */
export async function buildConferma(
  input: ConfermaInput,
  seal: SealKey | null,
  signingTime: Date,
): Promise<Buffer> {
  return await finish('conferma', confermaLike('conferma', input), seal, signingTime);
}

/** Aggiornamento.xml: an update of a confirmation already sent (same content as Conferma). */
export async function buildAggiornamento(
  input: ConfermaInput,
  seal: SealKey | null,
  signingTime: Date,
): Promise<Buffer> {
  return await finish('aggiornamento', confermaLike('aggiornamento', input), seal, signingTime);
}

/** Eccezione.xml: Motivo is `<code>: <detail>` (the code's meaning when no detail is given). */
export async function buildEccezione(
  input: EccezioneInput,
  seal: SealKey | null,
  signingTime: Date,
): Promise<Buffer> {
  if (!(input.code in ECCEZIONE_CODES)) throw new InvalidInputError('code', `unknown code ${input.code}`);
  const detail = clean(input.detail ?? '').trim();
  if (input.code === '000_Irricevibile' && !detail)
    throw new InvalidInputError(
      'detail',
      '000_Irricevibile needs the reason why the message is not receivable',
    );
  const { root: r } = root('eccezione');
  if (input.identificatore) identifier(r, 'Identificatore', input.identificatore, 'identificatore');
  messaggioRicevuto(r, input.messaggioRicevuto, 'messaggioRicevuto');
  pec(r, 'Motivo', `${input.code}: ${detail || ECCEZIONE_CODES[input.code]}`);
  return await finish('eccezione', r, seal, signingTime);
}

/** Annullamento.xml: the registration was annulled by an act (Allegato 6 §3.1.2, §3.1.3). */
export async function buildAnnullamento(
  input: AnnullamentoInput,
  seal: SealKey | null,
  signingTime: Date,
): Promise<Buffer> {
  const { root: r } = root('annullamento');
  identifier(r, 'Identificatore', input.identificatore, 'identificatore');
  pec(r, 'Motivo', required('motivo', input.motivo));
  pec(r, 'Provvedimento', required('provvedimento', input.provvedimento));
  return await finish('annullamento', r, seal, signingTime);
}
