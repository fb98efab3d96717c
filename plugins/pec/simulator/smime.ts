import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { base64Lines, CRLF, headerBlock, smimeBoundary, type HeaderField } from './mime.js';
import type { ProviderIdentity } from './test-ca.js';

const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto });

function arrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * Detached CMS SignedData (DER) over `content`: SHA-256 with RSA, signed attributes contentType,
 * signingTime and messageDigest — in DER SET OF order (by encoded length here), since verifiers
 * re-encode them — and the signer's certificate, as `openssl smime -sign` produces.
 */
export async function detachedSignature(
  content: Buffer,
  identity: ProviderIdentity,
  at: Date,
): Promise<Buffer> {
  const cert = pkijs.Certificate.fromBER(arrayBuffer(identity.certificateDer));
  const digest = createHash('sha256').update(content).digest();
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({
        type: ID_CONTENT_TYPE,
        values: [new asn1js.ObjectIdentifier({ value: ID_DATA })],
      }),
      new pkijs.Attribute({ type: ID_SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: at })] }),
      new pkijs.Attribute({
        type: ID_MESSAGE_DIGEST,
        values: [new asn1js.OctetString({ valueHex: arrayBuffer(digest) })],
      }),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_DATA }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs,
      }),
    ],
    certificates: [cert],
  });
  const pkcs8 = identity.privateKey.export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  await signedData.sign(key, 0, 'SHA-256', undefined, engine);
  const info = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

/**
 * A complete S/MIME signed message (RFC 8551 multipart/signed) as a PEC provider emits it:
 * `headers` (the message's own, e.g. From, To, Subject, X-Ricevuta), then
 * `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256`,
 * the preamble "This is an S/MIME signed message", the signed `entity` byte for byte (CRLF lines,
 * its own Content-Type first) and smime.p7s, the detached signature of exactly those bytes.
 */
export async function signedMessage(
  headers: readonly HeaderField[],
  entity: Buffer,
  identity: ProviderIdentity,
  at: Date,
): Promise<Buffer> {
  const signature = await detachedSignature(entity, identity, at);
  const b = smimeBoundary();
  const head = headerBlock([
    ...headers,
    ['MIME-Version', '1.0'],
    [
      'Content-Type',
      `multipart/signed; protocol="application/pkcs7-signature"; micalg="sha-256"; boundary="${b}"`,
    ],
  ]);
  return Buffer.concat([
    Buffer.from(`${head}${CRLF}This is an S/MIME signed message${CRLF}${CRLF}--${b}${CRLF}`),
    entity,
    Buffer.from(
      `${CRLF}--${b}${CRLF}` +
        `Content-Type: application/pkcs7-signature; name="smime.p7s"${CRLF}` +
        `Content-Transfer-Encoding: base64${CRLF}` +
        `Content-Disposition: attachment; filename="smime.p7s"${CRLF}` +
        `Content-Description: S/MIME Cryptographic Signature${CRLF}${CRLF}` +
        base64Lines(signature, 64) +
        `${CRLF}--${b}--${CRLF}${CRLF}`,
    ),
  ]);
}
