import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  buildSegnatura,
  generateDevelopmentSeal,
  readPkcs12,
  sealSegnaturaInput,
  sealSegnaturaXml,
  toPkcs12,
  type SegnaturaInput,
} from '../../schema/segnatura/index.js';
import type { SealMaterial } from '../../schema/segnatura/seal-keystore.js';
import { canonicalSegnaturaOfDom } from '../../schema/segnatura/segnatura.js';
import { canonicalSegnatura } from '../../schema/segnatura/segnatura-xml.js';
import {
  canonicalElement,
  parseXml,
  sealCanonical,
  sealDocument,
} from '../../schema/segnatura/xades-seal.js';
import { generateKeyPairSync } from 'node:crypto';
import {
  certificatePem,
  CORRESPONDENTS,
  opensslPkcs12,
  segnaturaInput,
  xmllintValidate,
  xmlsecVerify,
} from '../fixtures/segnatura-fixture.js';

/**
 * The segnatura informatica (AgID 2021, Allegato 6): for each kind of registration and of
 * correspondent the sealed XML validates against the official XSD (xmllint) and its XAdES seal
 * verifies with an independent tool (xmlsec1); a changed byte breaks the seal.
 */
/** A DomainError with this `extensions.code`. */
const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { extensions?: { code?: string } }).extensions?.code === expected;

describe('segnatura XML and XAdES seal', () => {
  let seal: SealMaterial;
  const signingTime = new Date('2026-06-15T10:00:00Z');
  before(() => {
    seal = generateDevelopmentSeal('Sigillo AOO A1B2C3D', 'Comune di Esempio', signingTime);
  });

  const sealed = (input: SegnaturaInput): Promise<string> =>
    sealSegnaturaXml(buildSegnatura(input), seal, signingTime);

  for (const kind of ['ARRIVO', 'PARTENZA', 'INTERNO'] as const) {
    for (const [name, correspondent] of Object.entries(CORRESPONDENTS)) {
      it(`${kind} with ${name}: valid against the XSD, seal verified by xmlsec1`, async () => {
        const xml = await sealed(segnaturaInput(kind, correspondent));
        const lint = xmllintValidate(xml);
        assert.ok(lint.ok, lint.output);
        const verify = xmlsecVerify(xml, certificatePem(seal.certificateDer));
        assert.ok(verify.ok, verify.output);
        assert.match(verify.output, /OK/);
      });
    }
  }

  it('sealing the built document directly gives the sealed XML of its text, byte for byte', async () => {
    const at = new Date('2026-06-15T10:00:00.250Z');
    for (const kind of ['ARRIVO', 'PARTENZA', 'INTERNO'] as const) {
      for (const correspondent of Object.values(CORRESPONDENTS)) {
        const input = segnaturaInput(kind, correspondent);
        // Characters a serialiser and a parser treat specially, in text and in an attribute.
        input.oggetto += ' \t tab \n line \r\n crlf & <a> "q" \'s\' \u0001';
        input.documentoPrimario.nomeFile = 'a\tb\nc\r\nd & <e> "f" \'g\'.pdf';
        assert.equal(
          sealSegnaturaInput(input, seal, at),
          await sealSegnaturaXml(buildSegnatura(input), seal, at),
        );
      }
    }
  });

  it('the canonical form written directly is the one exc-c14n takes from the DOM, for every part of the XSD', () => {
    // Every character the canonical form escapes (text: & < > CR; attributes: & < " TAB LF CR),
    // and some it does not (> ' in attributes, non-Latin, beyond the BMP), in every kind of field.
    const odd = ' \t tab \n line \r\n crlf & <a> "q" \'s\' ]]> \u{1F4C4} 中文 \u0001';
    const base = segnaturaInput('PARTENZA', CORRESPONDENTS.personaFisica);
    const inputs: SegnaturaInput[] = [];
    for (const kind of ['ARRIVO', 'PARTENZA', 'INTERNO'] as const)
      for (const correspondent of Object.values(CORRESPONDENTS))
        inputs.push(segnaturaInput(kind, correspondent));
    inputs.push({
      ...base,
      oggetto: `Oggetto${odd}`,
      identifier: {
        ...base.identifier,
        denominazioneAmministrazione: `Comune${odd}`,
        denominazioneAOO: `AOO${odd}`,
      },
      primaRegistrazione: { ...base.identifier, numero: 7, ora: undefined },
      classification: {
        denominazione: `Classe${odd}`,
        codice: 'VI',
        levels: [
          { codice: 'VI', descrizione: `Livello${odd}` },
          { codice: '3' },
          { codice: '12', descrizione: 'x' },
        ],
      },
      fascicolo: { denominazione: `Fascicolo${odd}`, codice: `F${odd}` },
      riservato: { note: `Nota${odd}` },
      riferimento: {
        identifier: { ...base.identifier, numero: 3 },
        oggetto: `Riferimento${odd}`,
        classification: { denominazione: 'NC', codice: 'NC' },
      },
      mittente: {
        type: 'PERSONA_GIURIDICA',
        denominazione: `Société "Les Amis" & Cie${odd}`,
        partitaIvaOCodiceFiscale: '01234567890',
        contatti: {
          email: [`a@b.it`],
          pec: ['p@pec.it'],
          url: ['https://example.it/?a=1&b=2'],
          telefoni: [`06 1234${odd}`],
          indirizziPostali: [
            {
              dug: `Via${odd}`,
              duf: 'Roma',
              civico: '1',
              cap: '000100',
              comune: `Roma${odd}`,
              codiceIstatComune: '058091',
            },
          ],
        },
        persone: [
          { nome: 'Zoë', cognome: "D'Àngelo", titolo: `Dott.ssa${odd}`, codiceFiscale: 'rssmra80a01h501u' },
        ],
      },
      destinatari: [
        { ...CORRESPONDENTS.amministrazione, confermaRicezione: false, perConoscenza: true },
        { type: 'AMMINISTRAZIONE_ESTERA', denominazione: `Estera${odd}`, ufficio: `Ufficio${odd}` },
      ],
      documentoPrimario: {
        ...base.documentoPrimario,
        nomeFile: `a${odd}.pdf`,
        mimeType: `x/y${odd}`,
        descrizione: `D${odd}`,
      },
      allegati: [{ nomeFile: `b${odd}`, mimeType: 'application/pdf', sha256: base.documentoPrimario.sha256 }],
    });
    for (const input of inputs) assert.equal(canonicalSegnatura(input), canonicalSegnaturaOfDom(input));
    // The refusals are the same (the checks are shared): nothing is written for them.
    assert.throws(() => canonicalSegnatura({ ...base, destinatari: [] }), code('BAD_USER_INPUT'));
    assert.throws(() => canonicalSegnatura({ ...base, oggetto: ' ' }), code('BAD_USER_INPUT'));
  });

  it('the template seal is byte for byte the seal xadesjs builds (RSA), and has its form (ECDSA)', async () => {
    // A signing time with milliseconds: SigningTime is written to the second by both.
    const at = new Date('2026-06-15T10:00:00.789Z');
    for (const kind of ['ARRIVO', 'PARTENZA', 'INTERNO'] as const) {
      for (const correspondent of Object.values(CORRESPONDENTS)) {
        const xml = buildSegnatura(segnaturaInput(kind, correspondent));
        const root = parseXml(xml).documentElement;
        assert.ok(root);
        assert.equal(
          sealCanonical(canonicalElement(root), seal, at),
          await sealDocument(parseXml(xml), seal, at),
        );
      }
    }
    // ECDSA signatures are randomised: the same document apart from the signature value.
    const ec = {
      privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
      certificateDer: seal.certificateDer,
    };
    const xml = buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.personaFisica));
    const root = parseXml(xml).documentElement;
    assert.ok(root);
    const masked = (s: string) => s.replace(/(<ds:SignatureValue[^>]*>)[^<]+/, '$1…');
    const template = sealCanonical(canonicalElement(root), ec, at);
    assert.match(template, /ecdsa-sha256/);
    assert.equal(masked(template), masked(await sealDocument(parseXml(xml), ec, at)));
  });

  it('carries the identifier, oggetto, classification and digests as the XSD spells them', async () => {
    const xml = await sealed(segnaturaInput('PARTENZA', CORRESPONDENTS.personaGiuridica, 42));
    assert.match(
      xml,
      /<prot:SegnaturaInformatica xmlns:prot="http:\/\/www\.agid\.gov\.it\/protocollo\/" prot:lang="it" prot:versione="3\.0\.0">/,
    );
    assert.match(
      xml,
      /<prot:CodiceAmministrazione prot:descrizione="Comune di Esempio">c_x000<\/prot:CodiceAmministrazione>/,
    );
    assert.match(
      xml,
      /<prot:CodiceAOO>A1B2C3D<\/prot:CodiceAOO><prot:CodiceRegistro>PG<\/prot:CodiceRegistro>/,
    );
    assert.match(
      xml,
      /<prot:NumeroRegistrazione>0000042<\/prot:NumeroRegistrazione><prot:DataRegistrazione>2026-06-15<\/prot:DataRegistrazione>/,
    );
    assert.match(xml, /«urgente» &amp; riservata &lt;cat\. A&gt;/);
    assert.match(xml, /<prot:Livello prot:descrizione="Edilizia privata">3<\/prot:Livello>/);
    // base64 of the SHA-256 bytes (of the empty string here), not of its hex spelling
    assert.match(
      xml,
      /<prot:Impronta prot:algoritmo="SHA-256">47DEQpj8HBSa\+\/TImW\+5JCeuQeRkm5NMpJWZG3hSuFU=<\/prot:Impronta>/,
    );
    assert.equal((xml.match(/<prot:Allegato /g) ?? []).length, 2);
    assert.match(xml, /<prot:Destinatario prot:perConoscenza="true">/);
    assert.match(xml, /<prot:Riservato prot:note="dati personali">true<\/prot:Riservato>/);
  });

  it('leaves out what the XSD cannot hold: a 5-digit CAP address, a malformed tax code', async () => {
    const withBadCf = {
      ...CORRESPONDENTS.personaFisica,
      codiceFiscale: '12345678901',
    } as const;
    const xml = await sealed(segnaturaInput('ARRIVO', withBadCf));
    assert.doesNotMatch(xml, /IndirizzoPostale/);
    assert.doesNotMatch(xml, /CodiceFiscale/);
    assert.match(xml, /<prot:Telefono>\+39 06 1234567<\/prot:Telefono>/);
    assert.ok(xmllintValidate(xml).ok);
  });

  it('has the XAdES baseline B signed properties: SigningTime, SigningCertificateV2, DataObjectFormat', async () => {
    const xml = await sealed(segnaturaInput('ARRIVO', CORRESPONDENTS.amministrazione));
    assert.match(xml, /<xades:SignedProperties Id="segnatura-seal-signed-properties">/);
    assert.match(xml, /<xades:SigningTime>2026-06-15T10:00:00Z<\/xades:SigningTime>/);
    assert.match(xml, /<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod/);
    assert.match(xml, /<xades:IssuerSerialV2>[A-Za-z0-9+/=]+<\/xades:IssuerSerialV2>/);
    assert.match(
      xml,
      /<xades:DataObjectFormat ObjectReference="#segnatura-seal-ref-document"><xades:MimeType>text\/xml/,
    );
    assert.match(
      xml,
      /Type="http:\/\/uri\.etsi\.org\/01903#SignedProperties" URI="#segnatura-seal-signed-properties"/,
    );
    assert.match(
      xml,
      /<ds:Transform Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#enveloped-signature">/,
    );
    // the signature is the root's last child, as the XSD's sequence wants
    assert.match(xml, /<\/ds:Signature><\/prot:SegnaturaInformatica>$/);
    const verify = xmlsecVerify(xml, certificatePem(seal.certificateDer));
    assert.ok(verify.ok, verify.output);
  });

  it('a changed byte anywhere (data, signed properties, signature) fails verification', async () => {
    const xml = await sealed(segnaturaInput('PARTENZA', CORRESPONDENTS.personaFisica));
    const pem = certificatePem(seal.certificateDer);
    const tampered = [
      xml.replace('<prot:NumeroRegistrazione>0000042', '<prot:NumeroRegistrazione>0000043'),
      xml.replace('Richiesta di accesso', 'Richiesta di eccesso'),
      xml.replace('2026-06-15T10:00:00Z', '2026-06-15T10:00:01Z'),
      xml.replace(
        /<ds:SignatureValue Id="segnatura-seal-value">(.)/,
        (_m, c: string) => `<ds:SignatureValue Id="segnatura-seal-value">${c === 'A' ? 'B' : 'A'}`,
      ),
    ];
    for (const t of tampered) {
      assert.notEqual(t, xml);
      assert.equal(xmlsecVerify(t, pem).ok, false);
    }
    // and another key's certificate is not trusted
    const other = generateDevelopmentSeal('Altro', 'Altro ente', signingTime);
    assert.equal(xmlsecVerify(xml, certificatePem(other.certificateDer)).ok, false);
  });

  it('seals with a key read from a PKCS#12 keystore; a wrong password is SEAL_KEYSTORE_UNREADABLE', async () => {
    const p12 = toPkcs12(seal, 'segreto');
    const material = readPkcs12(p12, 'segreto');
    assert.deepEqual(material.certificateDer, seal.certificateDer);
    const xml = await sealSegnaturaXml(
      buildSegnatura(segnaturaInput('ARRIVO', CORRESPONDENTS.amministrazioneEstera)),
      material,
      signingTime,
    );
    assert.ok(xmlsecVerify(xml, certificatePem(seal.certificateDer)).ok);
    assert.throws(() => readPkcs12(p12, 'sbagliata'), code('SEAL_KEYSTORE_UNREADABLE'));
    assert.throws(() => readPkcs12('bm90IGEgcDEy', 'x'), code('SEAL_KEYSTORE_UNREADABLE'));
  });

  for (const kind of ['rsa', 'ec'] as const)
    it(`seals with an openssl-made ${kind.toUpperCase()} PKCS#12 (OpenSSL 3 defaults); xmlsec1 verifies`, async () => {
      const made = opensslPkcs12(kind, 'segreto');
      const material = readPkcs12(made.pkcs12, 'segreto');
      assert.equal(material.privateKey.asymmetricKeyType, kind);
      const xml = await sealSegnaturaXml(
        buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.amministrazione)),
        material,
        signingTime,
      );
      assert.match(xml, kind === 'ec' ? /xmldsig-more#ecdsa-sha256/ : /xmldsig-more#rsa-sha256/);
      assert.ok(xmllintValidate(xml).ok);
      const verify = xmlsecVerify(xml, made.certificatePem);
      assert.ok(verify.ok, verify.output);
      assert.equal(
        xmlsecVerify(xml.replace('Regione Esempio', 'Regione Esempia'), made.certificatePem).ok,
        false,
      );
      assert.throws(() => readPkcs12(made.pkcs12, 'Segreto'), code('SEAL_KEYSTORE_UNREADABLE'));
    });

  it('text that canonicalisation rewrites (line breaks, tabs, quotes, markup, non-Latin) still verifies', async () => {
    const input = segnaturaInput('ARRIVO', {
      type: 'PERSONA_GIURIDICA',
      denominazione: 'Société "Les Amis" & Cie\t<Genève>',
      persone: [{ nome: 'Zoë', cognome: "D'Àngelo", titolo: 'Dott.ssa\r\nprof.' }],
    });
    const tricky = {
      ...input,
      oggetto: 'Riga uno\r\nriga due\ttabulata ]]> "citata" \u{1F4C4} 中文',
      classification: { ...input.classification, levels: [{ codice: 'VI', descrizione: 'a\nb\t"c" & <d>' }] },
    };
    const xml = await sealed(tricky);
    const lint = xmllintValidate(xml);
    assert.ok(lint.ok, lint.output);
    const verify = xmlsecVerify(xml, certificatePem(seal.certificateDer));
    assert.ok(verify.ok, verify.output);
  });

  it('refuses input the XSD cannot carry where it is mandatory', () => {
    const input = segnaturaInput('ARRIVO', CORRESPONDENTS.personaFisica);
    assert.throws(() => buildSegnatura({ ...input, destinatari: [] }), code('BAD_USER_INPUT'));
    assert.throws(
      () =>
        buildSegnatura({
          ...input,
          identifier: { ...input.identifier, codiceRegistro: 'registro con spazi' },
        }),
      code('BAD_USER_INPUT'),
    );
    assert.throws(
      () => buildSegnatura({ ...input, documentoPrimario: { ...input.documentoPrimario, sha256: 'abc' } }),
      code('BAD_USER_INPUT'),
    );
  });
});
