import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test material for the PEC message parser, made with the real tools: a provider CA and its leaf
 * (openssl; the CA has keyCertSign, as pkijs' chain check needs), and bustas signed with
 * `openssl smime -sign` exactly as a provider's software does (its output mixes CRLF and LF).
 */

/** Copies of ../shared/standards/pec/samples-anonymised (truncated: no smime.p7s). */
export const SAMPLES = fileURLToPath(new URL('../../../test/fixtures/pec/', import.meta.url));

export interface TestPki {
  dir: string;
  caPem: string;
  otherCaPem: string;
  leafPem: string;
  leafKey: string;
  cleanup(): void;
}

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-keyout',
    path.join(dir, `${name}.key`),
    '-out',
    path.join(dir, `${name}.pem`),
    '-subj',
    `/CN=${cn}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'pec-pki-'));
  makeCa(dir, 'ca', 'Test PEC Provider CA');
  makeCa(dir, 'other-ca', 'Some Other CA');
  writeFileSync(
    path.join(dir, 'leaf.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectAltName=email:posta-certificata@pec.test\n',
  );
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path.join(dir, 'leaf.key'),
    '-out',
    path.join(dir, 'leaf.csr'),
    '-subj',
    '/CN=Posta Certificata Test/emailAddress=posta-certificata@pec.test',
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    path.join(dir, 'leaf.csr'),
    '-CA',
    path.join(dir, 'ca.pem'),
    '-CAkey',
    path.join(dir, 'ca.key'),
    '-set_serial',
    '4242',
    '-days',
    '3650',
    '-out',
    path.join(dir, 'leaf.pem'),
    '-extfile',
    path.join(dir, 'leaf.ext'),
  ]);
  return {
    dir,
    caPem: readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
    otherCaPem: readFileSync(path.join(dir, 'other-ca.pem'), 'utf8'),
    leafPem: path.join(dir, 'leaf.pem'),
    leafKey: path.join(dir, 'leaf.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const DATICERT_POSTA_CERTIFICATA = `<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="posta-certificata" errore="nessuno">
  <intestazione>
    <mittente>protocollo@pec.comune-a.test</mittente>
    <destinatari tipo="certificato">protocollo@pec.comune-b.test</destinatari>
    <destinatari tipo="esterno">ufficio@comune-b.test</destinatari>
    <risposte>protocollo@pec.comune-a.test</risposte>
    <oggetto>Trasmissione delibera n. 12 &amp; allegati</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>Test PEC Provider S.p.A.</gestore-emittente>
    <data zona="+0200">
      <giorno>03/06/2025</giorno>
      <ora>09:15:00</ora>
    </data>
    <identificativo>opec.20250603091500.1234@pec.test</identificativo>
    <msgid>&lt;original-1@comune-a.test&gt;</msgid>
    <ricevuta tipo="completa"/>
  </dati>
</postacert>
`;

/** The original message (postacert.eml): a text body and one PDF attachment. */
export function originalMessage(
  attachment: { name: string; bytes: Buffer; type?: string } = {
    name: 'delibera.pdf',
    bytes: Buffer.from('%PDF-1.4\n% a test document\n%%EOF\n'),
  },
): string {
  return [
    'From: Comune A <protocollo@pec.comune-a.test>',
    'To: protocollo@pec.comune-b.test',
    'Cc: ufficio@comune-b.test',
    'Subject: Trasmissione delibera n. 12 & allegati',
    'Date: Tue, 03 Jun 2025 09:14:58 +0200',
    'Message-ID: <original-1@comune-a.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="ORIG"',
    '',
    '--ORIG',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Si trasmette la delibera in allegato.',
    '--ORIG',
    `Content-Type: ${attachment.type ?? 'application/pdf'}; name="${attachment.name}"`,
    `Content-Disposition: attachment; filename="${attachment.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    attachment.bytes.toString('base64').replace(/.{76}/g, '$&\n'),
    '--ORIG--',
    '',
  ].join('\n');
}

/** The entity a provider signs: text, daticert.xml, postacert.eml (LF line ends, as openssl reads them). */
export function bustaEntity(options: { daticert?: string; postacert?: string } = {}): string {
  return [
    'Content-Type: multipart/mixed; boundary="BUSTA"',
    '',
    '--BUSTA',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Messaggio di posta certificata: il giorno 03/06/2025 alle ore 09:15:00 il messaggio',
    '"Trasmissione delibera n. 12 & allegati" e\' stato inviato da "protocollo@pec.comune-a.test".',
    '--BUSTA',
    'Content-Type: application/xml; name="daticert.xml"',
    'Content-Disposition: inline; filename="daticert.xml"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(options.daticert ?? DATICERT_POSTA_CERTIFICATA)
      .toString('base64')
      .replace(/.{76}/g, '$&\n'),
    '--BUSTA',
    'Content-Type: message/rfc822; name="postacert.eml"',
    'Content-Disposition: inline; filename="postacert.eml"',
    '',
    options.postacert ?? originalMessage(),
    '--BUSTA--',
    '',
  ].join('\n');
}

export const BUSTA_HEADERS = [
  'Return-Path: <posta-certificata@pec.test>',
  'X-Trasporto: posta-certificata',
  'Date: Tue, 03 Jun 2025 09:15:00 +0200',
  'From: "Per conto di: protocollo@pec.comune-a.test" <posta-certificata@pec.test>',
  'To: protocollo@pec.comune-b.test',
  'Cc: ufficio@comune-b.test',
  'Subject: POSTA CERTIFICATA: Trasmissione delibera n. 12 & allegati',
  'Message-ID: <opec.20250603091500.1234@pec.test>',
  'X-Riferimento-Message-ID: <original-1@comune-a.test>',
].join('\n');

/** `openssl smime -sign` (detached multipart/signed, or opaque with `opaque`) of the entity, with PEC headers on top. */
export function signBusta(
  pki: TestPki,
  entity: string,
  options: { opaque?: boolean; headers?: string } = {},
): Buffer {
  const signed = openssl(
    [
      'smime',
      '-sign',
      '-signer',
      pki.leafPem,
      '-inkey',
      pki.leafKey,
      ...(options.opaque ? ['-nodetach'] : []),
    ],
    Buffer.from(entity),
  );
  return Buffer.concat([Buffer.from(`${options.headers ?? BUSTA_HEADERS}\n`), signed]);
}

/** Mixed line ends: every other LF becomes CRLF (what passes through some MTAs). */
export function mixLineEnds(raw: Buffer): Buffer {
  let n = 0;
  return Buffer.from(
    raw.toString('latin1').replace(/\r?\n/g, () => (n++ % 2 === 0 ? '\r\n' : '\n')),
    'latin1',
  );
}
