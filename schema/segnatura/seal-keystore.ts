import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import { DomainError } from '../../server/errors/domain-error.js';

/**
 * The seal's key material: read from a PKCS#12 keystore as trust service providers deliver it
 * (node-forge), or generated for development (a self-signed certificate). The private key
 * leaves this file only as a KeyObject or as PKCS#8 DER to be encrypted at rest.
 */
export interface SealMaterial {
  privateKey: KeyObject;
  certificateDer: Buffer;
}

/** What may be shown of a certificate (never the key). */
export interface SealCertificateInfo {
  subject: string;
  issuer: string;
  /** Hexadecimal, as certificate viewers show it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, hexadecimal. */
  sha256: string;
}

/** Node prints a distinguished name one attribute a line; shown here on one line. */
function dn(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

export function certificateInfo(certificateDer: Buffer): SealCertificateInfo {
  const cert = new X509Certificate(certificateDer);
  return {
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    sha256: createHash('sha256').update(certificateDer).digest('hex'),
  };
}

/**
 * Opens a PKCS#12 keystore (base64). A wrong password or a file that is not PKCS#12 is
 * SEAL_KEYSTORE_UNREADABLE; a keystore without a key and its certificate is SEAL_KEYSTORE_INCOMPLETE.
 */
export function readPkcs12(base64: string, password: string): SealMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), false, password);
  } catch {
    // forge says "Invalid password?" or an ASN.1 message: the two are not told apart on purpose.
    throw new DomainError(
      'SEAL_KEYSTORE_UNREADABLE',
      'The PKCS#12 keystore cannot be opened: wrong password, or not a PKCS#12 file',
    );
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  // forge parses RSA keys and certificates only; others (EC seals) stay as ASN.1 in the bag and
  // are handed to Node's crypto as DER.
  const der = (asn1: forge.asn1.Asn1): Buffer => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  const keys = keyBags.flatMap((b) => {
    if (b.key) return [createPrivateKey(forge.pki.privateKeyToPem(b.key))];
    const asn1 = (b as { asn1?: forge.asn1.Asn1 }).asn1;
    return asn1 ? [createPrivateKey({ key: der(asn1), format: 'der', type: 'pkcs8' })] : [];
  });
  const privateKey = keys[0];
  if (!privateKey)
    throw new DomainError('SEAL_KEYSTORE_INCOMPLETE', 'The PKCS#12 keystore holds no private key');
  // The seal certificate is the one whose public key matches the private key (a keystore often
  // carries the CA chain as well).
  const certificateDer = certBags
    .map((b) => {
      if (b.cert) return der(forge.pki.certificateToAsn1(b.cert));
      const asn1 = (b as { asn1?: forge.asn1.Asn1 }).asn1;
      return asn1 ? der(asn1) : undefined;
    })
    .find((d) => d !== undefined && new X509Certificate(d).checkPrivateKey(privateKey));
  if (!certificateDer)
    throw new DomainError(
      'SEAL_KEYSTORE_INCOMPLETE',
      'The PKCS#12 keystore holds no certificate for its private key',
    );
  return { privateKey, certificateDer };
}

/**
 * A development seal: RSA 2048 and a self-signed certificate valid for three years from `now`,
 * named after the AOO. Not a qualified seal: for test and demo installations only.
 */
export function generateDevelopmentSeal(commonName: string, organisation: string, now: Date): SealMaterial {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  // Positive serial: first bit cleared.
  const serial = randomBytes(16);
  serial[0] = serial[0] & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 3 * 365 * 24 * 3600 * 1000);
  const name = [
    { shortName: 'CN', value: commonName },
    { shortName: 'O', value: organisation },
    { shortName: 'OU', value: 'Sigillo di sviluppo (non qualificato)' },
    { shortName: 'C', value: 'IT' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const certificateDer = Buffer.from(
    forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(),
    'binary',
  );
  return { privateKey, certificateDer };
}

/** A PKCS#12 of the material (for tests and for exporting a development seal to a partner). */
export function toPkcs12(material: SealMaterial, password: string): string {
  const key = forge.pki.privateKeyFromPem(
    material.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(material.certificateDer.toString('binary')));
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64');
}
