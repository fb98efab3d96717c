import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseDaticert } from '../../plugins/pec/message/index.js';
import { SAMPLES } from '../harness/pec-message-fixtures.js';

const SAMPLE = readFileSync(path.join(SAMPLES, 'accettazione.daticert.xml'));

/** daticert.xml (standards/pec/daticert.dtd): exact values, leniency without guessing, no DTD ever. */
describe('PEC daticert.xml', () => {
  it('reads the anonymised accettazione sample to the exact values', () => {
    const { daticert, problems } = parseDaticert(SAMPLE);
    assert.deepEqual(problems, []);
    assert.deepEqual(daticert, {
      tipo: 'accettazione',
      errore: 'nessuno',
      erroreEsteso: null,
      mittente: 'sender@fakepec.it',
      destinatari: [{ address: 'rec@fakepec.it', tipo: 'certificato' }],
      risposte: 'sender@fakepec.it',
      oggetto: 'Test PEC',
      gestoreEmittente: 'FAKEPEC PEC S.p.A.',
      dataOra: '2024-11-15T18:20:38+01:00',
      identificativo: 'opec210312.20241115182038.288127.606.1.53@fakepec.it',
      msgid: '<SN05IE$951DEC16C1CFD3E4FD8FF1B1D24A99AE@fakepec.it>',
      ricevuta: null,
      consegna: null,
      ricezione: [],
    });
  });

  it('an older receipt without the optional elements: nulls, the DTD defaults, nothing made up', () => {
    const xml = `<postacert tipo="presa-in-carico">
      <intestazione><mittente>a@pec.test</mittente><destinatari>b@pec.test</destinatari><risposte/></intestazione>
      <dati><gestore-emittente>Gestore</gestore-emittente>
        <data zona="-0330"><giorno>1/2/2009</giorno><ora>7:05:09</ora></data>
        <identificativo>id-1</identificativo>
        <ricezione>b@pec.test</ricezione><ricezione>c@pec.test</ricezione>
      </dati></postacert>`;
    const { daticert, problems } = parseDaticert(xml);
    assert.deepEqual(problems, []);
    assert.equal(daticert?.errore, 'nessuno'); // the DTD's default
    assert.deepEqual(daticert?.destinatari, [{ address: 'b@pec.test', tipo: 'certificato' }]); // DTD default
    assert.equal(daticert?.oggetto, null);
    assert.equal(daticert?.risposte, null);
    assert.equal(daticert?.msgid, null);
    assert.equal(daticert?.ricevuta, null);
    assert.equal(daticert?.consegna, null);
    assert.equal(daticert?.dataOra, '2009-02-01T07:05:09-03:30');
    assert.deepEqual(daticert?.ricezione, ['b@pec.test', 'c@pec.test']);
  });

  it('decodes escaped characters (entities, character references, double escaping of msgid) and trims', () => {
    const xml = `<?xml version="1.0"?>\r\n<postacert tipo="avvenuta-consegna" errore="nessuno">\n<intestazione>\r
      <mittente>  a@pec.test\n </mittente><destinatari tipo="esterno">x@peo.test</destinatari><risposte>a@pec.test</risposte>
      <oggetto>Rif. &quot;Delibera&quot; n. 5 &amp; 6 &#8211; citt&#224; &lt;urgente&gt;</oggetto></intestazione>\r
      <dati><gestore-emittente>G &amp; C</gestore-emittente><data zona="+01:00"><giorno>15/11/2024</giorno><ora>18:20:38</ora></data>
      <identificativo> id-2 </identificativo><msgid>&amp;lt;m-1@a.test&amp;gt;</msgid><ricevuta tipo="breve"/><consegna>x@peo.test</consegna></dati></postacert>`;
    const { daticert, problems } = parseDaticert(xml);
    assert.deepEqual(problems, []);
    assert.equal(daticert?.oggetto, 'Rif. "Delibera" n. 5 & 6 – città <urgente>');
    assert.equal(daticert?.mittente, 'a@pec.test');
    assert.equal(daticert?.gestoreEmittente, 'G & C');
    assert.equal(daticert?.identificativo, 'id-2');
    assert.equal(daticert?.msgid, '<m-1@a.test>');
    assert.equal(daticert?.ricevuta, 'breve');
    assert.deepEqual(daticert?.destinatari, [{ address: 'x@peo.test', tipo: 'esterno' }]);
    assert.equal(daticert?.dataOra, '2024-11-15T18:20:38+01:00');
  });

  it('reads an ISO-8859-1 daticert.xml as its prolog declares', () => {
    const xml = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><postacert tipo="accettazione"><intestazione><mittente>a@pec.test</mittente><destinatari>b@pec.test</destinatari><risposte>a@pec.test</risposte><oggetto>Comunicazione \xe8 urgente</oggetto></intestazione><dati><gestore-emittente>G</gestore-emittente><data zona="+0100"><giorno>15/11/2024</giorno><ora>18:20:38</ora></data><identificativo>i</identificativo></dati></postacert>',
      'latin1',
    );
    assert.equal(parseDaticert(xml).daticert?.oggetto, 'Comunicazione è urgente');
  });

  it('a missing or impossible zone/date leaves the date-time unknown with a problem, never assumed', () => {
    const base = (data: string): string =>
      `<postacert tipo="accettazione"><intestazione><mittente>a@pec.test</mittente><destinatari>b@pec.test</destinatari><risposte>a</risposte></intestazione><dati><gestore-emittente>G</gestore-emittente>${data}<identificativo>i</identificativo></dati></postacert>`;
    const noZone = parseDaticert(base('<data><giorno>15/11/2024</giorno><ora>18:20:38</ora></data>'));
    assert.equal(noZone.daticert?.dataOra, null);
    assert.match(noZone.problems.join('\n'), /zona missing/);
    const impossible = parseDaticert(
      base('<data zona="+0100"><giorno>31/02/2024</giorno><ora>18:20:38</ora></data>'),
    );
    assert.equal(impossible.daticert?.dataOra, null);
    assert.match(impossible.problems.join('\n'), /not a real date-time/);
    const none = parseDaticert(base(''));
    assert.equal(none.daticert?.dataOra, null);
    assert.match(none.problems.join('\n'), /<data> is missing/);
  });

  it('refuses a DOCTYPE with an external entity before parsing: no file read, nothing expanded', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pec-xxe-'));
    try {
      const secret = path.join(dir, 'secret.txt');
      writeFileSync(secret, 'TOP-SECRET-CONTENT');
      const xml = `<?xml version="1.0"?>
<!DOCTYPE postacert [ <!ENTITY xxe SYSTEM "file://${secret}"> ]>
<postacert tipo="accettazione"><intestazione><mittente>&xxe;</mittente><destinatari>b@pec.test</destinatari><risposte>a</risposte><oggetto>&xxe;</oggetto></intestazione><dati><gestore-emittente>G</gestore-emittente><data zona="+0100"><giorno>15/11/2024</giorno><ora>18:20:38</ora></data><identificativo>i</identificativo></dati></postacert>`;
      const result = parseDaticert(xml);
      assert.equal(result.daticert, null);
      assert.match(result.problems.join('\n'), /declares a DOCTYPE.*nothing expanded/);
      assert.doesNotMatch(JSON.stringify(result), /TOP-SECRET-CONTENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses billion laughs (internal entities) and a bare ENTITY declaration', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><postacert tipo="accettazione">&lol2;</postacert>`;
    const result = parseDaticert(laughs);
    assert.equal(result.daticert, null);
    assert.doesNotMatch(JSON.stringify(result), /lollol/);
    assert.match(
      parseDaticert('<!ENTITY x "y"><postacert tipo="accettazione"/>').problems.join('\n'),
      /ENTITY/,
    );
  });

  it('bad input is a problem, never an exception: empty, not XML, wrong root, unknown tipo', () => {
    assert.deepEqual(parseDaticert(''), { daticert: null, problems: ['daticert.xml is empty'] });
    const broken = parseDaticert('<postacert tipo="accettazione"><intestazione>');
    assert.equal(broken.daticert, null);
    assert.match(broken.problems.join('\n'), /not well-formed/);
    assert.match(parseDaticert('<segnatura/>').problems.join('\n'), /root element is <segnatura>/);
    const odd = parseDaticert('<postacert tipo="ricevuta-strana"><intestazione/><dati/></postacert>');
    assert.equal(odd.daticert?.tipo, 'ricevuta-strana');
    assert.match(odd.problems.join('\n'), /"ricevuta-strana" is not one of daticert.dtd/);
  });
});
