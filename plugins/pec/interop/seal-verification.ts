import { X509Certificate, type webcrypto } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import * as XAdES from 'xadesjs';
// Loading the segnatura module configures xadesjs/xmldsigjs for Node (DOM and crypto engine).
import '../../../schema/segnatura/index.js';
import type { SignatureOutcome } from './signature-outcome.js';

/**
 * Verification of the XAdES seal of an incoming Segnatura or interoperability message: an
 * enveloped XML signature, child of the root element, whose document reference covers the whole
 * document (URI="" with the enveloped-signature transform). The signature is checked with the
 * key of the certificate it carries; trust is a separate question answered against the anchors
 * the caller gives (the sender AOO's seal certificate or the CAs that issue qualified seals).
 */

const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SealCheck {
  outcome: SignatureOutcome;
  /** Why not valid (null when valid). */
  reason: string | null;
  /** The seal certificate's subject, when one was found. */
  signer: string | null;
  certificateDer: Buffer | null;
}

// The transforms a seal may use (XAdES baseline over XML): XPath or XSLT transforms are refused,
// they are not needed and are a known way to make verification expensive or select too little.
const ALLOWED_TRANSFORMS = new Set([
  ENVELOPED,
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  'http://www.w3.org/2006/12/xml-c14n11',
]);

const HASHES: Record<string, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

function childElements(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName)
      out.push(n as Element);
  return out;
}

/** The WebCrypto public key of the certificate, for the signature method named in SignedInfo. */
async function verificationKey(cert: X509Certificate, signatureMethod: string): Promise<webcrypto.CryptoKey> {
  const m = /#(rsa|ecdsa)-(sha1|sha256|sha384|sha512)$/.exec(signatureMethod);
  if (!m) throw new Error(`unsupported signature method ${signatureMethod}`);
  const hash = HASHES[m[2]];
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  if (m[1] === 'rsa')
    return globalThis.crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, true, [
      'verify',
    ]);
  const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[
    cert.publicKey.asymmetricKeyDetails?.namedCurve ?? ''
  ];
  if (!curve) throw new Error('unsupported elliptic curve');
  return globalThis.crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: curve }, true, [
    'verify',
  ]);
}

/** Whether the certificate is one of the anchors or was issued and signed by one of them. */
function anchored(cert: X509Certificate, anchors: X509Certificate[]): boolean {
  return anchors.some(
    (anchor) =>
      anchor.raw.equals(cert.raw) || (cert.checkIssued(anchor) && cert.verify(anchor.publicKey) && anchor.ca),
  );
}

/**
 * Checks the seal of a parsed document. `trustAnchors` (DER certificates): none given → a
 * mathematically valid seal is `untrusted` (nothing to anchor it); given → `valid` only if the
 * seal certificate is one of them or issued by one of them, and valid at `at`.
 */
export async function verifySeal(
  doc: Document,
  trustAnchors: Buffer[] = [],
  at: Date | null = null,
): Promise<SealCheck> {
  const root = doc.documentElement;
  const none = { signer: null, certificateDer: null };
  if (!root) return { outcome: 'invalid', reason: 'no root element', ...none };
  const signatures = childElements(root, DS_NS, 'Signature');
  if (signatures.length === 0) {
    const nested = root.getElementsByTagNameNS(DS_NS, 'Signature').length > 0;
    return nested
      ? { outcome: 'invalid', reason: 'the ds:Signature is not a child of the root element', ...none }
      : { outcome: 'unsigned', reason: 'no ds:Signature in the document', ...none };
  }
  if (signatures.length > 1)
    return { outcome: 'invalid', reason: 'more than one ds:Signature on the root element', ...none };
  const signature = signatures[0];

  // The seal must cover the whole document, not a part of it or only its own properties.
  const references = signature.getElementsByTagNameNS(DS_NS, 'Reference');
  let coversDocument = false;
  for (let i = 0; i < references.length; i++) {
    const reference = references[i];
    if (reference.getAttribute('URI') !== '') continue;
    const transforms = reference.getElementsByTagNameNS(DS_NS, 'Transform');
    for (let j = 0; j < transforms.length; j++)
      if (transforms[j].getAttribute('Algorithm') === ENVELOPED) coversDocument = true;
  }
  const transforms = signature.getElementsByTagNameNS(DS_NS, 'Transform');
  for (let i = 0; i < transforms.length; i++) {
    const algorithm = transforms[i].getAttribute('Algorithm') ?? '';
    if (!ALLOWED_TRANSFORMS.has(algorithm))
      return {
        outcome: 'invalid',
        reason: `the signature uses the transform ${algorithm}, not accepted`,
        ...none,
      };
  }
  if (!coversDocument)
    return {
      outcome: 'invalid',
      reason: 'the signature has no enveloped reference to the whole document (URI="")',
      ...none,
    };

  const certText = signature.getElementsByTagNameNS(DS_NS, 'X509Certificate')[0]?.textContent ?? '';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(certText.replace(/\s+/g, ''), 'base64'));
  } catch {
    return { outcome: 'invalid', reason: 'the signature carries no readable X509Certificate', ...none };
  }
  const signer = cert.subject.replace(/\n/g, ', ');
  const found = { signer, certificateDer: Buffer.from(cert.raw) };
  const method =
    signature.getElementsByTagNameNS(DS_NS, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';

  let mathematicallyValid: boolean;
  try {
    const key = await verificationKey(cert, method);
    const signed = new XAdES.SignedXml(doc);
    signed.LoadXml(signature);
    mathematicallyValid = await signed.Verify(key);
  } catch (error) {
    // xml-core's XmlError is not an Error; a reference whose digest differs is thrown, not false.
    const message = (error as { message?: unknown } | null)?.message;
    const text = typeof message === 'string' ? message : String(error);
    if (/Invalid digest/.test(text))
      return {
        outcome: 'invalid',
        reason: `the signature does not match the document (altered after sealing): ${text.replace(/^XMLJS\d+: /, '')}`,
        ...found,
      };
    return { outcome: 'invalid', reason: `the signature cannot be verified: ${text}`, ...found };
  }
  if (!mathematicallyValid)
    return {
      outcome: 'invalid',
      reason: 'the signature does not match the document (altered after sealing, or a wrong key)',
      ...found,
    };

  if (trustAnchors.length === 0)
    return {
      outcome: 'untrusted',
      reason: 'the signature is intact but no trust anchor was given to check its certificate against',
      ...found,
    };
  let anchors: X509Certificate[];
  try {
    anchors = trustAnchors.map((der) => new X509Certificate(der));
  } catch {
    return { outcome: 'untrusted', reason: 'a trust anchor is not a readable certificate', ...found };
  }
  if (!anchored(cert, anchors))
    return {
      outcome: 'untrusted',
      reason: `the seal certificate (${signer}) is not issued by any trust anchor`,
      ...found,
    };
  if (at && (at < new Date(cert.validFrom) || at > new Date(cert.validTo)))
    return {
      outcome: 'untrusted',
      reason: `the seal certificate is not valid at ${at.toISOString()} (valid ${cert.validFrom} – ${cert.validTo})`,
      ...found,
    };
  return { outcome: 'valid', reason: null, ...found };
}
