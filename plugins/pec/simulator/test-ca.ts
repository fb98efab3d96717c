import {
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  createPrivateKey,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';

/** A certification authority of the simulator: it issues the providers' signing certificates. */
export interface TestCa {
  certificatePem: string;
  privateKeyPem: string;
}

/** A provider's signing identity (the "certificato del gestore"): a leaf issued by the CA. */
export interface ProviderIdentity {
  domain: string;
  certificatePem: string;
  certificateDer: Buffer;
  privateKey: KeyObject;
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  // Node's native key generation: forge's pure-JS RSA keygen takes seconds.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function serial(): string {
  // Positive (high bit clear) 16-byte serial, as RFC 5280 asks.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, from: Date, years: number): void {
  // A day of slack before `from`: the clock of a test may be behind the machine's.
  cert.validity.notBefore = new Date(from.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(from.getTime() + years * 365 * 86_400_000);
}

/**
 * A fresh test CA (RSA 2048, SHA-256, basicConstraints CA, keyUsage keyCertSign + cRLSign: a
 * self-signed leaf without keyCertSign fails chain building, STACK.md).
 */
export function createTestCa(at: Date, commonName = 'DMS PEC simulator test CA'): TestCa {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serial();
  validity(cert, at, 10);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'DMS PEC simulator' },
    { name: 'countryName', value: 'IT' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: keys.privateKeyPem };
}

/**
 * The signing certificate of the provider of `domain`, issued by `ca`: subject CN and e-mail
 * posta-certificata@<domain> (the From of its receipts), keyUsage digitalSignature +
 * nonRepudiation and extKeyUsage emailProtection (openssl smime -verify checks the S/MIME
 * signing purpose).
 */
export function issueProviderIdentity(
  ca: TestCa,
  domain: string,
  gestore: string,
  at: Date,
): ProviderIdentity {
  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serial();
  validity(cert, at, 3);
  const email = `posta-certificata@${domain}`;
  cert.setSubject([
    { name: 'commonName', value: email },
    { name: 'organizationName', value: gestore },
    { name: 'countryName', value: 'IT' },
    { name: 'emailAddress', value: email },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectAltName', altNames: [{ type: 1, value: email }] },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert);
  return {
    domain,
    certificatePem,
    certificateDer: new X509Certificate(certificatePem).raw,
    privateKey: createPrivateKey(keys.privateKeyPem),
  };
}
