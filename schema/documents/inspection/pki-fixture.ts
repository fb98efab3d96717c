// Test support (not a test file): a throw-away PKI and openssl helpers for the signature tests.
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const ECDSA: webcrypto.EcKeyGenParams & { hash: string } = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};

const DAY = 24 * 60 * 60 * 1000;

/** A signer's certificate and key, as files openssl can use. */
export interface TestSigner {
  certPath: string;
  keyPath: string;
  notBefore: Date;
  notAfter: Date;
}

export interface TestPki {
  dir: string;
  caCertPath: string;
  /** RSA, valid from yesterday for a year, codice fiscale in serialNumber, with SKI. */
  valid: TestSigner;
  /** ECDSA P-256, valid now. */
  ecdsa: TestSigner;
  /** RSA, valid only during 2019-2020. */
  expired: TestSigner;
  /** RSA, valid only from next year. */
  notYetValid: TestSigner;
  cleanup(): void;
}

export interface OpensslResult {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

export function openssl(args: readonly string[], input?: Buffer): OpensslResult {
  const run = spawnSync('openssl', args, { input, maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr.toString('utf8') };
}

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body.trimEnd()}\n-----END ${label}-----\n`;
}

async function issue(
  dir: string,
  name: string,
  ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair },
  subject: string,
  notBefore: Date,
  notAfter: Date,
  algorithm: webcrypto.RsaHashedKeyGenParams | (webcrypto.EcKeyGenParams & { hash: string }) = RSA,
): Promise<TestSigner> {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(name).toString('hex'),
    subject,
    issuer: ca.cert.subject,
    notBefore,
    notAfter,
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  writeFileSync(certPath, cert.toString('pem'));
  writeFileSync(keyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
  return { certPath, keyPath, notBefore, notAfter };
}

/** A root CA and four signers in a fresh temporary directory. */
export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'inspection-pki-'));
  const now = Date.now();
  const caKeys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Root CA, O=Inspection Tests, C=IT',
    notBefore: new Date('2018-01-01T00:00:00Z'),
    notAfter: new Date(now + 20 * 365 * DAY),
    keys: caKeys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const caCertPath = join(dir, 'ca.pem');
  writeFileSync(caCertPath, caCert.toString('pem'));
  const ca = { cert: caCert, keys: caKeys };
  const yesterday = new Date(now - DAY);
  const nextYear = new Date(now + 365 * DAY);
  return {
    dir,
    caCertPath,
    valid: await issue(
      dir,
      'valid',
      ca,
      'CN=Mario Rossi, 2.5.4.5=TINIT-RSSMRA80A01H501U, C=IT',
      yesterday,
      nextYear,
    ),
    ecdsa: await issue(dir, 'ecdsa', ca, 'CN=Anna Verdi, C=IT', yesterday, nextYear, ECDSA),
    expired: await issue(
      dir,
      'expired',
      ca,
      'CN=Luigi Bianchi, C=IT',
      new Date('2019-01-01T00:00:00Z'),
      new Date('2020-12-31T23:59:59Z'),
    ),
    notYetValid: await issue(
      dir,
      'future',
      ca,
      'CN=Carla Neri, C=IT',
      nextYear,
      new Date(now + 2 * 365 * DAY),
    ),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let counter = 0;

/** A file in the PKI's directory holding `bytes`. */
export function tempFile(pki: TestPki, bytes: Buffer, suffix = '.bin'): string {
  counter += 1;
  const path = join(pki.dir, `f${counter}${suffix}`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * `openssl cms -sign -binary` over `content`: attached (`-nodetach`, a .p7m) unless
 * `detached`; DER unless another -outform is in `extra`. Several signers co-sign.
 */
export function cmsSign(
  pki: TestPki,
  signers: readonly TestSigner[],
  content: Buffer,
  options: { detached?: boolean; extra?: readonly string[] } = {},
): Buffer {
  const inPath = tempFile(pki, content);
  const outPath = `${inPath}.p7m`;
  const signerArgs = signers.flatMap((s) => ['-signer', s.certPath, '-inkey', s.keyPath]);
  const extra = options.extra ?? [];
  const outform = extra.includes('-outform') ? [] : ['-outform', 'DER'];
  const args = ['cms', '-sign', '-binary', '-md', 'sha256', '-in', inPath, '-out', outPath, ...signerArgs];
  const result = openssl([...args, ...(options.detached ? [] : ['-nodetach']), ...outform, ...extra]);
  if (!result.ok) throw new Error(`openssl cms -sign failed: ${result.stderr}`);
  return readFileSync(outPath);
}

/**
 * `openssl cms -verify` as an independent check: with `trust` the signer chain and validity are
 * checked against the test CA, otherwise only the signature (-noverify). For detached
 * signatures pass `content`. Returns openssl's verdict and the content it extracted.
 */
export function opensslVerify(
  pki: TestPki,
  signed: Buffer,
  options: { trust?: boolean; content?: Buffer; inform?: 'DER' | 'PEM' } = {},
): OpensslResult {
  const inPath = tempFile(pki, signed, '.p7m');
  const args = ['cms', '-verify', '-binary', '-inform', options.inform ?? 'DER', '-in', inPath];
  if (options.content) args.push('-content', tempFile(pki, options.content));
  args.push(...(options.trust ? ['-CAfile', pki.caCertPath] : ['-noverify']));
  return openssl(args);
}
