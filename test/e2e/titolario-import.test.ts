import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ImportTitolarioDocument,
  TitolarioExportDocument,
  TitolarioNodesDocument,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Import and export (JSON and CSV): an import with errors imports nothing and reports every
 * error with its line and field; an export imported again gives the same export.
 */
describe('titolario import and export', () => {
  const clock = new SettableClock('2026-04-20T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let original: string;

  const CSV = [
    'kind,fullCode,description,term,variants',
    'node,I,Amministrazione generale,,',
    'node,I/1,"Legislazione, circolari esplicative",,',
    'node,VI,Pianificazione e gestione del territorio,,',
    'node,VI/3,Edilizia privata,,',
    'indexTerm,VI/3,,Licenze edilizie,concessione edilizia|permesso di costruire',
    'indexTerm,VI/3,,"Abusi ""edilizi""",',
    'node,VI/3/1,"Permessi di costruire; SCIA",,',
    'node,VI/10,Protezione civile,,',
    'node,VI/2,Pianificazione territoriale,,',
    '',
  ].join('\r\n');

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
  });
  after(async () => {
    await env?.close();
  });

  async function importText(format: 'JSON' | 'CSV', content: string, validFrom: string, client = rgd) {
    return client.request(ImportTitolarioDocument, {
      input: { aooId: ids.aooId, label: `Importato ${validFrom}`, validFrom, format, content },
    });
  }
  const exported = async (versionId: string, format: 'JSON' | 'CSV') =>
    (await rgd.data(TitolarioExportDocument, { versionId, format })).titolarioExport;
  /** The export without its header (label, validFrom, state differ between versions). */
  const body = (json: string) => json.slice(json.indexOf('"nodes"'));

  it('imports a CSV file (quoted fields with commas, semicolons and quotes) as a new draft', async () => {
    const r = await importText('CSV', CSV, '2027-01-01');
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    original = r.data?.importTitolario.id ?? '';
    assert.equal(r.data?.importTitolario.state, 'DRAFT');
    assert.equal(r.data?.importTitolario.nodeCount, 7);
    const nodes = await rgd.data(TitolarioNodesDocument, { versionId: original, first: 100 });
    assert.deepEqual(
      nodes.titolarioVersion.nodes.edges.map((e) => [e.node.fullCode, e.node.description, e.node.leaf]),
      [
        ['I', 'Amministrazione generale', false],
        ['I/1', 'Legislazione, circolari esplicative', true],
        ['VI', 'Pianificazione e gestione del territorio', false],
        ['VI/2', 'Pianificazione territoriale', true],
        ['VI/3', 'Edilizia privata', false],
        ['VI/3/1', 'Permessi di costruire; SCIA', true],
        ['VI/10', 'Protezione civile', true],
      ],
    );
    const terms = nodes.titolarioVersion.nodes.edges.find((e) => e.node.fullCode === 'VI/3')?.node.indexTerms;
    assert.deepEqual(
      terms?.map((t) => [t.term, t.variants]),
      [
        ['Abusi "edilizi"', []],
        ['Licenze edilizie', ['concessione edilizia', 'permesso di costruire']],
      ],
    );
  });

  it('an export imported again exports the same, in JSON and in CSV', async () => {
    const json = await exported(original, 'JSON');
    assert.ok(json.includes('"format": "titolario"'));
    assert.doesNotThrow(() => JSON.parse(json) as unknown, 'the JSON export is JSON');
    const fromJson = await importText('JSON', json, '2028-01-01');
    assert.equal(fromJson.errors, undefined, JSON.stringify(fromJson.errors));
    const again = fromJson.data?.importTitolario.id ?? '';
    assert.equal(body(await exported(again, 'JSON')), body(json));

    const csv = await exported(original, 'CSV');
    const fromCsv = await importText('CSV', csv, '2029-01-01');
    assert.equal(fromCsv.errors, undefined, JSON.stringify(fromCsv.errors));
    const third = fromCsv.data?.importTitolario.id ?? '';
    assert.equal(await exported(third, 'CSV'), csv);
    assert.equal(body(await exported(third, 'JSON')), body(json), 'CSV and JSON carry the same titolario');
    // Semicolons, as an Italian spreadsheet saves it.
    const semicolons = 'kind;fullCode;description;term;variants\nnode;I;Amministrazione generale;;\n';
    const r = await importText('CSV', semicolons, '2030-01-01');
    assert.equal(r.data?.importTitolario.nodeCount, 1, JSON.stringify(r.errors));
  });

  async function snapshot(): Promise<string> {
    const rows = await sql<{ v: string; n: string; t: string; a: string }>(
      env,
      `select (select count(*) from titolario_version) as v, (select count(*) from titolario_node) as n,
              (select count(*) from titolario_index_term) as t, (select count(*) from audit_event) as a`,
    );
    return JSON.stringify(rows);
  }

  const problems = (r: GraphqlResponse<unknown>) =>
    (
      r.errors?.[0]?.extensions?.['errors'] as
        Array<{ line: number; field: string; message: string }> | undefined
    )?.map((p) => `${p.line} ${p.field}`);

  it('a JSON import with errors imports nothing and reports every error with line and field', async () => {
    const before = await snapshot();
    const content = [
      '{',
      '  "format": "titolario",',
      '  "nodes": [',
      '    { "fullCode": "I", "description": "Amministrazione generale" },',
      '    { "fullCode": "I/1", "description": "   " },',
      '    { "fullCode": "XL", "description": "Titolo inesistente" },',
      '    { "fullCode": "I/x", "description": "Codice non numerico" },',
      '    { "fullCode": "I", "description": "Doppione" },',
      '    { "fullCode": "IV/2", "description": "Senza padre" },',
      '    {',
      '      "fullCode": "I/2",',
      '      "description": "Con voci",',
      '      "colour": "red",',
      '      "indexTerms": [',
      '        { "term": "" },',
      '        { "term": "Statuto", "variants": ["a|b", 3] }',
      '      ]',
      '    }',
      '  ]',
      '}',
    ].join('\n');
    const r = await importText('JSON', content, '2031-01-01');
    assert.equal(errorCode(r), 'TITOLARIO_IMPORT_INVALID');
    assert.equal(r.errors?.[0]?.extensions?.['field'], 'content');
    assert.deepEqual(problems(r), [
      '5 description',
      '6 fullCode',
      '7 fullCode',
      '8 fullCode',
      '9 fullCode',
      '10 colour',
      '15 term',
      '16 variants',
      '16 variants',
    ]);
    assert.equal(await snapshot(), before, 'no version, node, index term or audit row was written');
  });

  it('a CSV import with errors imports nothing and reports every error with line and field', async () => {
    const before = await snapshot();
    const content = [
      'kind,fullCode,description,term,variants',
      'node,I,Amministrazione generale,,',
      'node,I/1,"Una descrizione',
      'su due righe",,',
      'node,I/0,Codice zero,,',
      'nodo,I/2,Tipo sbagliato,,',
      'indexTerm,IX/1,,Voce orfana,',
      'indexTerm,I,,,',
      'node,I,Doppione,,',
      'node,I/3,Troppi,campi,,,',
    ].join('\n');
    const r = await importText('CSV', content, '2031-01-01');
    assert.equal(errorCode(r), 'TITOLARIO_IMPORT_INVALID');
    // The quoted field over lines 3-4 is one record: the lines after it keep their numbers.
    assert.deepEqual(problems(r), [
      '3 description',
      '5 fullCode',
      '6 kind',
      '7 fullCode',
      '8 term',
      '9 fullCode',
      '10 (row)',
    ]);
    const header = await importText('CSV', 'kind,code,description\nnode,I,x\n', '2031-01-01');
    assert.deepEqual(problems(header), ['1 fullCode', '1 term', '1 code']);
    const syntax = await importText(
      'JSON',
      '{\n  "nodes": [\n    { "fullCode": "I", }\n  ]\n}',
      '2031-01-01',
    );
    assert.deepEqual(problems(syntax), ['3 (syntax)']);
    const empty = await importText('JSON', '{ "nodes": [] }', '2031-01-01');
    assert.deepEqual(problems(empty), ['1 nodes']);
    assert.equal(await snapshot(), before);
  });

  it('only TITOLARIO_MANAGE imports; another AOO sees neither import nor export', async () => {
    const protocollista = await env.asUser('protocollista');
    const refused = await importText('CSV', CSV, '2032-01-01', protocollista);
    assert.equal(errorCode(refused), 'FORBIDDEN');
    const second = await createSecondAoo(await env.asUser('admin'));
    await createMember(
      await env.asUser('admin'),
      second.aooId,
      second.uorId,
      'altrove.admin',
      'SYSTEM_ADMIN',
    );
    const outsider = await env.asUser('altrove.admin');
    assert.equal(errorCode(await importText('CSV', CSV, '2032-01-01', outsider)), 'NOT_FOUND');
    const r = await outsider.request(TitolarioExportDocument, { versionId: original, format: 'CSV' });
    assert.equal(errorCode(r), 'NOT_FOUND');
    const draftHidden = await protocollista.request(TitolarioExportDocument, {
      versionId: original,
      format: 'JSON',
    });
    assert.equal(errorCode(draftHidden), 'NOT_FOUND', 'a draft is exported only to managers');
  });
});
