import { createHash, KeyObject, sign as cryptoSign, type webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { DOMImplementation, DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import forge from 'node-forge';
import * as XAdES from 'xadesjs';
import * as XmlDSig from 'xmldsigjs';

// Loaded untyped on purpose: xpath's declarations carry `/// <reference lib="dom" />`, which
// would put the browser's globals (fetch's RequestInit, BodyInit…) over Node's in every file.
const xpath: unknown = createRequire(import.meta.url)('xpath');

/**
 * The AOO's electronic seal on the segnatura: an enveloped XML signature with the XAdES
 * baseline B properties (ETSI EN 319 132-1), as Allegato 6 §2.2.E requires, built with xadesjs
 * on xmldsigjs (the libraries STACK.md prescribes):
 * - Reference 1: `URI=""`, enveloped-signature + exc-c14n (the whole SegnaturaInformatica);
 * - Reference 2: the SignedProperties (`Type=…#SignedProperties`), exc-c14n;
 * - SignedProperties: SigningTime, SigningCertificateV2 (SHA-256 of the certificate and its
 *   IssuerSerialV2), DataObjectFormat (text/xml) for the signed document;
 * - KeyInfo carries the certificate, so a receiving AOO verifies with nothing else.
 * xmlsec1 verifies the result in the tests. Segnature are sealed by `sealCanonical`, which writes
 * this same signature from a template (byte for byte what `sealDocument` builds through xadesjs for
 * an RSA seal; the tests compare the two), without xadesjs's object model and its canonicalisations.
 */

export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

// xml-core (under xmldsigjs/xadesjs) has no DOM of its own in Node, and WebCrypto is the engine.
XAdES.setNodeDependencies({ DOMParser, XMLSerializer, DOMImplementation, xpath });
XAdES.Application.setEngine('NodeJS', sealCrypto());

const NODE_HASHES: Record<string, string> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
const nodeKeys = new WeakMap<webcrypto.CryptoKey, KeyObject>();

function hashName(algorithm: webcrypto.AlgorithmIdentifier | undefined): string | undefined {
  const name = typeof algorithm === 'string' ? algorithm : algorithm?.name;
  return name === undefined ? undefined : NODE_HASHES[name.toUpperCase()];
}

function bytes(data: webcrypto.BufferSource): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}

function arrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/**
 * Node's WebCrypto with digests and RSA/ECDSA signatures done by node:crypto in the call: a
 * sealing takes four digests and a signature, and each WebCrypto call is a thread-pool job whose
 * dispatch costs the event loop more than the SHA-256 of a segnatura. Same algorithms, same
 * bytes out (ECDSA in WebCrypto's r||s form); anything else goes to WebCrypto.
 */
function sealCrypto(): webcrypto.Crypto {
  const native = globalThis.crypto;
  const subtle = native.subtle;
  const digest = (algorithm: webcrypto.AlgorithmIdentifier, data: webcrypto.BufferSource) => {
    const hash = hashName(algorithm);
    return hash
      ? Promise.resolve(arrayBuffer(createHash(hash).update(bytes(data)).digest()))
      : subtle.digest(algorithm, data);
  };
  const sign = (
    algorithm: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams,
    key: webcrypto.CryptoKey,
    data: webcrypto.BufferSource,
  ) => {
    const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
    const hash =
      name === 'RSASSA-PKCS1-v1_5'
        ? hashName((key.algorithm as webcrypto.RsaHashedKeyAlgorithm).hash)
        : name === 'ECDSA'
          ? hashName((algorithm as webcrypto.EcdsaParams).hash)
          : undefined;
    if (!hash || key.type !== 'private') return subtle.sign(algorithm, key, data);
    let nodeKey = nodeKeys.get(key);
    if (!nodeKey) nodeKeys.set(key, (nodeKey = KeyObject.from(key)));
    const signature = cryptoSign(hash, bytes(data), {
      key: nodeKey,
      ...(name === 'ECDSA' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    });
    return Promise.resolve(arrayBuffer(signature));
  };
  const fast = new Proxy(subtle, {
    get(target, property) {
      if (property === 'digest') return digest;
      if (property === 'sign') return sign;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    subtle: fast,
    getRandomValues: native.getRandomValues.bind(native),
    randomUUID: native.randomUUID.bind(native),
  } as webcrypto.Crypto;
}

export interface SealKey {
  privateKey: KeyObject;
  /** DER of the seal certificate. */
  certificateDer: Buffer;
}

// What sealing derives from the key and the certificate, kept while the caller keeps them (the
// seal service keeps an AOO's opened key): a WebCrypto import and an ASN.1 parse per seal otherwise.
const signingKeys = new WeakMap<
  KeyObject,
  Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm }>
>();
const issuerSerials = new WeakMap<Buffer, Uint8Array>();
const certificates = new WeakMap<Buffer, { parsed: XmlDSig.X509Certificate; sha256: Uint8Array }>();
const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

function certificateEntry(der: Buffer): { parsed: XmlDSig.X509Certificate; sha256: Uint8Array } {
  let entry = certificates.get(der);
  if (!entry) {
    entry = {
      parsed: new XmlDSig.X509Certificate(new Uint8Array(der)),
      sha256: new Uint8Array(createHash('sha256').update(der).digest()),
    };
    certificates.set(der, entry);
  }
  return entry;
}
const parsedCertificate = (der: Buffer) => certificateEntry(der).parsed;
const certificateSha256 = (der: Buffer) => certificateEntry(der).sha256;

/** IssuerSerialV2 (RFC 5035 IssuerSerial): issuer as a directoryName GeneralName, serial. */
function issuerSerialV2(certificateDer: Buffer): Uint8Array {
  let value = issuerSerials.get(certificateDer);
  if (!value) issuerSerials.set(certificateDer, (value = encodeIssuerSerialV2(certificateDer)));
  return value;
}

function encodeIssuerSerialV2(certificateDer: Buffer): Uint8Array {
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
  return Buffer.from(asn1.toDer(issuerSerial).getBytes(), 'binary');
}

function signingKey(
  privateKey: KeyObject,
): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm }> {
  let value = signingKeys.get(privateKey);
  if (!value) {
    value = importSigningKey(privateKey);
    signingKeys.set(privateKey, value);
    value.catch(() => signingKeys.delete(privateKey));
  }
  return value;
}

/** The KeyObject as a WebCrypto signing key, and the XML-DSig algorithm to sign with. */
async function importSigningKey(
  privateKey: KeyObject,
): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm }> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  if (privateKey.asymmetricKeyType === 'ec') {
    const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[
      privateKey.asymmetricKeyDetails?.namedCurve ?? ''
    ];
    if (!curve) throw new Error(`unsupported seal curve ${privateKey.asymmetricKeyDetails?.namedCurve}`);
    const key = await globalThis.crypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve: curve },
      false,
      ['sign'],
    );
    // xmldsigjs emits ecdsa-sha256 with WebCrypto's r||s value, as XML-DSig wants it.
    return { key, algorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.Algorithm };
  }
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  return { key, algorithm };
}

/**
 * xadesjs with the two things its options do not cover, filled in after it built the
 * properties and before the digests are taken: the IssuerSerialV2 of SigningCertificateV2, and
 * an exc-c14n transform on the SignedProperties reference (without one, inclusive c14n would
 * pull the segnatura's own namespace declarations into that digest).
 */
class SegnaturaSignedXml extends XAdES.SignedXml {
  constructor(private readonly certificateDer: Buffer) {
    super();
  }

  protected override async ApplySignOptions(
    signature: XmlDSig.Signature,
    algorithm: webcrypto.Algorithm,
    key: webcrypto.CryptoKey,
    options: XAdES.OptionsXAdES,
  ): Promise<void> {
    await super.ApplySignOptions(signature, algorithm, key, options);
    // The certificate in KeyInfo and SigningCertificateV2, from what was derived from it once
    // (xadesjs would parse it twice and digest it once per seal for the same values).
    const certificate = parsedCertificate(this.certificateDer);
    signature.KeyInfo ??= new XmlDSig.KeyInfo();
    signature.KeyInfo.Add(new XmlDSig.KeyInfoX509Data(certificate));
    const signing = new XAdES.xml.CertV2();
    signing.CertDigest.DigestMethod.Algorithm = SHA256_URI;
    signing.CertDigest.DigestValue = certificateSha256(this.certificateDer);
    signing.IssuerSerial = issuerSerialV2(this.certificateDer);
    this.SignedProperties.SignedSignatureProperties.SigningCertificateV2.Add(signing);
    for (const reference of signature.SignedInfo.References.GetIterator()) {
      if (reference.Type !== SIGNED_PROPERTIES_TYPE) continue;
      reference.Transforms = new XmlDSig.Transforms();
      reference.Transforms.Add(new XmlDSig.XmlDsigExcC14NTransform());
    }
  }
}

/** Parses our own unsigned XML; any parser error is a bug upstream, not something to repair. */
export function parseXml(xml: string): Document {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`segnatura XML: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
}

/**
 * Seals the document (appends `ds:Signature` as the root's last child, where the XSD wants it)
 * and returns the sealed XML.
 */
export async function sealDocument(
  doc: Document,
  key: SealKey,
  signingTime: Date,
  id = 'segnatura-seal',
): Promise<string> {
  const { key: cryptoKey, algorithm } = await signingKey(key.privateKey);
  const signed = new SegnaturaSignedXml(key.certificateDer);
  // Our Ids, set before signing: xadesjs picked random ones in its constructor, and Sign({ id })
  // would rename the Signature only, leaving QualifyingProperties/@Target on the old one.
  signed.XmlSignature.Id = id;
  if (!signed.Properties) throw new Error('xadesjs created no QualifyingProperties');
  signed.Properties.Target = `#${id}`;
  signed.SignedProperties.Id = `${id}-signed-properties`;
  signed.XmlSignature.SignedInfo.CanonicalizationMethod.Algorithm = EXC_C14N;
  const format = new XAdES.xml.DataObjectFormat();
  format.ObjectReference = `#${id}-ref-document`;
  format.MimeType = 'text/xml';
  signed.SignedProperties.SignedDataObjectProperties.DataObjectFormats.Add(format);

  const signature = await signed.Sign(algorithm, cryptoKey, doc, {
    references: [
      { id: `${id}-ref-document`, uri: '', hash: 'SHA-256', transforms: ['enveloped', 'exc-c14n'] },
    ],
    signingTime: { value: signingTime, format: 'isoUtcDateTime' },
  });

  // xml-core builds with @xmldom/xmldom (setNodeDependencies above), so these are its nodes.
  const signatureXml = signature.GetXml() as unknown as Element | null;
  const root = doc.documentElement;
  if (!root || !signatureXml) throw new Error('no document element or no signature element');
  const element = root.appendChild(doc.importNode(signatureXml, true)) as Element;
  // Outside SignedInfo, so not signed: a handle for whoever inspects the value.
  element.getElementsByTagNameNS(DS_NS, 'SignatureValue')[0]?.setAttribute('Id', `${id}-value`);

  // Serialised in canonical form: what a verifier re-canonicalises is byte for byte this.
  const c14n = new XmlDSig.XmlDsigExcC14NTransform();
  c14n.LoadInnerXml(root);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${c14n.GetOutput()}`;
}

const XMLDSIG_MORE = 'http://www.w3.org/2001/04/xmldsig-more#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** What the template seal derives from the certificate, once per certificate. */
const certificateTexts = new WeakMap<Buffer, { base64: string; sha256: string; issuerSerial: string }>();

function certificateText(der: Buffer): { base64: string; sha256: string; issuerSerial: string } {
  let entry = certificateTexts.get(der);
  if (!entry) {
    entry = {
      base64: der.toString('base64'),
      sha256: Buffer.from(certificateSha256(der)).toString('base64'),
      issuerSerial: Buffer.from(issuerSerialV2(der)).toString('base64'),
    };
    certificateTexts.set(der, entry);
  }
  return entry;
}

/**
 * The same enveloped XAdES-B seal as `sealDocument`, byte for byte (the tests compare the two),
 * written from a template instead of through xadesjs: every part of the signature is fixed
 * markup around base64 values, ids and algorithm URIs (no text that needs escaping), so its
 * exclusive canonical forms are known without a DOM. The SignedProperties and SignedInfo are
 * written directly in the canonical form their digest and signature are computed over (alone,
 * as exc-c14n renders an apex element: the namespaces it uses declared on it), and the
 * Signature as exc-c14n renders it inside the root (`ds` declared once, on it). `canonicalRoot`
 * is the exclusive canonical form of the unsigned root element (`canonicalElement`), which is
 * also what the enveloped reference digests (no Signature yet, no comments, one element).
 */
export function sealCanonical(
  canonicalRoot: string,
  key: SealKey,
  signingTime: Date,
  id = 'segnatura-seal',
): string {
  const close = canonicalRoot.lastIndexOf('</');
  if (close < 0 || !canonicalRoot.endsWith('>')) throw new Error('not the canonical form of an element');
  const ec = key.privateKey.asymmetricKeyType === 'ec';
  if (!ec && key.privateKey.asymmetricKeyType !== 'rsa')
    throw new Error(`unsupported seal key ${key.privateKey.asymmetricKeyType}`);
  const cert = certificateText(key.certificateDer);
  const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
  const dsNs = `xmlns:ds="${DS_NS}"`;
  const xadesNs = `xmlns:xades="${XADES_NS}"`;
  const digestMethod = (ns: string) => `<ds:DigestMethod${ns} Algorithm="${SHA256_URI}"></ds:DigestMethod>`;
  const time = signingTime.toISOString().replace(/\.\d+Z$/, 'Z');
  // `ns`: the namespace declarations exc-c14n renders there (none when an ancestor did).
  const signedProperties = (xades: string, ds: string) =>
    `<xades:SignedProperties${xades} Id="${id}-signed-properties"><xades:SignedSignatureProperties>` +
    `<xades:SigningTime>${time}</xades:SigningTime><xades:SigningCertificateV2><xades:Cert><xades:CertDigest>` +
    `${digestMethod(ds)}<ds:DigestValue${ds}>${cert.sha256}</ds:DigestValue></xades:CertDigest>` +
    `<xades:IssuerSerialV2>${cert.issuerSerial}</xades:IssuerSerialV2></xades:Cert></xades:SigningCertificateV2>` +
    `</xades:SignedSignatureProperties><xades:SignedDataObjectProperties>` +
    `<xades:DataObjectFormat ObjectReference="#${id}-ref-document"><xades:MimeType>text/xml</xades:MimeType>` +
    `</xades:DataObjectFormat></xades:SignedDataObjectProperties></xades:SignedProperties>`;
  const transform = (algorithm: string) => `<ds:Transform Algorithm="${algorithm}"></ds:Transform>`;
  const signedInfo = (ds: string) =>
    `<ds:SignedInfo${ds}><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${XMLDSIG_MORE}${ec ? 'ecdsa' : 'rsa'}-sha256"></ds:SignatureMethod>` +
    `<ds:Reference Id="${id}-ref-document" URI=""><ds:Transforms>${transform(ENVELOPED)}${transform(EXC_C14N)}` +
    `</ds:Transforms>${digestMethod('')}<ds:DigestValue>${sha256(canonicalRoot)}</ds:DigestValue></ds:Reference>` +
    `<ds:Reference Type="${SIGNED_PROPERTIES_TYPE}" URI="#${id}-signed-properties"><ds:Transforms>` +
    `${transform(EXC_C14N)}</ds:Transforms>${digestMethod('')}` +
    `<ds:DigestValue>${sha256(signedProperties(` ${xadesNs}`, ` ${dsNs}`))}</ds:DigestValue></ds:Reference>` +
    `</ds:SignedInfo>`;
  const signatureValue = cryptoSign('sha256', Buffer.from(signedInfo(` ${dsNs}`), 'utf8'), {
    key: key.privateKey,
    ...(ec ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  }).toString('base64');
  const signature =
    `<ds:Signature ${dsNs} Id="${id}">${signedInfo('')}` +
    `<ds:SignatureValue Id="${id}-value">${signatureValue}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert.base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<ds:Object><xades:QualifyingProperties ${xadesNs} Target="#${id}">${signedProperties('', '')}` +
    `</xades:QualifyingProperties></ds:Object></ds:Signature>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${canonicalRoot.slice(0, close)}${signature}${canonicalRoot.slice(close)}`;
}

/** The exclusive canonical form (no comments) of an element of a parsed document. */
export function canonicalElement(element: Element): string {
  const c14n = new XmlDSig.XmlDsigExcC14NTransform();
  c14n.LoadInnerXml(element);
  return c14n.GetOutput();
}
