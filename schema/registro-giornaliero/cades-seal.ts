import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SealKey } from '../segnatura/index.js';

const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const ID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

const engine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto,
});

function bytes(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * signingCertificateV2 (RFC 5035): SEQUENCE { SEQUENCE OF ESSCertIDv2 }, one ESSCertIDv2 with the
 * certificate's SHA-256 (the default algorithm, so omitted) and its IssuerSerial — the attribute
 * that makes a CMS signature CAdES-BES (ETSI EN 319 122-1) and binds it to the seal certificate.
 */
function signingCertificateV2(cert: pkijs.Certificate, der: Buffer): asn1js.Sequence {
  const hash = createHash('sha256').update(der).digest();
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] }),
        ],
      }),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: bytes(hash) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/**
 * A detached CAdES-BES signature (DER CMS SignedData, the `.p7s` beside the file) of `content`
 * with the AOO's seal: SHA-256, signed attributes contentType, signingTime, messageDigest and
 * signingCertificateV2, the seal certificate included. Built with pkijs (node-forge cannot add
 * signingCertificateV2, see STACK.md). `openssl cms -verify -binary -inform DER -content f`
 * checks it.
 */
export async function cadesDetached(content: Buffer, key: SealKey, signingTime: Date): Promise<Buffer> {
  const cert = pkijs.Certificate.fromBER(bytes(key.certificateDer));
  const digest = createHash('sha256').update(content).digest();
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({
        type: ID_CONTENT_TYPE,
        values: [new asn1js.ObjectIdentifier({ value: ID_DATA })],
      }),
      new pkijs.Attribute({
        type: ID_SIGNING_TIME,
        values: [new asn1js.UTCTime({ valueDate: signingTime })],
      }),
      new pkijs.Attribute({
        type: ID_MESSAGE_DIGEST,
        values: [new asn1js.OctetString({ valueHex: bytes(digest) })],
      }),
      new pkijs.Attribute({
        type: ID_SIGNING_CERTIFICATE_V2,
        values: [signingCertificateV2(cert, key.certificateDer)],
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
  const pkcs8 = key.privateKey.export({ type: 'pkcs8', format: 'der' });
  const isEc = key.privateKey.asymmetricKeyType === 'ec';
  const curve = key.privateKey.asymmetricKeyDetails?.namedCurve;
  const algorithm = isEc
    ? {
        name: 'ECDSA',
        namedCurve: curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256',
      }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  await signedData.sign(privateKey, 0, 'SHA-256', undefined, engine);
  const info = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}
