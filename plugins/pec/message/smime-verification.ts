import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { PecSignature } from './parsed-message.js';

/** A trust anchor: a pkijs Certificate, PEM text (one or more certificates) or DER bytes. */
export type TrustAnchorInput = pkijs.Certificate | string | Buffer;

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const COMMON_NAME = '2.5.4.3';
const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';
const SUBJECT_ALT_NAME = '2.5.29.17';
const SIGNING_TIME = '1.2.840.113549.1.9.5';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function certificateFromDer(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(der);
}

/** Trust anchors in any of the accepted forms → certificates (a PEM may hold several). */
export function loadTrustAnchors(inputs: readonly TrustAnchorInput[]): pkijs.Certificate[] {
  const anchors: pkijs.Certificate[] = [];
  for (const input of inputs) {
    if (input instanceof pkijs.Certificate) {
      anchors.push(input);
      continue;
    }
    const text = typeof input === 'string' ? input : input.toString('latin1');
    const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
    if (blocks.length === 0 && Buffer.isBuffer(input)) {
      anchors.push(certificateFromDer(input));
      continue;
    }
    if (blocks.length === 0) throw new Error('no PEM certificate in the trust anchor text');
    for (const block of blocks) anchors.push(certificateFromDer(Buffer.from(block[1] ?? '', 'base64')));
  }
  return anchors;
}

function attributeText(name: pkijs.RelativeDistinguishedNames, oid: string): string | null {
  const value: unknown = name.typesAndValues.find((tv) => tv.type === oid)?.value.valueBlock.value;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function emailInAltName(certificate: pkijs.Certificate): string | null {
  const extension = certificate.extensions?.find((e) => e.extnID === SUBJECT_ALT_NAME);
  const names: unknown = extension?.parsedValue;
  if (!(names instanceof pkijs.AltName)) return null;
  const email = names.altNames.find((n) => n.type === 1)?.value as unknown;
  return typeof email === 'string' ? email : null;
}

/** "CN <e-mail>" of the signer, or whichever of the two the certificate carries. */
export function signerName(certificate: pkijs.Certificate): string | null {
  const cn = attributeText(certificate.subject, COMMON_NAME);
  const email = attributeText(certificate.subject, EMAIL_ADDRESS) ?? emailInAltName(certificate);
  if (cn && email) return `${cn} <${email}>`;
  return cn ?? email;
}

function signingTimeOf(info: pkijs.SignerInfo): Date | undefined {
  const value: unknown = info.signedAttrs?.attributes.find((a) => a.type === SIGNING_TIME)?.values[0];
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) return value.toDate();
  return undefined;
}

function parseSignedData(der: Buffer): pkijs.SignedData | string {
  if (der.length === 0) return 'the signature part is empty';
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) return `the signature is not DER/BER: ${asn1.result.error}`;
  try {
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== SIGNED_DATA) return `the signature is CMS ${info.contentType}, not SignedData`;
    return new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    return `the signature is not a CMS SignedData: ${describe(error)}`;
  }
}

function findSigner(signedData: pkijs.SignedData): pkijs.Certificate | undefined {
  const sid: unknown = signedData.signerInfos[0]?.sid;
  const certificates = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certificates.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  return certificates.length === 1 ? certificates[0] : undefined;
}

export interface VerifyOptions {
  trustAnchors: readonly pkijs.Certificate[];
  /** The time the chain is judged at when the signature claims no signing time (message Date, request clock). */
  at?: Date;
}

/** The encapsulated content of an opaque (attached) SignedData, or null. */
export function encapsulatedContent(der: Buffer): Buffer | null {
  const signedData = parseSignedData(der);
  if (typeof signedData === 'string') return null;
  const content = signedData.encapContentInfo.eContent;
  if (!content) return null;
  const pieces = content.idBlock.isConstructed
    ? content.valueBlock.value.map((piece) =>
        Buffer.from((piece as asn1js.OctetString).valueBlock.valueHexView),
      )
    : [Buffer.from(content.valueBlock.valueHexView)];
  return Buffer.concat(pieces);
}

/**
 * Verifies a CMS SignedData (RFC 5652) over `content` (detached) or over its own content
 * (opaque, `content` null): the signature first, then the signer's chain to the configured
 * anchors. Intact but unanchored (or no anchors configured) is 'untrusted', never 'valid'.
 * Revocation (CRL/OCSP) is not checked: the platform works offline.
 */
export async function verifyCmsSignature(
  der: Buffer,
  content: Buffer | null,
  options: VerifyOptions,
): Promise<PecSignature> {
  const signedData = parseSignedData(der);
  if (typeof signedData === 'string') return { outcome: 'invalid', reason: signedData, signer: null };
  const info = signedData.signerInfos[0];
  if (!info) return { outcome: 'invalid', reason: 'the signature has no SignerInfo', signer: null };
  const certificate = findSigner(signedData);
  const signer = certificate ? signerName(certificate) : null;
  if (!certificate) {
    return { outcome: 'invalid', reason: "the signer's certificate is not in the signature", signer: null };
  }
  if (content === null && !signedData.encapContentInfo.eContent) {
    return { outcome: 'invalid', reason: 'detached signature without the signed content', signer };
  }
  try {
    const data = content
      ? content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength)
      : undefined;
    const result = await signedData.verify({
      signer: 0,
      data: data as ArrayBuffer | undefined,
      checkChain: false,
      extendedMode: true,
    });
    if (result.signatureVerified !== true) {
      return {
        outcome: 'invalid',
        reason: 'the signature does not match the signed bytes and the signer key',
        signer,
      };
    }
  } catch (error) {
    const message = describe(error);
    const reason = /digest/i.test(message)
      ? `the signed bytes were altered after signing (${message})`
      : `the signature does not verify: ${message}`;
    return { outcome: 'invalid', reason, signer };
  }

  if (options.trustAnchors.length === 0) {
    return {
      outcome: 'untrusted',
      reason: 'signature intact, but no trust anchors are configured: the signer is not vouched for',
      signer,
    };
  }
  const checkDate = signingTimeOf(info) ?? options.at;
  try {
    const chain = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [...options.trustAnchors],
      certs: [
        certificate,
        ...(signedData.certificates ?? []).filter(
          (c): c is pkijs.Certificate => c instanceof pkijs.Certificate && c !== certificate,
        ),
      ],
      ...(checkDate ? { checkDate } : {}),
    });
    const verdict = await chain.verify();
    if (!verdict.result) {
      return {
        outcome: 'untrusted',
        reason: `signature intact, but the signer does not chain to a configured trust anchor: ${verdict.resultMessage}`,
        signer,
      };
    }
  } catch (error) {
    return {
      outcome: 'untrusted',
      reason: `signature intact, but the signer does not chain to a configured trust anchor: ${describe(error)}`,
      signer,
    };
  }
  return {
    outcome: 'valid',
    reason: null,
    signer,
  };
}
