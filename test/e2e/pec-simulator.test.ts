import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { readHeaders } from '../../plugins/pec/simulator/mime.js';
import { EICAR } from '../../plugins/pec/simulator/provider.js';
import {
  DEMO_MAILBOXES,
  inbox,
  startTestPecProvider,
  waitForInbox,
  type PecProvider,
} from '../harness/pec-provider.js';

const A = DEMO_MAILBOXES[0];
const B = DEMO_MAILBOXES[1];
// Copies in the repository (CI runs a clone without ../shared): the DTD of the standard and the
// anonymised samples (truncated: no smime.p7s).
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');
const DTD = join(FIXTURES, 'standards/pec/daticert.dtd');

function transport(provider: PecProvider, account: { address: string; password: string }) {
  return nodemailer.createTransport({
    host: provider.smtp.host,
    port: provider.smtp.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: account.address, pass: account.password },
  });
}

/** The raw bytes nodemailer submits (built once, so the test knows them exactly). */
async function compose(mail: SendMailOptions): Promise<Buffer> {
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await stream.sendMail(mail);
  return info.message as Buffer;
}

function header(raw: Buffer, name: string): string | undefined {
  return readHeaders(raw).find((h) => h.name === name.toLowerCase())?.value;
}

/** The attachments of the signed multipart (the busta/receipt body), by file name. */
async function parts(raw: Buffer): Promise<Map<string, Buffer>> {
  const parsed = await simpleParser(raw, { ignoreEmbedded: true } as Parameters<typeof simpleParser>[1]);
  return new Map(parsed.attachments.map((a) => [a.filename ?? a.contentType, a.content]));
}

let work: string;
let caFile: string;

function opensslVerify(raw: Buffer): { ok: boolean; out: string } {
  const file = join(work, `m-${Math.random().toString(16).slice(2)}.eml`);
  writeFileSync(file, raw);
  const r = spawnSync('openssl', ['smime', '-verify', '-CAfile', caFile, '-in', file, '-out', '/dev/null'], {
    encoding: 'utf8',
  });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function dtdValid(xml: Buffer): { ok: boolean; out: string } {
  const file = join(work, `d-${Math.random().toString(16).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--nonet', '--noout', '--dtdvalid', DTD, file], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stderr };
}

/** Element names of daticert.xml in document order (a flat reading of the start tags). */
function elementOrder(xml: Buffer): string[] {
  return [...xml.toString('utf8').matchAll(/<([a-z-]+)[\s>/]/g)].map((m) => m[1] ?? '');
}

/** The base64 daticert.xml of a (truncated) sample. */
function sampleDaticert(eml: Buffer): Buffer {
  const text = eml.toString('latin1');
  const at = text.indexOf('filename="daticert.xml"');
  const body = text.slice(text.indexOf('\n\n', at) + 2);
  return Buffer.from(body.slice(0, body.indexOf('\n\n')).replace(/\s+/g, ''), 'base64');
}

describe('PEC provider simulator (smtp-server + dovecot on loopback)', () => {
  let provider: PecProvider;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'pec-sim-test-'));
    provider = await startTestPecProvider();
    caFile = join(work, 'ca.pem');
    writeFileSync(caFile, provider.caCertificatePem);
  });
  after(async () => {
    await provider.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('delivers a busta with the exact original and returns accettazione and avvenuta-consegna, all signed', async () => {
    const original = await compose({
      from: A.address,
      to: B.address,
      subject: 'Trasmissione protocollo n. 42',
      text: 'Si trasmette il documento.',
      attachments: [{ filename: 'documento.pdf', content: Buffer.from('%PDF-1.4 finto\n') }],
    });
    const messageId = header(original, 'message-id');
    assert.ok(messageId);
    const startB = (await inbox(provider, B.address)).length;
    const startA = (await inbox(provider, A.address)).length;
    const info = await transport(provider, A).sendMail({
      envelope: { from: A.address, to: [B.address] },
      raw: original,
    });
    assert.match(info.response, /^250 /);
    await provider.settled();

    const [busta] = (await waitForInbox(provider, B.address, startB + 1)).slice(startB);
    assert.ok(busta);
    assert.equal(header(busta.raw, 'x-trasporto'), 'posta-certificata');
    assert.equal(header(busta.raw, 'subject'), 'POSTA CERTIFICATA: Trasmissione protocollo n. 42');
    assert.equal(header(busta.raw, 'x-riferimento-message-id'), messageId);
    assert.match(
      header(busta.raw, 'from') ?? '',
      /^"Per conto di: protocollo@pec\.aoo-a\.example\.it" <posta-certificata@pec\.aoo-a\.example\.it>$/,
    );
    assert.match(
      header(busta.raw, 'content-type') ?? '',
      /^multipart\/signed; protocol="application\/pkcs7-signature"; micalg="sha-256"/,
    );
    const bustaParts = await parts(busta.raw);
    assert.deepEqual(
      bustaParts.get('postacert.eml'),
      original,
      'postacert.eml is the submitted message byte for byte',
    );
    const bustaDati = bustaParts.get('daticert.xml');
    assert.ok(bustaDati);
    assert.deepEqual(dtdValid(bustaDati), { ok: true, out: '' });
    assert.match(bustaDati.toString(), /<postacert tipo="posta-certificata" errore="nessuno">/);
    const verified = opensslVerify(busta.raw);
    assert.ok(verified.ok, verified.out);
    assert.match(verified.out, /Verification successful/);

    const receipts = (await waitForInbox(provider, A.address, startA + 2)).slice(startA);
    assert.deepEqual(
      receipts.map((r) => header(r.raw, 'x-ricevuta')),
      ['accettazione', 'avvenuta-consegna'],
    );
    const [accettazione, consegna] = receipts.map((r) => r.raw);
    assert.ok(accettazione && consegna);
    for (const r of [accettazione, consegna]) {
      assert.equal(header(r, 'x-riferimento-message-id'), messageId);
      assert.notEqual(header(r, 'message-id'), messageId);
      assert.ok(opensslVerify(r).ok, opensslVerify(r).out);
      const dati = (await parts(r)).get('daticert.xml');
      assert.ok(dati);
      assert.deepEqual(dtdValid(dati), { ok: true, out: '' });
      assert.ok(
        dati.toString().includes(`<msgid>${messageId.replace('<', '&lt;').replace('>', '&gt;')}</msgid>`),
      );
    }
    assert.equal(header(accettazione, 'subject'), 'ACCETTAZIONE: Trasmissione protocollo n. 42');
    assert.equal(header(accettazione, 'from'), 'posta-certificata@pec.aoo-a.example.it');
    assert.equal(header(consegna, 'subject'), 'CONSEGNA: Trasmissione protocollo n. 42');
    assert.equal(header(consegna, 'from'), 'posta-certificata@pec.aoo-b.example.it');
    const consegnaParts = await parts(consegna);
    assert.deepEqual(
      consegnaParts.get('postacert.eml'),
      original,
      'a complete delivery receipt carries the original',
    );
    const consegnaDati = consegnaParts.get('daticert.xml')?.toString() ?? '';
    assert.match(consegnaDati, /<ricevuta tipo="completa" \/>/);
    assert.match(consegnaDati, new RegExp(`<consegna>${B.address.replace(/\./g, '\\.')}</consegna>`));
    // The same identificativo ties the receipts and the busta (its Message-ID).
    const id = (x: Buffer | string) => /<identificativo>([^<]+)</.exec(x.toString())?.[1];
    assert.equal(id(consegnaDati), id(bustaDati));
    assert.equal(`<${id(bustaDati)}>`, header(busta.raw, 'message-id'));
  });

  it("has the anonymised samples' shape: header names, subject prefixes, daticert element order", async () => {
    const sample = readFileSync(join(FIXTURES, 'pec/accettazione.eml'));
    const sampleErrore = readFileSync(join(FIXTURES, 'pec/consegna.eml'));
    const start = (await inbox(provider, A.address)).length;
    await transport(provider, A).sendMail({
      from: A.address,
      to: 'nessuno@pec.aoo-b.example.it',
      subject: 'Test PEC',
      text: 'x',
    });
    await provider.settled();
    const [acc, err] = (await waitForInbox(provider, A.address, start + 2)).slice(start).map((m) => m.raw);
    assert.ok(acc && err);
    for (const [ours, theirs] of [
      [acc, sample],
      [err, sampleErrore],
    ] as const) {
      const names = (raw: Buffer) => new Set(readHeaders(raw).map((h) => h.name));
      assert.ok(opensslVerify(ours).ok);
      assert.deepEqual(names(ours), names(theirs));
      assert.equal(header(ours, 'x-ricevuta'), header(theirs, 'x-ricevuta'));
      assert.equal(header(ours, 'subject'), header(theirs, 'subject'), 'same subject with the same prefix');
      const ourDati = (await parts(ours)).get('daticert.xml');
      assert.ok(ourDati);
      assert.deepEqual(dtdValid(ourDati), { ok: true, out: '' });
      assert.deepEqual(elementOrder(ourDati), elementOrder(sampleDaticert(theirs)));
      const tipo = (x: Buffer) => /<postacert tipo="([^"]+)" errore="([^"]+)"/.exec(x.toString())?.slice(1);
      assert.deepEqual(tipo(ourDati), tipo(sampleDaticert(theirs)));
      // Same signed shape: multipart/signed over multipart/mixed { multipart/alternative, daticert.xml }.
      const shape = (raw: Buffer) =>
        [...raw.toString('latin1').matchAll(/^Content-Type: ([a-z0-9/.+-]+)/gim)].map((m) =>
          m[1]?.toLowerCase(),
        );
      // (the samples are truncated before smime.p7s, which ours carries last)
      assert.deepEqual(shape(ours), [...shape(theirs), 'application/pkcs7-signature']);
    }
  });

  it('the signature fails once a byte of the signed part changes', async () => {
    const [first] = await inbox(provider, B.address);
    assert.ok(first);
    assert.ok(opensslVerify(first.raw).ok);
    const text = first.raw.toString('latin1');
    const at = text.indexOf('Trasmissione protocollo', text.indexOf('This is an S/MIME signed message'));
    assert.ok(at > 0);
    const tampered = Buffer.from(first.raw);
    tampered[at] = 'X'.charCodeAt(0);
    const r = opensslVerify(tampered);
    assert.equal(r.ok, false);
    assert.match(r.out, /digest failure|Verification failure/i);
  });

  it('refuses a From that is not the authenticated mailbox: avviso di non accettazione, nothing delivered', async () => {
    const startA = (await inbox(provider, A.address)).length;
    const startB = (await inbox(provider, B.address)).length;
    await transport(provider, A).sendMail({
      envelope: { from: A.address, to: [B.address] },
      from: 'altro@pec.aoo-a.example.it',
      to: B.address,
      subject: 'Falso mittente',
      text: 'x',
    });
    await provider.settled();
    const [receipt] = (await waitForInbox(provider, A.address, startA + 1)).slice(startA);
    assert.ok(receipt);
    assert.equal(header(receipt.raw, 'x-ricevuta'), 'non-accettazione');
    assert.equal(header(receipt.raw, 'subject'), 'AVVISO DI NON ACCETTAZIONE: Falso mittente');
    const dati = (await parts(receipt.raw)).get('daticert.xml');
    assert.ok(dati);
    assert.ok(dtdValid(dati).ok);
    assert.match(dati.toString(), /tipo="non-accettazione" errore="altro"/);
    assert.equal((await inbox(provider, B.address)).length, startB);
  });

  it('EICAR in an attachment: rilevazione-virus and mancata consegna per virus, no busta', async () => {
    const startA = (await inbox(provider, A.address)).length;
    const startB = (await inbox(provider, B.address)).length;
    await transport(provider, A).sendMail({
      from: A.address,
      to: B.address,
      subject: 'Allegato infetto',
      text: 'x',
      attachments: [{ filename: 'eicar.com', content: Buffer.from(EICAR) }],
    });
    await provider.settled();
    const got = (await waitForInbox(provider, A.address, startA + 3)).slice(startA).map((m) => m.raw);
    assert.deepEqual(
      got.map((r) => header(r, 'x-ricevuta')),
      ['accettazione', 'rilevazione-virus', 'errore-consegna'],
    );
    assert.equal(header(got[1], 'subject'), 'PROBLEMA DI SICUREZZA: Allegato infetto');
    assert.equal(header(got[2], 'subject'), 'AVVISO DI MANCATA CONSEGNA PER VIRUS: Allegato infetto');
    for (const r of got) {
      assert.ok(opensslVerify(r).ok);
      const dati = (await parts(r)).get('daticert.xml');
      assert.ok(dati && dtdValid(dati).ok, dati ? dtdValid(dati).out : 'no daticert');
    }
    assert.match((await parts(got[1])).get('daticert.xml')?.toString() ?? '', /errore="virus"/);
    assert.equal((await inbox(provider, B.address)).length, startB, 'no busta delivered');
  });

  it('X-TipoRicevuta: sintetica gives a delivery receipt without the original; the busta states the kind asked', async () => {
    const startA = (await inbox(provider, A.address)).length;
    const startB = (await inbox(provider, B.address)).length;
    await transport(provider, A).sendMail({
      from: A.address,
      to: B.address,
      subject: 'Sintetica',
      text: 'x',
      headers: { 'X-TipoRicevuta': 'sintetica' },
    });
    await provider.settled();
    const [, consegna] = (await waitForInbox(provider, A.address, startA + 2)).slice(startA);
    assert.ok(consegna);
    const got = await parts(consegna.raw);
    assert.equal(got.has('postacert.eml'), false);
    assert.match(got.get('daticert.xml')?.toString() ?? '', /<ricevuta tipo="sintetica" \/>/);
    const [busta] = (await waitForInbox(provider, B.address, startB + 1)).slice(startB);
    assert.ok(busta);
    const bustaDati = (await parts(busta.raw)).get('daticert.xml');
    assert.ok(bustaDati && dtdValid(bustaDati).ok);
    assert.match(bustaDati.toString(), /<ricevuta tipo="sintetica" \/>/);
  });

  it('an ordinary (non-PEC) or malformed message can be put into a mailbox as it is', async () => {
    const start = (await inbox(provider, B.address)).length;
    const peo = Buffer.from(
      'From: someone@example.com\r\nTo: ' + B.address + '\r\nSubject: posta ordinaria\r\n\r\nciao\r\n',
    );
    await provider.injectMessage(B.address, peo);
    const [got] = (await inbox(provider, B.address)).slice(start);
    assert.deepEqual(got?.raw, peo);
  });

  it('refusal faults: nodemailer sees the 4xx/5xx the provider answers, then it accepts again', async () => {
    const t = transport(provider, A);
    const mail = { from: A.address, to: B.address, subject: 'Riprova', text: 'x' };
    provider.faults.refuseNextSubmissions(1, 451);
    await assert.rejects(t.sendMail(mail), (e: { responseCode?: number }) => e.responseCode === 451);
    provider.faults.refuseNextSubmissions(1, 554);
    await assert.rejects(t.sendMail(mail), (e: { responseCode?: number }) => e.responseCode === 554);
    const ok = await t.sendMail(mail);
    assert.match(ok.response, /^250 /);
    await provider.settled();
  });

  it('AUTH with a wrong password is refused (535)', async () => {
    const t = transport(provider, { address: A.address, password: 'sbagliata' });
    await assert.rejects(
      t.sendMail({ from: A.address, to: B.address, subject: 'x', text: 'x' }),
      (e: { responseCode?: number }) => e.responseCode === 535,
    );
  });
});

describe('PEC provider simulator faults', () => {
  let provider: PecProvider;
  before(async () => {
    work ??= mkdtempSync(join(tmpdir(), 'pec-sim-test-'));
    provider = await startTestPecProvider();
  });
  after(async () => {
    await provider.stop();
  });

  it('IMAP down: connection refused, mail submitted meanwhile waits; back up: old and new mail are there', async () => {
    await transport(provider, A).sendMail({ from: A.address, to: B.address, subject: 'Prima', text: 'x' });
    await provider.settled();
    const before = await inbox(provider, B.address);
    assert.equal(before.length, 1);
    await provider.faults.imapDown();
    await assert.rejects(inbox(provider, B.address), /ECONNREFUSED|Connection|connect/i);
    await transport(provider, A).sendMail({ from: A.address, to: B.address, subject: 'Durante', text: 'x' });
    await provider.faults.imapUp();
    await provider.settled();
    const now = await inbox(provider, B.address);
    assert.equal(now.length, 2);
    assert.deepEqual(now[0]?.raw, before[0]?.raw);
    assert.equal(header(now[1]?.raw, 'subject'), 'POSTA CERTIFICATA: Durante');
  });

  it('duplicate delivery: the same busta twice, byte for byte', async () => {
    const start = (await inbox(provider, B.address)).length;
    provider.faults.duplicateNextBusta();
    await transport(provider, A).sendMail({ from: A.address, to: B.address, subject: 'Doppia', text: 'x' });
    await provider.settled();
    const got = (await inbox(provider, B.address)).slice(start);
    assert.equal(got.length, 2);
    assert.deepEqual(got[0]?.raw, got[1]?.raw);
    assert.notEqual(got[0]?.uid, got[1]?.uid);
  });

  it('held receipts arrive only when released; receipts-before-reply lands them before the 250', async () => {
    const start = (await inbox(provider, A.address)).length;
    provider.faults.holdReceipts();
    await transport(provider, A).sendMail({ from: A.address, to: B.address, subject: 'Tardiva', text: 'x' });
    await provider.settled();
    assert.equal(provider.faults.heldReceipts, 2);
    assert.equal((await inbox(provider, A.address)).length, start);
    assert.equal(await provider.faults.releaseReceipts(), 2);
    assert.equal((await inbox(provider, A.address)).length, start + 2);

    provider.faults.receiptsBeforeReply(true);
    const info = await transport(provider, A).sendMail({
      from: A.address,
      to: B.address,
      subject: 'Veloce',
      text: 'x',
    });
    // Right after the 250 (no settled()): both receipts are already in the INBOX.
    const got = (await inbox(provider, A.address)).slice(start + 2);
    assert.deepEqual(
      got.map((m) => [header(m.raw, 'x-ricevuta'), header(m.raw, 'x-riferimento-message-id')]),
      [
        ['accettazione', info.messageId],
        ['avvenuta-consegna', info.messageId],
      ],
    );
    provider.faults.receiptsBeforeReply(false);
  });

  it('mailboxes are added and removed at run time', async () => {
    const c = { address: 'nuova@pec.aoo-b.example.it', password: 'pw-nuova' };
    await provider.addMailbox(c);
    await transport(provider, A).sendMail({
      from: A.address,
      to: c.address,
      subject: 'Benvenuta',
      text: 'x',
    });
    await provider.settled();
    assert.equal((await inbox(provider, c.address)).length, 1);
    await provider.removeMailbox(c.address);
    const start = (await inbox(provider, A.address)).length;
    await transport(provider, A).sendMail({ from: A.address, to: c.address, subject: 'Addio', text: 'x' });
    await provider.settled();
    const got = (await inbox(provider, A.address)).slice(start);
    assert.deepEqual(
      got.map((m) => header(m.raw, 'x-ricevuta')),
      ['accettazione', 'errore-consegna'],
    );
  });

  it('two providers run side by side', async () => {
    const other = await startTestPecProvider();
    try {
      assert.notEqual(other.imap.port, provider.imap.port);
      assert.notEqual(other.dovecot.dir, provider.dovecot.dir);
      await transport(other, A).sendMail({ from: A.address, to: B.address, subject: 'Altro', text: 'x' });
      await other.settled();
      assert.equal((await inbox(other, B.address)).length, 1);
    } finally {
      await other.stop();
    }
    execFileSync('true');
  });
});
