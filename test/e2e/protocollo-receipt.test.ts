import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AnnulProtocolDocument,
  ProtocolRecordByBarcodeDocument,
  ProtocolRecordLabelDocument,
  RegisterProtocolDocument,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { comparable, demoIds, download, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** The request clock, from a moment on and running (an hour before midnight UTC: already tomorrow in Rome). */
class RunningClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(at: string): void {
    this.offset = new Date(at).getTime() - Date.now();
  }
}

const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `05/12/2026 00:30:07`, as the receipt prints a moment. */
function romeDateTime(iso: string): string {
  return ROME.format(new Date(iso)).replace(',', '');
}

/**
 * Receipt and label of registration (DOMAIN §5, 001 §6.6): the receipt is a PDF/A-3b with an
 * embedded font whose text (pdftotext) carries the registratura, the operator and the state;
 * the label's barcode, rendered and decoded by independent tools (pdftoppm, zbarimg), leads back
 * to the record through protocolRecordByBarcode; hidden records answer like missing ones.
 */
describe('protocollo receipt and label', () => {
  const clock = new RunningClock();
  let env: TestEnv;
  let ids: DemoIds;
  let prot: GraphqlClient;
  let rgd: GraphqlClient;
  let otherProt: GraphqlClient;
  let reader: GraphqlClient;
  let other: { aooId: string; uorId: string };
  let work: string;

  before(async () => {
    clock.set('2026-12-04T23:30:00Z');
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    prot = await env.asUser('protocollista');
    rgd = await env.asUser('rgd');
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.ricevute', 'PROTOCOLLISTA');
    otherProt = await env.asUser('altrove.ricevute');
    // Sees the protocol office's records, but not the personal data of their correspondents.
    await createMember(admin, ids.aooId, ids.uor['PROT'] ?? '', 'lettore.prot', 'READ_ONLY');
    reader = await env.asUser('lettore.prot');
    work = mkdtempSync(path.join(tmpdir(), 'ricevute-'));
  });
  after(async () => {
    await env.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A draft document with a primary file and attachments with these descriptions, made directly. */
  async function draft(uorId: string, creator: string, descriptions: string[]): Promise<string> {
    const rows = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza',
                (select id from app_user where username = $2)
           from uor u where u.id = $1 returning id, created_by),
       slots as (
         select doc.id as document_id, doc.created_by, s.p, s.description,
                encode(sha256((doc.id::text || s.p)::bytea), 'hex') as h
           from doc, (select 0 as p, null::text as description
                      union all
                      select ord::int, d from unnest($3::text[]) with ordinality as t(d, ord)) s),
       files as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', case when p = 0 then 'istanza.pdf' else 'allegato-' || p || '.pdf' end,
                'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from slots returning id, sha256)
       insert into document_file (id, document_id, file_id, position, version, description, created_by)
       select gen_random_uuid(), s.document_id, f.id, s.p, 1, s.description, s.created_by
         from slots s join files f on f.sha256 = s.h
       returning document_id as id`,
      [uorId, creator, descriptions],
    );
    const id = rows[0]?.id;
    if (!id) throw new Error('no draft');
    return id;
  }

  async function register(client: GraphqlClient, input: RegisterProtocolInput) {
    return (await client.data(RegisterProtocolDocument, { input })).registerProtocol;
  }

  const allegati = ['Planimetria dell’area – Comunità montana', 'Relazione tecnica: perché serve'];
  const oggetto = 'Richiesta di contributo della Comunità montana: perché è urgente';

  async function registerArrivo(client = prot, uorId = ids.uor['PROT'] ?? '', creator = 'protocollista') {
    return register(client, {
      kind: 'ARRIVO',
      documentId: await draft(uorId, creator, allegati),
      oggetto,
      attachmentCount: allegati.length,
      correspondents: [
        { kind: 'PERSONA_FISICA', nome: 'Niccolò', cognome: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U' },
      ],
    });
  }

  /** Writes a PDF to the work folder and runs a poppler tool on it; its standard output. */
  function poppler(tool: string, pdf: Buffer, ...args: string[]): string {
    const file = path.join(work, `${tool}-${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, pdf);
    return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], {
      encoding: 'utf8',
    });
  }

  /** pdftotext -layout would align columns; plain text keeps each value on its lines. */
  const textOf = (pdf: Buffer): string => poppler('pdftotext', pdf, '-enc', 'UTF-8');

  it('the receipt is a PDF/A-3b with an embedded font, and its text carries the registratura, the operator and the segnatura', async () => {
    const record = await registerArrivo();
    const seen = (await prot.data(ProtocolRecordLabelDocument, { id: record.id })).protocolRecord;
    assert.equal(seen.receiptUrl, `${env.baseUrl}/protocol-records/${record.id}/receipt.pdf`);
    // HEAD: the headers of a record the caller sees, nothing rendered, nothing audited.
    const head = await download(env, seen.receiptUrl, { token: prot.token, method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'application/pdf');
    const res = await download(env, seen.receiptUrl, { token: prot.token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="ricevuta-protocollo-c_demo-ADEMO01-2026-${record.formattedNumber}.pdf"`,
    );
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    assert.equal(res.body.subarray(0, 5).toString('latin1'), '%PDF-');

    const text = textOf(res.body);
    assert.match(text, /Ricevuta di protocollazione/);
    assert.ok(text.includes(`${record.formattedNumber} / 2026`), text);
    // 23:30 UTC on 4 December is already 5 December in Rome: the receipt shows Italian time.
    assert.equal(record.date, '2026-12-05');
    assert.ok(
      text.includes(romeDateTime(record.registeredAt)),
      `${romeDateTime(record.registeredAt)} in\n${text}`,
    );
    assert.match(text, /05\/12\/2026 00:3\d:\d\d/);
    assert.ok(text.includes('Comune di Esempio - AOO unica (codice AOO ADEMO01)'), text);
    assert.ok(text.includes('Comune di Esempio (codice IPA c_demo)'), text);
    assert.ok(text.includes('REG_PROT'), text);
    assert.ok(text.includes('Arrivo'), text);
    assert.ok(text.includes('Niccolò Rossi'), 'the sender as registered, accents intact');
    // Accented Italian survives the embedded font and its ToUnicode map.
    assert.ok(text.includes('Comunità montana'), text);
    assert.ok(text.includes('perché'), text);
    assert.ok(text.includes(oggetto.slice(0, 40)), text);
    assert.match(text, /Numero allegati\s+2/);
    for (const [i, description] of allegati.entries()) {
      assert.ok(text.includes(description), `attachment ${i + 1} “${description}” in\n${text}`);
      assert.ok(text.includes(record.files[i + 1]?.sha256 ?? 'missing'), 'its digest');
    }
    assert.ok(text.includes(record.primarySha256), 'the primary document’s digest');
    assert.ok(text.includes('Paola Protocollo (protocollista)'), 'the operator who registered it');
    assert.ok(text.includes(`c_demo ADEMO01 REG_PROT ${record.formattedNumber} del 05/12/2026`), text);
    assert.ok(!text.includes('ANNULLATO'), 'a standing record is not marked annulled');

    // PDF/A-3b declared in the XMP metadata, and every font embedded.
    const meta = poppler('pdfinfo', res.body, '-meta');
    assert.match(meta, /<pdfaid:part>3<\/pdfaid:part>/);
    assert.match(meta, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const info = poppler('pdfinfo', res.body);
    assert.match(info, /^Tagged:\s+yes$/m);
    assert.match(info, /^PDF version:\s+1\.7$/m);
    const fonts = poppler('pdffonts', res.body)
      .split('\n')
      .slice(2)
      .filter((l) => l.trim() !== '');
    assert.ok(fonts.length >= 1, 'the text has fonts');
    for (const line of fonts) {
      assert.match(line, /DejaVuSans/, line);
      assert.match(line, /\s+yes\s+yes\s+yes\s+/, `embedded, subset, with a ToUnicode map: ${line}`);
    }

    // A download is an audited viewing, under the record's AOO.
    const audit = await sql<{ actor_id: string; aoo_id: string }>(
      env,
      `select actor_id, aoo_id from audit_event where operation = 'protocolRecord.receipt.download' and target_id = $1`,
      [record.id],
    );
    assert.deepEqual(audit, [{ actor_id: ids.user['protocollista'], aoo_id: ids.aooId }]);
  });

  it('an annulled record’s receipt says ANNULLATO, with when, who and why', async () => {
    const record = await registerArrivo();
    await rgd.data(AnnulProtocolDocument, {
      input: { id: record.id, reason: 'Registrazione doppia', authorisation: 'Provvedimento RGD n. 7/2026' },
    });
    const res = await download(env, `/protocol-records/${record.id}/receipt.pdf`, { token: prot.token });
    assert.equal(res.status, 200);
    const text = textOf(res.body);
    assert.match(text, /ANNULLATO/);
    assert.ok(text.includes('Registrazione doppia'), text);
    assert.ok(text.includes('Provvedimento RGD n. 7/2026'), text);
    assert.ok(text.includes('Roberto Gestione (rgd)'), 'who annulled it');
    assert.ok(text.includes(record.formattedNumber), 'still its number: the record stays in the sequence');
    const label = await download(env, `/protocol-records/${record.id}/label.pdf`, { token: prot.token });
    assert.equal(label.status, 200);
    assert.match(textOf(label.body), /ANNULLATO/, 'a label printed after the annulment says so');
  });

  it('a caller without personal-data rights gets a receipt without the person’s name', async () => {
    const record = await registerArrivo();
    const res = await download(env, `/protocol-records/${record.id}/receipt.pdf`, { token: reader.token });
    assert.equal(res.status, 200);
    const text = textOf(res.body);
    assert.ok(text.includes(oggetto.slice(0, 40)), 'the record is visible to them');
    assert.ok(!text.includes('Rossi'), 'the name is personal data');
    assert.ok(!text.includes('RSSMRA80A01H501U'), 'the codice fiscale is personal data');
    assert.ok(text.includes('dati personali non visibili'), text);
  });

  it('a record the caller does not see is a 404 exactly like a missing one, and leaves no audit row; no token is a 401', async () => {
    const record = await registerArrivo();
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const kind of ['receipt', 'label']) {
      const hidden = await download(env, `/protocol-records/${record.id}/${kind}.pdf`, {
        token: otherProt.token,
      });
      const none = await download(env, `/protocol-records/${missing}/${kind}.pdf`, {
        token: otherProt.token,
      });
      const junk = await download(env, `/protocol-records/not-a-uuid/${kind}.pdf`, {
        token: otherProt.token,
      });
      assert.equal(hidden.status, 404, kind);
      assert.equal(none.status, 404, kind);
      assert.equal(junk.status, 404, kind);
      assert.equal(
        comparable(hidden.body.toString('utf8'), record.id),
        comparable(none.body.toString('utf8'), missing),
        kind,
      );
      const anonymous = await download(env, `/protocol-records/${record.id}/${kind}.pdf`);
      assert.equal(anonymous.status, 401, kind);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="dms"/);
      const bad = await download(env, `/protocol-records/${record.id}/${kind}.pdf`, { token: 'x.y.z' });
      assert.equal(bad.status, 401, kind);
      assert.notEqual(anonymous.headers.get('content-type'), 'application/pdf');
    }
    const rows = await sql(
      env,
      `select 1 from audit_event where operation like 'protocolRecord.%.download' and target_id = $1`,
      [record.id],
    );
    assert.equal(rows.length, 0, 'refused downloads are not recorded as downloads');
  });

  it('the label carries the short segnatura and a Code 128 barcode that decodes back to the record', async () => {
    const record = await registerArrivo();
    const seen = (await prot.data(ProtocolRecordLabelDocument, { id: record.id })).protocolRecord;
    assert.equal(seen.label, `c_demo ADEMO01 REG_PROT ${record.formattedNumber} del 05/12/2026`);
    assert.equal(seen.labelCode, `PROT:c_demo:ADEMO01:2026:${record.formattedNumber}`);
    const res = await download(env, seen.labelUrl, { token: prot.token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /filename="etichetta-protocollo-c_demo-ADEMO01-2026-\d{7}\.pdf"/,
    );
    assert.ok(textOf(res.body).includes(seen.label), 'the human-readable segnatura is on the label');
    assert.match(poppler('pdfinfo', res.body), /^Page size:\s+283\.46\d* x 141\.73\d* pts/m);
    assert.match(poppler('pdfinfo', res.body, '-meta'), /<pdfaid:part>3<\/pdfaid:part>/);

    // Print it at 300 dpi and scan it, with tools that know nothing of ours.
    const file = path.join(work, `label-${record.number}.pdf`);
    writeFileSync(file, res.body);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '300',
      '-singlefile',
      file,
      path.join(work, `label-${record.number}`),
    ]);
    const decoded = execFileSync('zbarimg', ['--raw', '-q', path.join(work, `label-${record.number}.png`)], {
      encoding: 'utf8',
    }).trim();
    assert.equal(decoded, seen.labelCode);

    const back = await prot.data(ProtocolRecordByBarcodeDocument, { code: decoded });
    assert.equal(back.protocolRecordByBarcode.id, record.id);
    assert.equal(back.protocolRecordByBarcode.label, seen.label);
    // A keyboard-wedge scanner ends the code with Enter.
    const typed = await prot.data(ProtocolRecordByBarcodeDocument, { code: `${decoded}\r\n` });
    assert.equal(typed.protocolRecordByBarcode.id, record.id);
    const audit = await sql(
      env,
      `select 1 from audit_event where operation = 'protocolRecord.label.download' and target_id = $1`,
      [record.id],
    );
    assert.equal(audit.length, 1);
  });

  it('protocolRecordByBarcode: a malformed code is a typed error, another AOO’s number is not this one, hidden is missing', async () => {
    for (const code of [
      '',
      'PROT:c_demo:ADEMO01:2026',
      'PROT:c_demo:ADEMO01:26:0000001',
      'XYZ:c_demo:ADEMO01:2026:1',
      'PROT:c demo:ADEMO01:2026:1',
      'PROT:c_demo:ADEMO01:2026:0000000',
    ]) {
      const r = await prot.request(ProtocolRecordByBarcodeDocument, { code });
      assert.equal(errorCode(r), 'PROTOCOL_BARCODE_MALFORMED', JSON.stringify(code));
      assert.equal(r.errors?.[0]?.extensions?.['field'], 'code');
      assert.equal(r.data?.protocolRecordByBarcode ?? null, null);
    }
    const own = await registerArrivo();
    const theirs = await registerArrivo(otherProt, other.uorId, 'altrove.ricevute');
    const theirCode = (await otherProt.data(ProtocolRecordLabelDocument, { id: theirs.id })).protocolRecord
      .labelCode;
    assert.equal(theirCode, `PROT:c_altrove:AALTR01:2026:${theirs.formattedNumber}`);
    const mine = await prot.data(ProtocolRecordByBarcodeDocument, {
      code: `PROT:c_demo:ADEMO01:2026:${own.formattedNumber}`,
    });
    assert.equal(mine.protocolRecordByBarcode.id, own.id);
    // The same number and year in our register is our record, not theirs: the code names the register.
    const sameNumber = await prot.data(ProtocolRecordByBarcodeDocument, {
      code: `PROT:c_demo:ADEMO01:2026:${theirs.formattedNumber}`,
    });
    assert.equal(sameNumber.protocolRecordByBarcode.number, theirs.number);
    assert.notEqual(sameNumber.protocolRecordByBarcode.id, theirs.id);
    const hidden = await prot.request(ProtocolRecordByBarcodeDocument, { code: theirCode });
    const missing = await prot.request(ProtocolRecordByBarcodeDocument, {
      code: 'PROT:c_altrove:AALTR01:2026:0009999',
    });
    assert.equal(errorCode(hidden), 'NOT_FOUND');
    assert.equal(errorCode(missing), 'NOT_FOUND');
    assert.equal(
      hidden.errors?.[0]?.message.replace(theirCode, 'CODE'),
      missing.errors?.[0]?.message.replace('PROT:c_altrove:AALTR01:2026:0009999', 'CODE'),
    );
    const theirsBack = await otherProt.data(ProtocolRecordByBarcodeDocument, { code: theirCode });
    assert.equal(theirsBack.protocolRecordByBarcode.id, theirs.id);
    const anonymous = await env.anonymous.request(ProtocolRecordByBarcodeDocument, { code: theirCode });
    assert.equal(errorCode(anonymous), 'UNAUTHENTICATED');
  });
});
