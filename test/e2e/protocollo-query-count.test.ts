import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ProtocolRecordsDocument,
  RegisterProtocolBenchDocument,
  RegisterProtocolDocument,
  UpdateProtocolFieldsDocument,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Every nested field of a registration (correspondents, files, annotations, document, UOR,
 * RPA, classification, registeredBy, annulledBy) goes through a per-request DataLoader: the
 * statements a page costs do not grow with the records it returns.
 */
describe('protocollo: SQL statements per query', () => {
  const clock = new SettableClock('2029-02-01T09:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let statements = 0;
  const traced: string[] = [];

  before(async () => {
    env = await startTestEnv({ clock, env: { GRAPHQL_MAX_COST: '1000000000' } });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    const docs = await sql<{ id: string }>(
      env,
      `with docs as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza n. ' || g,
                (select id from app_user where username = 'rgd')
           from uor u, generate_series(1, 40) g where u.id = $1 returning id, created_by),
       slots as (
         select d.id as document_id, d.created_by, p, encode(sha256((d.id::text || p)::bytea), 'hex') as h
           from docs d, generate_series(0, 2) p),
       files as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from slots returning id, sha256)
       insert into document_file (id, document_id, file_id, position, version, description, created_by)
       select gen_random_uuid(), s.document_id, f.id, s.p, 1, case when s.p > 0 then 'Allegato ' || s.p end, s.created_by
         from slots s join files f on f.sha256 = s.h
       returning document_id as id`,
      [ids.uor['PROT']],
    );
    for (const [i, documentId] of [...new Set(docs.map((d) => d.id))].entries()) {
      const r = await rgd.data(RegisterProtocolDocument, {
        input: {
          kind: i % 2 ? 'PARTENZA' : 'ARRIVO',
          documentId,
          oggetto: `Istanza ${i}`,
          correspondents: [
            { kind: 'PERSONA_FISICA', nome: 'Anna', cognome: `Verdi ${i}` },
            { kind: 'AMMINISTRAZIONE_ITALIANA', denominazione: 'Regione', ipaAmministrazione: 'r_test' },
          ],
          rpaId: ids.user['rpa.ragioneria'],
          annotations: ['Nota'],
        },
      });
      if (i % 3 === 0) {
        await rgd.data(UpdateProtocolFieldsDocument, {
          input: { id: r.registerProtocol.id, uorId: ids.uor['RAG'], documentType: 'Istanza' },
        });
      }
    }
    env.platform.orm.em
      .getConnection()
      .getKnex()
      .on('query', (q: { sql: string }) => {
        statements++;
        traced.push(q.sql);
      });
  });
  after(async () => {
    await env?.close();
  });

  async function page(first: number): Promise<{ statements: number; nodes: number }> {
    statements = 0;
    const r = await rgd.data(ProtocolRecordsDocument, { first, filter: { year: 2029 } });
    return { statements, nodes: r.protocolRecords.edges.length };
  }

  it('a page of 5 and a page of 40 registrations with every nested field cost the same statements', async () => {
    const small = await page(5);
    const large = await page(40);
    assert.equal(small.nodes, 5);
    assert.equal(large.nodes, 40);
    assert.equal(large.statements, small.statements);
    // Authentication, the page, totalCount, the audited viewing, and one per nested field.
    assert.ok(small.statements <= 14, `statements: ${small.statements}`);
  });

  it('a registration (AOO without a seal, unclassified, no RPA, no annotation) costs 6 statements', async () => {
    // Its own draft with a primary file and an attachment, straight to the database.
    const [doc] = await sql<{ id: string }>(
      env,
      `with d as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza contata',
                (select id from app_user where username = 'rgd')
           from uor u where u.id = $1 returning id, created_by),
       s as (select d.id as document_id, d.created_by, p, encode(sha256((d.id::text || p)::bytea), 'hex') as h
               from d, generate_series(0, 1) p),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from s returning id, sha256)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), s.document_id, f.id, s.p, 1, s.created_by from s join f on f.sha256 = s.h
       returning document_id as id`,
      [ids.uor['PROT']],
    );
    statements = 0;
    traced.length = 0;
    // The operation bench:register sends (the record's own fields, nothing nested).
    const r = await rgd.data(RegisterProtocolBenchDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: doc?.id ?? '',
        oggetto: 'Istanza contata',
        attachmentCount: 1,
        correspondents: [
          { kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Verdi' },
          { kind: 'AMMINISTRAZIONE_ITALIANA', denominazione: 'Regione', ipaAmministrazione: 'r_test' },
        ],
      },
    });
    assert.ok(r.registerProtocol.number > 0);
    const [sealed] = await sql<{ n: string }>(
      env,
      'select count(*) as n from protocol_segnatura where record_id = $1',
      [r.registerProtocol.id],
    );
    assert.equal(
      Number(sealed?.n),
      0,
      'no seal here: the seal lookup finds none (bench:register counts a sealed one alike)',
    );
    // Authentication; BEGIN; the document (visible) with registered?, slots, files, filing,
    // classification and its AOO's seal (none); the number with the record and the document
    // PROTOCOLLATO; files, correspondents, version 1 and the audit row; COMMIT.
    assert.equal(statements, 6, traced.map((t) => t.replace(/\s+/g, ' ').slice(0, 120)).join('\n'));
  });
});
