import { createHash, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { excC14n } from './exc-c14n.js';

/**
 * The AOO's electronic seal on the segnatura: an enveloped XML signature with the XAdES
 * baseline B properties (ETSI EN 319 132-1), as Allegato 6 §2.2.E requires:
 * - Reference 1: `URI=""`, enveloped-signature + exc-c14n (the whole SegnaturaInformatica);
 * - Reference 2: the SignedProperties (`Type=…#SignedProperties`), exc-c14n;
 * - SignedProperties: SigningTime, SigningCertificateV2 (SHA-256 of the certificate and its
 *   IssuerSerialV2), DataObjectFormat (text/xml) for the signed document;
 * - KeyInfo carries the certificate, so a receiving AOO verifies with nothing else.
 * Built by hand over exc-c14n (no XML-DSig library is a dependency of the project); xmlsec1
 * verifies the result in the tests.
 */

export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

export interface SealKey {
  privateKey: KeyObject;
  /** DER of the seal certificate. */
  certificateDer: Buffer;
}

function sha256b64(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}

/** IssuerSerialV2 (RFC 5035 IssuerSerial): issuer as a directoryName GeneralName, serial. */
function issuerSerialV2(certificateDer: Buffer): string {
  const asn1 = forge.asn1;
  const cert = asn1.fromDer(forge.util.createBuffer(certificateDer.toString('binary')));
  const tbs = (cert.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  const offset = tbs[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0; // explicit version
  const serial = tbs[offset];
  const issuer = tbs[offset + 2]; // the issuer Name exactly as encoded in the certificate
  const issuerSerial = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [issuer]),
    ]),
    serial,
  ]);
  return Buffer.from(asn1.toDer(issuerSerial).getBytes(), 'binary').toString('base64');
}

/**
 * Seals the document in place (appends `ds:Signature` as the root's last child, where the XSD
 * wants it) and returns the sealed XML.
 */
export function sealDocument(
  doc: XMLBuilder,
  key: SealKey,
  signingTime: Date,
  id = 'segnatura-seal',
): string {
  const root = doc.root();
  const ds = (parent: XMLBuilder, name: string, value?: string): XMLBuilder => {
    const e = parent.ele(DS_NS, `ds:${name}`);
    if (value !== undefined) e.txt(value);
    return e;
  };
  const xades = (parent: XMLBuilder, name: string, value?: string): XMLBuilder => {
    const e = parent.ele(XADES_NS, `xades:${name}`);
    if (value !== undefined) e.txt(value);
    return e;
  };
  const ecdsa = key.privateKey.asymmetricKeyType === 'ec';

  // The document's digest first, before the signature exists (= enveloped transform).
  const documentDigest = sha256b64(excC14n(root.node));

  const signature = ds(root, 'Signature').att('Id', id);
  const signedInfo = ds(signature, 'SignedInfo');
  ds(signedInfo, 'CanonicalizationMethod').att('Algorithm', EXC_C14N);
  ds(signedInfo, 'SignatureMethod').att('Algorithm', ecdsa ? ECDSA_SHA256 : RSA_SHA256);
  const docRef = ds(signedInfo, 'Reference').att('Id', `${id}-ref-document`).att('URI', '');
  const docTransforms = ds(docRef, 'Transforms');
  ds(docTransforms, 'Transform').att('Algorithm', ENVELOPED);
  ds(docTransforms, 'Transform').att('Algorithm', EXC_C14N);
  ds(docRef, 'DigestMethod').att('Algorithm', SHA256);
  ds(docRef, 'DigestValue', documentDigest);
  const propsRef = ds(signedInfo, 'Reference')
    .att('Type', SIGNED_PROPERTIES_TYPE)
    .att('URI', `#${id}-signed-properties`);
  ds(ds(propsRef, 'Transforms'), 'Transform').att('Algorithm', EXC_C14N);
  ds(propsRef, 'DigestMethod').att('Algorithm', SHA256);
  const propsDigest = ds(propsRef, 'DigestValue');
  const signatureValue = ds(signature, 'SignatureValue').att('Id', `${id}-value`);
  ds(ds(ds(signature, 'KeyInfo'), 'X509Data'), 'X509Certificate', key.certificateDer.toString('base64'));

  const qualifying = xades(ds(signature, 'Object'), 'QualifyingProperties').att('Target', `#${id}`);
  const signedProperties = xades(qualifying, 'SignedProperties').att('Id', `${id}-signed-properties`);
  const signatureProps = xades(signedProperties, 'SignedSignatureProperties');
  xades(signatureProps, 'SigningTime', signingTime.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const cert = xades(xades(signatureProps, 'SigningCertificateV2'), 'Cert');
  const certDigest = xades(cert, 'CertDigest');
  ds(certDigest, 'DigestMethod').att('Algorithm', SHA256);
  ds(certDigest, 'DigestValue', sha256b64(key.certificateDer));
  xades(cert, 'IssuerSerialV2', issuerSerialV2(key.certificateDer));
  const format = xades(xades(signedProperties, 'SignedDataObjectProperties'), 'DataObjectFormat').att(
    'ObjectReference',
    `#${id}-ref-document`,
  );
  xades(format, 'MimeType', 'text/xml');

  propsDigest.txt(sha256b64(excC14n(signedProperties.node)));
  const value = sign('sha256', Buffer.from(excC14n(signedInfo.node), 'utf8'), {
    key: key.privateKey,
    // XML-DSig wants ECDSA as r||s, not DER.
    ...(ecdsa ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
  signatureValue.txt(value.toString('base64'));

  // Serialised in canonical form: what a verifier re-canonicalises is byte for byte this.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${excC14n(root.node)}`;
}
