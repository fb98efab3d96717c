import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ClassificationSuggestionsDocument,
  ImportTitolarioDocument,
  PublishTitolarioVersionDocument,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, errorCode, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Classification suggestions for a free text: node descriptions and voci di indice (with
 * variants), compared by Italian stem with accents ignored, best match first, over the
 * version in force on the day.
 */
describe('classification suggestions', () => {
  const clock = new SettableClock('2026-05-01T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let lettore: GraphqlClient;

  const CSV = [
    'kind,fullCode,description,term,variants',
    'node,I,Amministrazione generale,,',
    'node,I/6,Attività politica,,',
    'node,I/7,Controllo di qualità dei servizi,,',
    'node,VI,Pianificazione e gestione del territorio,,',
    'node,VI/3,Edilizia privata,,',
    'indexTerm,VI/3,,Licenze edilizie,permesso di costruire|concessione edilizia|SCIA',
    'node,VI/4,Edilizia pubblica,,',
    'node,VI/5,Opere pubbliche,,',
    'indexTerm,VI/5,,Lavori pubblici,appalti di lavori',
    'node,VIII,Attività economiche,,',
    'node,VIII/4,Commercio,,',
    'indexTerm,VIII/4,,Licenze commerciali,autorizzazione al commercio',
    'node,VIII/2,Artigianato,,',
    'indexTerm,VIII/2,,Attività artigianali,bottega',
    '',
  ].join('\n');

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    const rgd = await env.asUser('rgd');
    const imported = await rgd.data(ImportTitolarioDocument, {
      input: {
        aooId: ids.aooId,
        label: 'Titolario 2027',
        validFrom: '2027-01-01',
        format: 'CSV',
        content: CSV,
      },
    });
    await rgd.data(PublishTitolarioVersionDocument, {
      input: { versionId: imported.importTitolario.id, approvalAct: 'Delibera n. 7' },
    });
    lettore = await env.asUser('lettore');
  });
  after(async () => {
    await env?.close();
  });

  async function suggest(text: string, options: { leavesOnly?: boolean; at?: string } = {}) {
    const r = await lettore.data(ClassificationSuggestionsDocument, {
      aooId: ids.aooId,
      text,
      at: options.at ?? '2027-03-01',
      first: 5,
      leavesOnly: options.leavesOnly ?? false,
    });
    return r.classificationSuggestions;
  }
  const codes = (s: Awaited<ReturnType<typeof suggest>>) => s.map((x) => x.node.fullCode);

  it('"licenze edilizie" ranks the node whose index term says so first', async () => {
    const s = await suggest('Richiesta di licenze edilizie');
    assert.equal(s[0]?.node.fullCode, 'VI/3');
    assert.equal(s[0]?.matchedIndexTerm, 'Licenze edilizie');
    // Other nodes share one word only (licenze commerciali, edilizia pubblica): below it.
    assert.ok(codes(s).includes('VIII/4'));
    assert.ok(codes(s).includes('VI/4'));
    assert.ok((s[0]?.score ?? 0) > (s[1]?.score ?? 0), JSON.stringify(s));
    const sorted = [...s].sort((a, b) => b.score - a.score);
    assert.deepEqual(codes(s), codes(sorted), 'best first');
  });

  it('"edilizia" finds both edilizia nodes by stem (edilizia, edilizie)', async () => {
    const s = await suggest('edilizia');
    assert.deepEqual(codes(s).slice(0, 2).sort(), ['VI/3', 'VI/4']);
    assert.ok(!codes(s).includes('VIII/4'));
    assert.deepEqual(
      codes(await suggest('EDILIZIO'))
        .slice(0, 2)
        .sort(),
      ['VI/3', 'VI/4'],
      'case and ending ignored',
    );
  });

  it('accents are ignored both ways', async () => {
    const accented = await suggest('attività artigianali');
    const plain = await suggest('attivita artigianali');
    assert.equal(accented[0]?.node.fullCode, 'VIII/2');
    assert.deepEqual(codes(plain), codes(accented));
    assert.deepEqual(
      plain.map((x) => x.score),
      accented.map((x) => x.score),
    );
    // The Italian stemmer alone cuts "qualita" to "qual" but "qualità" to "qualit": only
    // removing the accent first makes them meet.
    assert.deepEqual(codes(await suggest('qualita')), ['I/7']);
    assert.deepEqual(codes(await suggest('QUALITÀ')), ['I/7']);
    // "Attività politica" is written with an accent; an unaccented query finds it.
    assert.equal((await suggest('attivita politica'))[0]?.node.fullCode, 'I/6');
  });

  it('variants count: "permessi di costruire" and "appalto lavori" find their nodes', async () => {
    const permesso = await suggest('permessi di costruire');
    assert.equal(permesso[0]?.node.fullCode, 'VI/3');
    assert.equal(permesso[0]?.matchedIndexTerm, 'Licenze edilizie');
    assert.equal((await suggest('appalto dei lavori'))[0]?.node.fullCode, 'VI/5');
  });

  it('leaves only; nothing for stopwords, unknown words, or a day without a titolario in force', async () => {
    const all = await suggest('attività');
    assert.ok(codes(all).includes('VIII'), 'the titolo matches too');
    const leaves = await suggest('attività', { leavesOnly: true });
    assert.ok(!codes(leaves).includes('VIII'));
    assert.ok(leaves.every((x) => x.node.leaf));
    assert.deepEqual(await suggest('di e per il'), []);
    assert.deepEqual(await suggest('zzzxxy'), []);
    assert.deepEqual(await suggest('licenze edilizie', { at: '2026-12-31' }), []);
  });

  it('bad input is typed; another AOO sees nothing', async () => {
    const r = await lettore.request(ClassificationSuggestionsDocument, {
      aooId: ids.aooId,
      text: ' ',
      at: null,
      first: 5,
      leavesOnly: false,
    });
    assert.equal(errorCode(r), 'BAD_USER_INPUT');
    const tooMany = await lettore.request(ClassificationSuggestionsDocument, {
      aooId: ids.aooId,
      text: 'edilizia',
      at: null,
      first: 21,
      leavesOnly: false,
    });
    assert.equal(errorCode(tooMany), 'BAD_USER_INPUT');
    const admin = await env.asUser('admin');
    const second = await createSecondAoo(admin);
    await createMember(admin, second.aooId, second.uorId, 'altrove.lettore', 'READ_ONLY');
    const outsider = await env.asUser('altrove.lettore');
    const hidden = await outsider.request(ClassificationSuggestionsDocument, {
      aooId: ids.aooId,
      text: 'edilizia',
      at: '2027-03-01',
      first: 5,
      leavesOnly: false,
    });
    const missing = await outsider.request(ClassificationSuggestionsDocument, {
      aooId: randomUUID(),
      text: 'edilizia',
      at: '2027-03-01',
      first: 5,
      leavesOnly: false,
    });
    assert.equal(errorCode(hidden), 'NOT_FOUND');
    assert.equal(errorCode(missing), 'NOT_FOUND');
  });
});
