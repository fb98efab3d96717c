import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { generateDevelopmentSeal, type SealKey } from '../../schema/segnatura/index.js';
import { DomainError } from '../../server/errors/domain-error.js';
import {
  buildAggiornamento,
  buildAnnullamento,
  buildConferma,
  buildEccezione,
  checkInteropXml,
  ECCEZIONE_CODE_LIST,
  ECCEZIONE_CODES,
  findInteropAttachment,
  InteropBuildError,
  parseAggiornamento,
  parseAnnullamento,
  parseConferma,
  parseEccezione,
  PEC_NS,
  PROT_NS,
  readEccezioneMotivo,
  type InteropKind,
} from '../../plugins/pec/interop/index.js';
import { certificatePem, xmlsecVerify } from '../fixtures/segnatura-fixture.js';

const PEC_XSD = fileURLToPath(new URL('../../../plugins/pec/interop/xsd/pec_message.xsd', import.meta.url));

/** The Debian `xmllint --schema pec_message.xsd`: an independent check of what we build. */
function xmllintPec(xml: Buffer): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pec-interop-'));
  try {
    writeFileSync(join(dir, 'message.xml'), xml);
    const r = spawnSync('xmllint', ['--nonet', '--noout', '--schema', PEC_XSD, join(dir, 'message.xml')]);
    return { ok: r.status === 0, output: `${r.stdout.toString()}${r.stderr.toString()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const stripSeal = (xml: string) => xml.replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, '');

/**
 * The four Allegato 6 messages (pec_message.xsd): built XSD-valid (checked by the Debian
 * xmllint too), sealed with the AOO's XAdES seal (checked by xmlsec1), read back to the same
 * identifiers, codes and reasons; incoming ones checked like a Segnatura.
 */
describe('pec interop: Conferma, Aggiornamento, Eccezione, Annullamento', () => {
  const now = new Date('2026-06-16T09:30:00Z');
  let key: SealKey;
  // AOO B registered AOO A's message 42 as its own number 7.
  const ours = {
    codiceAmministrazione: 'c_b000',
    codiceAOO: 'B7K2Q9Z',
    codiceRegistro: 'PROT_B',
    numero: 7,
    data: '2026-06-16',
    ora: '09:29:58',
  };
  const theirs = {
    codiceAmministrazione: 'c_x000',
    codiceAOO: 'A1B2C3D',
    codiceRegistro: 'PG',
    numero: '0000042',
    data: '2026-06-15',
  };
  const asRead = (id: typeof ours | typeof theirs) => ({
    ...id,
    numero: String(id.numero).padStart(7, '0'),
    ora: 'ora' in id ? id.ora : null,
  });

  before(() => {
    key = generateDevelopmentSeal('Sigillo B7K2Q9Z', 'Comune B', new Date('2026-01-01T00:00:00Z'));
  });

  const builders: Record<Exclude<InteropKind, 'segnatura'>, (seal: SealKey | null) => Promise<Buffer>> = {
    conferma: (seal) => buildConferma({ identificatore: ours, messaggioRicevuto: theirs }, seal, now),
    aggiornamento: (seal) =>
      buildAggiornamento(
        { identificatore: ours, messaggioRicevuto: theirs, primaRegistrazione: { ...theirs, numero: 3 } },
        seal,
        now,
      ),
    eccezione: (seal) =>
      buildEccezione(
        {
          code: '002_AnomaliaImpronta',
          detail: "L'impronta di planimetria.pdf non corrisponde",
          messaggioRicevuto: { identificatore: theirs },
        },
        seal,
        now,
      ),
    annullamento: (seal) =>
      buildAnnullamento(
        {
          identificatore: theirs,
          motivo: 'Errore materiale <dati> & "altro"',
          provvedimento: 'Determina n. 12 del 2026-06-20',
        },
        seal,
        now,
      ),
  };

  for (const [kind, build] of Object.entries(builders) as [
    Exclude<InteropKind, 'segnatura'>,
    (s: SealKey | null) => Promise<Buffer>,
  ][]) {
    it(`${kind}: valid for the Debian xmllint, sealed content = the valid message, seal verified by xmlsec1 and by us`, async () => {
      const plain = await build(null);
      const lint = xmllintPec(plain);
      assert.ok(lint.ok, lint.output);
      assert.match(plain.toString(), new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<pec:`));
      assert.match(plain.toString(), new RegExp(`xmlns:pec="${PEC_NS.replace(/[./]/g, '\\$&')}"`));

      const sealed = await build(key);
      // The seal adds ds:Signature only: without it, the bytes are the XSD-valid message.
      assert.equal(stripSeal(sealed.toString()), plain.toString());
      const xmlsec = xmlsecVerify(sealed.toString(), certificatePem(key.certificateDer));
      assert.ok(xmlsec.ok, xmlsec.output);
      const tampered = sealed.toString().replace('c_x000', 'c_x001');
      assert.equal(xmlsecVerify(tampered, certificatePem(key.certificateDer)).ok, false);
      // pec_message.xsd has no place for ds:Signature: a strict receiver refuses the sealed form.
      const strict = xmllintPec(sealed);
      assert.equal(strict.ok, false);
      assert.match(strict.output, /Signature.*not expected/);

      const fileName = {
        conferma: 'Conferma.xml',
        aggiornamento: 'Aggiornamento.xml',
        eccezione: 'Eccezione.xml',
        annullamento: 'Annullamento.xml',
      }[kind];
      const check = await findInteropAttachment([{ fileName, bytes: sealed }], {
        trustAnchors: [key.certificateDer],
      });
      assert.ok(check);
      assert.equal(check.kind, kind);
      assert.equal(check.namespace, PEC_NS);
      assert.equal(check.schemaValid, true, check.schemaErrors.join('\n'));
      assert.equal(check.seal, 'valid', check.sealReason ?? '');
      assert.deepEqual(check.problems, []);
      const tamperedCheck = await checkInteropXml(fileName, Buffer.from(tampered), kind, {
        trustAnchors: [key.certificateDer],
      });
      assert.equal(tamperedCheck.seal, 'invalid');
      // Unsealed messages are normal (the seal is mandatory on the Segnatura only).
      const plainCheck = await checkInteropXml(fileName, plain, kind);
      assert.equal(plainCheck.seal, 'unsigned');
      assert.equal(plainCheck.schemaValid, true);
      assert.deepEqual(plainCheck.problems, []);
    });
  }

  it('parse(build(x)) gives back the identifiers, the code and the reasons', async () => {
    const conferma = parseConferma(await builders.conferma(key));
    assert.deepEqual(conferma.reference, asRead(theirs));
    assert.deepEqual(conferma.counterpart, asRead(ours));
    assert.deepEqual(conferma.missing, []);
    const aggiornamento = parseAggiornamento(await builders.aggiornamento(key));
    assert.deepEqual(aggiornamento.reference, asRead(theirs));
    assert.deepEqual(aggiornamento.primaRegistrazione, { ...asRead(theirs), numero: '0000003' });
    assert.deepEqual(aggiornamento.counterpart, asRead(ours));
    const eccezione = parseEccezione(await builders.eccezione(key));
    assert.deepEqual(eccezione.reference, asRead(theirs));
    assert.equal(eccezione.counterpart, null);
    assert.deepEqual(eccezione.eccezione, {
      code: '002_AnomaliaImpronta',
      description: "L'impronta di planimetria.pdf non corrisponde",
    });
    const annullamento = parseAnnullamento(await builders.annullamento(key));
    assert.deepEqual(annullamento.reference, asRead(theirs));
    assert.deepEqual(annullamento.annullamento, {
      reason: 'Errore materiale <dati> & "altro"',
      act: 'Determina n. 12 del 2026-06-20',
    });
    const annulment = await builders.annullamento(null);
    assert.throws(() => parseConferma(annulment), /not ConfermaRicezione/);
  });

  it('every Eccezione code, with and without a detail, round-trips; the WSDL spellings are read by number', async () => {
    assert.equal(ECCEZIONE_CODE_LIST.length, 8);
    assert.deepEqual(
      ECCEZIONE_CODE_LIST.map((c) => c.slice(0, 3)),
      ['000', '001', '002', '003', '004', '005', '006', '007'],
    );
    for (const code of ECCEZIONE_CODE_LIST) {
      const xml = await buildEccezione(
        {
          code,
          detail: code === '000_Irricevibile' ? 'Il messaggio non è indirizzato a questa AOO' : undefined,
          identificatore: code === '003_DocumentoAllegatiNonLeggibili' ? ours : null,
          messaggioRicevuto:
            code === '007_ErroreIdentificatoreNonTrovato'
              ? { identificatore: theirs }
              : { descrizione: 'Message-ID <abc@pec.example.it> del 2026-06-15' },
        },
        null,
        now,
      );
      assert.ok(xmllintPec(xml).ok, code);
      const read = parseEccezione(xml);
      assert.equal(read.eccezione?.code, code);
      assert.equal(
        read.eccezione?.description,
        code === '000_Irricevibile' ? 'Il messaggio non è indirizzato a questa AOO' : ECCEZIONE_CODES[code],
      );
      if (code === '007_ErroreIdentificatoreNonTrovato') assert.deepEqual(read.reference, asRead(theirs));
      else assert.equal(read.descrizioneMessaggio, 'Message-ID <abc@pec.example.it> del 2026-06-15');
      if (code === '003_DocumentoAllegatiNonLeggibili') assert.deepEqual(read.counterpart, asRead(ours));
    }
    assert.deepEqual(readEccezioneMotivo('002_AnomaliaImpronte - hash diverso'), {
      code: '002_AnomaliaImpronta',
      detail: 'hash diverso',
    });
    assert.equal(
      readEccezioneMotivo('005_DocumentoAllegatiErroreVaidazioneMarcaTemporale').code,
      '005_DocumentoAllegatiErroreValidazioneMarcaTemporale',
    );
    assert.equal(readEccezioneMotivo('000_Irricevibilita: x').code, '000_Irricevibile');
    assert.deepEqual(readEccezioneMotivo('qualcosa non va'), { code: null, detail: 'qualcosa non va' });
  });

  it('an input the XSD refuses is never returned: InteropBuildError (our defect) or a BAD_USER_INPUT', async () => {
    // Passes our YYYY-MM-DD check, fails xs:date: the XSD gate catches what our checks miss.
    await assert.rejects(
      buildConferma({ identificatore: { ...ours, data: '2026-02-30' }, messaggioRicevuto: theirs }, key, now),
      (e: unknown) =>
        e instanceof InteropBuildError &&
        e.code === 'PEC_INTEROP_BUILD_INVALID' &&
        e.kind === 'conferma' &&
        /DataRegistrazione/.test(e.message),
    );
    const badInput = (p: Promise<Buffer>, field: RegExp) =>
      assert.rejects(p, (e: unknown) => e instanceof DomainError && field.test(e.message));
    await badInput(
      buildEccezione({ code: '000_Irricevibile', messaggioRicevuto: { identificatore: theirs } }, key, now),
      /^detail:/,
    );
    await badInput(
      buildConferma(
        { identificatore: { ...ours, codiceRegistro: 'not valid!' }, messaggioRicevuto: theirs },
        key,
        now,
      ),
      /codiceRegistro/,
    );
    await badInput(
      buildConferma({ identificatore: { ...ours, numero: 0 }, messaggioRicevuto: theirs }, key, now),
      /numero/,
    );
    await badInput(
      buildAnnullamento({ identificatore: theirs, motivo: 'x', provvedimento: '  ' }, key, now),
      /^provvedimento:/,
    );
    await badInput(
      buildEccezione({ code: '999_Inventato' as never, messaggioRicevuto: { descrizione: 'x' } }, key, now),
      /unknown code/,
    );
  });

  it('an incoming message in the …/protocollo/ namespace is read, marked not schema-valid with the reason', async () => {
    const wrongNs = (await builders.conferma(null))
      .toString()
      // Everything in …/protocollo/ under the pec prefix, as some senders write it.
      .replaceAll(` xmlns:prot="${PROT_NS}"`, '')
      .replaceAll('prot:', 'pec:')
      .replaceAll(PEC_NS, PROT_NS);
    const check = await findInteropAttachment([{ fileName: 'conferma.xml', bytes: Buffer.from(wrongNs) }]);
    assert.ok(check);
    assert.equal(check.kind, 'conferma');
    assert.equal(check.namespace, PROT_NS);
    assert.equal(check.schemaValid, false);
    assert.ok(check.problems.some((p) => p.includes(`defined only in the namespace ${PEC_NS}`)));
    assert.deepEqual(check.reference, asRead(theirs));
    assert.deepEqual(check.counterpart, asRead(ours));
  });

  it('an incoming Eccezione without a code or an Annullamento without its act: read, each missing part named', async () => {
    const eccezione = `<?xml version="1.0"?><pec:NotificaEccezione xmlns:pec="${PEC_NS}" pec:versione="3.0.0" pec:lang="it"><pec:MessaggioRicevuto><pec:DescrizioneMessaggio>il vostro messaggio</pec:DescrizioneMessaggio></pec:MessaggioRicevuto><pec:Motivo>documento illeggibile</pec:Motivo></pec:NotificaEccezione>`;
    const e = await findInteropAttachment([{ fileName: 'Eccezione.xml', bytes: Buffer.from(eccezione) }]);
    assert.ok(e);
    assert.equal(e.schemaValid, true);
    assert.deepEqual(e.eccezione, { code: null, description: 'documento illeggibile' });
    assert.ok(e.problems.some((p) => /missing Motivo code/.test(p)));
    const annullamento = `<pec:AnnullamentoProtocollazione xmlns:pec="${PEC_NS}" xmlns:prot="${PROT_NS}" pec:versione="3.0.0" pec:lang="it"><pec:Identificatore><prot:CodiceAmministrazione>c_x000</prot:CodiceAmministrazione><prot:CodiceAOO>A1B2C3D</prot:CodiceAOO><prot:CodiceRegistro>PG</prot:CodiceRegistro><prot:NumeroRegistrazione>0000042</prot:NumeroRegistrazione><prot:DataRegistrazione>2026-06-15</prot:DataRegistrazione></pec:Identificatore><pec:Motivo>errore</pec:Motivo></pec:AnnullamentoProtocollazione>`;
    const a = await findInteropAttachment([
      { fileName: 'Annullamento.xml', bytes: Buffer.from(annullamento) },
    ]);
    assert.ok(a);
    assert.equal(a.schemaValid, false);
    assert.match(a.schemaErrors.join('\n'), /Provvedimento/);
    assert.deepEqual(a.annullamento, { reason: 'errore', act: null });
    assert.deepEqual(a.reference, asRead(theirs));
    assert.ok(a.problems.some((p) => /missing Provvedimento/.test(p)));
  });
});
