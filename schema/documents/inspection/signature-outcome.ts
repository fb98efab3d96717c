/**
 * Outcomes of a digital-signature check, in the words the manuals use for the registration
 * record: 001 §8.2 ("Firma mancante" when the document carries no signature) and 002 §4.1.2.1
 * ("verifica firma digitale eseguita: certificato scaduto / … / impossibile effettuare
 * verifica"). Verification records an outcome; it never blocks registration (DOMAIN §10).
 *
 * 002 §4.1.2.1 also names "certificato revocato" and "certificato sospeso": they need CRL/OCSP
 * look-ups, and this platform verifies offline, so those outcomes are never produced here.
 */
export enum SignatureStatus {
  FIRMA_VALIDA = 'FIRMA_VALIDA',
  FIRMA_MANCANTE = 'FIRMA_MANCANTE',
  /** The signed content or the signature was altered after signing. */
  FIRMA_NON_VALIDA = 'FIRMA_NON_VALIDA',
  /** The signer certificate was expired, or not yet valid, at the reference time. */
  CERTIFICATO_SCADUTO = 'CERTIFICATO_SCADUTO',
  /** Malformed envelope, unsupported algorithm, missing signer certificate, input too large. */
  IMPOSSIBILE_EFFETTUARE_VERIFICA = 'IMPOSSIBILE_EFFETTUARE_VERIFICA',
}

export const SIGNATURE_STATUS_LABELS: Readonly<Record<SignatureStatus, string>> = {
  [SignatureStatus.FIRMA_VALIDA]: 'firma valida',
  [SignatureStatus.FIRMA_MANCANTE]: 'firma mancante',
  [SignatureStatus.FIRMA_NON_VALIDA]: 'firma non valida',
  [SignatureStatus.CERTIFICATO_SCADUTO]: 'certificato scaduto',
  [SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA]: 'impossibile effettuare verifica',
};

/** CADES: a .p7m envelope; PADES: a signed PDF; XADES: an XML signature, recognised but not verified. */
export type SignatureKind = 'CADES' | 'PADES' | 'XADES' | 'NONE';

/** Who signed, from the signer certificate carried in the CMS. */
export interface SignerSummary {
  /** Subject commonName, when present. */
  commonName: string | undefined;
  /** Subject serialNumber attribute (OID 2.5.4.5), e.g. `TINIT-RSSMRA80A01H501U`. */
  serialNumber: string | undefined;
  /** The Italian codice fiscale found in serialNumber (`TINIT-…` or legacy `IT:…`), if any. */
  fiscalCode: string | undefined;
  /** Subject distinguished name, RFC 4514 order (most specific first). */
  subject: string;
  /** Issuer distinguished name, RFC 4514 order. */
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** Certificate serial number, lowercase hex. */
  certificateSerial: string;
}

export interface SignatureOutcome {
  status: SignatureStatus;
  /** The manuals' wording for `status` (see SIGNATURE_STATUS_LABELS). */
  label: string;
  kind: SignatureKind;
  /** Every signer found (all layers of a nested .p7m, all signatures of a PDF), outermost first. */
  signers: SignerSummary[];
  /** The claimed signing time of the first signer (signingTime attribute, or the PDF's /M). */
  signingTime: Date | undefined;
  /** Number of nested CAdES envelopes (file.pdf.p7m.p7m → 2); 0 for PAdES and unsigned files. */
  envelopeDepth: number;
  /** Why, in plain words, for the operator and the log. */
  detail: string;
}

export function outcome(
  status: SignatureStatus,
  kind: SignatureKind,
  detail: string,
  extra: Partial<Pick<SignatureOutcome, 'signers' | 'signingTime' | 'envelopeDepth'>> = {},
): SignatureOutcome {
  return {
    status,
    label: SIGNATURE_STATUS_LABELS[status],
    kind,
    signers: extra.signers ?? [],
    signingTime: extra.signingTime,
    envelopeDepth: extra.envelopeDepth ?? 0,
    detail,
  };
}

// When a file carries several signatures (co-signatures, nested envelopes, incremental PDF
// signatures) the record shows the worst finding: evidence of tampering first, then an expired
// certificate, then what could not be checked.
const SEVERITY: Readonly<Record<SignatureStatus, number>> = {
  [SignatureStatus.FIRMA_MANCANTE]: 0,
  [SignatureStatus.FIRMA_VALIDA]: 1,
  [SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA]: 2,
  [SignatureStatus.CERTIFICATO_SCADUTO]: 3,
  [SignatureStatus.FIRMA_NON_VALIDA]: 4,
};

export function worstStatus(statuses: readonly SignatureStatus[]): SignatureStatus {
  return statuses.reduce<SignatureStatus>(
    (worst, status) => (SEVERITY[status] > SEVERITY[worst] ? status : worst),
    SignatureStatus.FIRMA_MANCANTE,
  );
}

/**
 * The note to write on the registration record, or undefined when none is due. 002 §4.1.2.1
 * asks for "verifica firma digitale eseguita: …" on a negative outcome; 001 §8.2-8.3 asks for
 * "firma mancante" on an unsigned document (in an immutable field).
 */
export function registrationNoteFor(result: SignatureOutcome): string | undefined {
  switch (result.status) {
    case SignatureStatus.FIRMA_VALIDA:
      return undefined;
    case SignatureStatus.FIRMA_MANCANTE:
      return result.label;
    default:
      return `verifica firma digitale eseguita: ${result.label}`;
  }
}
