import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConservatorResponseInvalid } from '../../plugins/conservazione/connector/index.js';
import { rapportoAttests } from '../../plugins/conservazione/connector/rapporto-attests.js';
import { parseSafeXml } from '../../plugins/conservazione/connector/safe-xml.js';
import { checkRapportoAttests } from '../../plugins/conservazione/transfer/rapporto-check.js';

/**
 * What a RapportoVersamento attests (its unit, the digests of its components in the encodings
 * ParER writes), and the rule that only a rapporto attesting exactly the files sent proves a
 * conservation. The transfer's own tests drive the same rule through the conservator simulator.
 */
describe('the rapporto di versamento checked against what was sent', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest();
  const [a, b, c] = [sha('primary'), sha('attachment'), sha('annex')];
  const key = { registro: 'PG', anno: 2025, numero: '0000042' };

  const component = (hash: string, algorithm: string | null, encoding: string) =>
    `<Componente><URN>urn:x</URN><Hash>${hash}</Hash>${algorithm === null ? '' : `<AlgoritmoHash>${algorithm}</AlgoritmoHash>`}<Encoding>${encoding}</Encoding></Componente>`;
  const rapporto = (chiave: string, documents: string) => {
    const parsed = parseSafeXml(
      `<?xml version="1.0" encoding="UTF-8"?><RapportoVersamento><URNRapportoVersamento>urn:r</URNRapportoVersamento>` +
        `<DataRapportoVersamento>2025-06-15T10:00:00Z</DataRapportoVersamento>` +
        `<EsitoGenerale><CodiceEsito>POSITIVO</CodiceEsito></EsitoGenerale>` +
        `<SIP><URNSIP>urn:s</URNSIP><UnitaDocumentaria>${chiave}${documents}</UnitaDocumentaria></SIP></RapportoVersamento>`,
      1 << 20,
    );
    assert.ok(parsed.ok && parsed.doc.documentElement);
    return parsed.doc.documentElement;
  };
  const chiave = (numero: string) =>
    `<Chiave><Numero>${numero}</Numero><Anno>2025</Anno><TipoRegistro>PG</TipoRegistro></Chiave>`;
  const doc = (name: string, ...components: string[]) =>
    `<${name}><ChiaveDoc>${name}</ChiaveDoc><Componenti>${components.join('')}</Componenti></${name}>`;

  it("reads the unit and every document kind's digests, hex in either case or base64, SHA-256 however it is spelled", () => {
    const attested = rapportoAttests(
      rapporto(
        chiave('0000042'),
        doc('DocumentoPrincipale', component(a.toString('hex').toUpperCase(), 'SHA-256', 'hexBinary')) +
          doc('Allegato', component(b.toString('base64'), 'SHA256', 'base64')) +
          doc('Annesso', component(c.toString('hex'), null, 'hexBinary')) +
          doc('Annotazione', component(c.toString('hex'), 'SHA-1', 'hexBinary')),
      ),
    );
    assert.deepEqual(attested, {
      key,
      sha256: [a.toString('hex'), b.toString('hex'), c.toString('hex'), `SHA-1:${c.toString('hex')}`],
    });
    assert.equal(rapportoAttests(rapporto('', '')).key, null);
  });

  const attests = (...digests: Buffer[]) => ({ key, sha256: digests.map((d) => d.toString('hex')) });
  const sent = (...digests: Buffer[]) => digests.map((d) => ({ sha256: d.toString('hex') }));
  const refuses = (pattern: RegExp) => (e: unknown) =>
    e instanceof ConservatorResponseInvalid && pattern.test(e.message);

  it('accepts exactly the files sent, in any order, twice the same bytes counted twice', () => {
    checkRapportoAttests(attests(b, a, a), key, sent(a, a, b));
    checkRapportoAttests({ key: null, sha256: attests(a).sha256 }, key, sent(a));
  });

  it('refuses a rapporto missing a file, with one not sent, of another algorithm, or naming another unit', () => {
    assert.throws(
      () => checkRapportoAttests(attests(a), key, sent(a, a)),
      refuses(/no component with SHA-256/),
    );
    assert.throws(() => checkRapportoAttests(attests(a, c), key, sent(a)), refuses(/digests not sent/));
    assert.throws(
      () => checkRapportoAttests({ key, sha256: [`SHA-1:${a.toString('hex')}`] }, key, sent(a)),
      refuses(/no component with SHA-256 .*digests not sent SHA-1:/),
    );
    assert.throws(
      () => checkRapportoAttests({ ...attests(a), key: { ...key, anno: 2024 } }, key, sent(a)),
      refuses(/for PG-2025-0000042 names unit PG-2024-0000042/),
    );
  });
});
