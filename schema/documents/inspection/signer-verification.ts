import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { summariseCertificate } from './certificate-summary.js';
import { encapsulatedContent } from './cms-parsing.js';
import { SignatureStatus, type SignerSummary } from './signature-outcome.js';

/** The finding for one SignerInfo of a SignedData. */
export interface SignerVerification {
  status: SignatureStatus;
  detail: string;
  signer: SignerSummary | undefined;
  /** The signingTime signed attribute (RFC 5652 §11.3), or the container's claim. */
  signingTime: Date | undefined;
}

export interface VerifySignersOptions {
  /** The signed content when the SignedData is detached (PAdES: the byte ranges, in order). */
  detachedContent?: readonly Uint8Array[];
  /** A signing time claimed by the container (PDF /M), used when the CMS carries none. */
  containerSigningTime?: Date;
  /** Reference time when no signing time is claimed at all (the verification time, by the request clock). */
  at: Date;
}

const ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';
const EXT_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

// Digest algorithms of RFC 5754 / RFC 3370; anything else is "impossibile effettuare verifica".
const DIGESTS: ReadonlyMap<string, string> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function findAttribute(info: pkijs.SignerInfo, type: string): unknown {
  const found = info.signedAttrs?.attributes.find((attribute) => attribute.type === type);
  const values: unknown[] | undefined = found?.values;
  return values?.[0];
}

function signingTimeOf(info: pkijs.SignerInfo): Date | undefined {
  const value = findAttribute(info, ATTR_SIGNING_TIME);
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) return value.toDate();
  return undefined;
}

/** RFC 5652 §5.3 SignerIdentifier: issuerAndSerialNumber, or [0] subjectKeyIdentifier. */
function findSignerCertificate(
  signedData: pkijs.SignedData,
  info: pkijs.SignerInfo,
): pkijs.Certificate | undefined {
  const certificates = (signedData.certificates ?? []).filter((c) => c instanceof pkijs.Certificate);
  const sid: unknown = info.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificates.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  const keyId = subjectKeyIdentifierOf(sid);
  if (!keyId) return undefined;
  return certificates.find((c) => {
    const extension = c.extensions?.find((e) => e.extnID === EXT_SUBJECT_KEY_IDENTIFIER);
    const declared: unknown = extension?.parsedValue;
    if (
      declared instanceof asn1js.OctetString &&
      Buffer.from(declared.valueBlock.valueHexView).equals(keyId)
    ) {
      return true;
    }
    // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits, as pkijs also matches.
    const spki = c.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    return createHash('sha1').update(spki).digest().equals(keyId);
  });
}

function subjectKeyIdentifierOf(sid: unknown): Buffer | undefined {
  if (sid instanceof asn1js.Constructed) {
    const inner: unknown = sid.valueBlock.value[0];
    return inner instanceof asn1js.OctetString ? Buffer.from(inner.valueBlock.valueHexView) : undefined;
  }
  if (sid instanceof asn1js.Primitive) return Buffer.from(sid.valueBlock.valueHexView);
  return undefined;
}

function digestOf(algorithm: string, pieces: readonly Uint8Array[]): Buffer {
  const hash = createHash(algorithm);
  for (const piece of pieces) hash.update(piece);
  return hash.digest();
}

function joined(pieces: readonly Uint8Array[]): ArrayBuffer {
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out.buffer;
}

function finding(
  status: SignatureStatus,
  detail: string,
  signer?: SignerSummary,
  signingTime?: Date,
): SignerVerification {
  return { status, detail, signer, signingTime };
}

/**
 * Verifies every SignerInfo of a SignedData: the content digest against the messageDigest
 * attribute, the signature with pkijs (`SignedData.verify`, checkChain false), and the signer
 * certificate's validity period at the claimed signing time (else `at`, else now).
 *
 * Not checked, by design (offline platform, 002 §3.9 leaves it to the certifier's tools):
 * the chain up to a trusted list, revocation (CRL/OCSP), qualified-certificate policies. The
 * signingTime attribute is the signer's own claim; a trusted time needs an RFC 3161 token.
 */
export async function verifySigners(
  signedData: pkijs.SignedData,
  options: VerifySignersOptions,
): Promise<SignerVerification[]> {
  if (signedData.signerInfos.length === 0) {
    return [finding(SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA, 'the envelope has no SignerInfo')];
  }
  const results: SignerVerification[] = [];
  for (const [index, info] of signedData.signerInfos.entries()) {
    results.push(await verifySigner(signedData, index, info, options));
  }
  return results;
}

async function verifySigner(
  signedData: pkijs.SignedData,
  index: number,
  info: pkijs.SignerInfo,
  options: VerifySignersOptions,
): Promise<SignerVerification> {
  const impossible = SignatureStatus.IMPOSSIBILE_EFFETTUARE_VERIFICA;
  const certificate = findSignerCertificate(signedData, info);
  if (!certificate) return finding(impossible, `signer ${index + 1}: its certificate is not in the envelope`);
  const signer = summariseCertificate(certificate);
  const signingTime = signingTimeOf(info) ?? options.containerSigningTime;

  const digestName = DIGESTS.get(info.digestAlgorithm.algorithmId);
  if (!digestName) {
    return finding(
      impossible,
      `unsupported digest algorithm ${info.digestAlgorithm.algorithmId}`,
      signer,
      signingTime,
    );
  }
  const attached = encapsulatedContent(signedData);
  const content = attached ? [attached] : options.detachedContent;
  if (!content)
    return finding(impossible, 'detached signature without the signed content', signer, signingTime);

  if (info.signedAttrs) {
    const declared = findAttribute(info, ATTR_MESSAGE_DIGEST);
    if (!(declared instanceof asn1js.OctetString)) {
      return finding(impossible, 'signed attributes without a messageDigest', signer, signingTime);
    }
    const actual = digestOf(digestName, content);
    if (!actual.equals(Buffer.from(declared.valueBlock.valueHexView))) {
      return finding(
        SignatureStatus.FIRMA_NON_VALIDA,
        `the ${digestName} digest of the content differs from the signed messageDigest: the document was altered after signing`,
        signer,
        signingTime,
      );
    }
  }

  try {
    const result = await signedData.verify({
      signer: index,
      data: attached ? undefined : joined(content),
      checkChain: false,
      extendedMode: true,
    });
    if (result.signatureVerified !== true) {
      return finding(
        SignatureStatus.FIRMA_NON_VALIDA,
        'the signature value does not match the signed data and the signer key',
        signer,
        signingTime,
      );
    }
  } catch (error) {
    const digestMismatch = error instanceof pkijs.SignedDataVerifyError && /digest/i.test(error.message);
    return digestMismatch
      ? finding(SignatureStatus.FIRMA_NON_VALIDA, describe(error), signer, signingTime)
      : finding(impossible, `verification failed: ${describe(error)}`, signer, signingTime);
  }

  const reference = signingTime ?? options.at;
  const source = signingTime ? 'signing time' : 'verification time';
  if (reference < signer.notBefore || reference > signer.notAfter) {
    const state = reference < signer.notBefore ? 'not yet valid' : 'expired';
    return finding(
      SignatureStatus.CERTIFICATO_SCADUTO,
      `signature intact, but the certificate (valid ${signer.notBefore.toISOString()} – ${signer.notAfter.toISOString()}) was ${state} at the ${source} ${reference.toISOString()}`,
      signer,
      signingTime,
    );
  }
  return finding(
    SignatureStatus.FIRMA_VALIDA,
    `signature intact; certificate valid at the ${source} ${reference.toISOString()} (chain and revocation not checked offline)`,
    signer,
    signingTime,
  );
}
