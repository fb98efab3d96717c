import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CloseEmergencyRegisterDocument,
  DeactivateUserDocument,
  EmergencyRegisterDocument,
  EmergencyRegistersDocument,
  ExtendEmergencyRegisterDocument,
  ImportEmergencyRecordsDocument,
  OpenEmergencyRegisterDocument,
  ProtocolRecordEmergencyDocument,
} from '../../clients/sdk/generated/graphql.js';
import { EMERGENCY_REGISTER } from '../../schema/emergenza/index.js';
import { PROTOCOL_REGISTER } from '../../schema/protocollo/index.js';
import {
  actors,
  covers,
  holds,
  readsDocs,
  runMatrix,
  type Actor,
  type Where,
} from '../harness/acl-actors.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

const WHERE: Where[] = ['demo', 'other'];

/**
 * The ACL matrix of the emergency register: every actor of test/harness/acl-actors.ts × every
 * emergency operation × the AOO (the demo one, another one). Opening, extending, closing and importing
 * need EMERGENCY_REGISTER in the register's AOO (the RGD; importing also registers in the
 * protocol, so PROTOCOL_REGISTER over the document's office and sight of the document); the
 * sessions are read by whoever sees the AOO; a record's emergency by whoever sees the record.
 */
describe('ACL matrix: emergenza', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let other: { aooId: string; uorId: string };
  const clients = new Map<string, GraphqlClient>();
  const aooOf = (w: Where) => (w === 'demo' ? ids.aooId : other.aooId);
  /** A closed session per AOO, made directly: the imports go there. */
  const closed: Partial<Record<Where, { id: string; at: string }>> = {};
  /** A record imported into each, for the reads. */
  const imported: Partial<Record<Where, string>> = {};

  const c = (username: string): GraphqlClient => {
    const client = clients.get(username);
    assert.ok(client, username);
    return client;
  };

  /**
   * Sessions follow one another without overlapping: each takes the next slot of a timeline that
   * started ten days ago (a minute long, a minute apart), well before now.
   */
  let slot = 0;
  const origin = Date.now() - 10 * 24 * 3_600_000;
  let lastStart = new Date(origin);
  const nextSlot = () => (lastStart = new Date(origin + 2 * 60_000 * slot++));

  /** A session made directly (by the AOO's first user) in the next slot, closed unless `open`. */
  async function session(w: Where, open: boolean): Promise<string> {
    // Any session left open by an earlier call is closed first (one open per AOO), a minute long.
    await sql(
      env,
      `update emergency_register set ended_at = started_at + interval '1 minute', closed_at = now(),
              closed_by = opened_by
        where aoo_id = $1 and ended_at is null`,
      [aooOf(w)],
    );
    const start = nextSlot().toISOString();
    // The register and its opening period (the first 24 hours), in one transaction; literals
    // made here (no parameters), so the statements run as one simple query.
    const id = randomUUID();
    const user = w === 'demo' ? 'rgd' : 'altrove.protocollo';
    await sql(
      env,
      `begin;
       insert into emergency_register (id, aoo_id, cause, authorisation, started_at, ended_at, opened_at, opened_by,
                                       closed_at, closed_by)
       select '${id}', '${aooOf(w)}', 'Guasto', 'Atto n. 1', '${start}'::timestamptz,
              ${open ? 'null' : `'${start}'::timestamptz + interval '1 minute'`}, now(), u.id,
              ${open ? 'null' : 'now()'}, ${open ? 'null' : 'u.id'}
         from app_user u where u.username = '${user}';
       insert into emergency_period (id, register_id, sequence, starts_at, ends_at, authorisation, recorded_at, recorded_by)
       select gen_random_uuid(), id, 1, started_at, started_at + interval '24 hours', authorisation, opened_at, opened_by
         from emergency_register where id = '${id}';
       commit;`,
    );
    return id;
  }

  /** A fresh draft with a primary file in RAG (demo, by the RGD) or the other AOO's office. */
  async function draft(w: Where): Promise<string> {
    const [row] = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Scansione',
                (select id from app_user where username = $2)
           from uor u where u.id = $1 returning id, created_by),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'scansione.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', doc.created_by
           from doc, lateral (select encode(sha256(doc.id::text::bytea), 'hex') as h) x returning id)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), doc.id, f.id, 0, 1, doc.created_by from doc, f returning document_id as id`,
      [w === 'demo' ? ids.uor['RAG'] : other.uorId, w === 'demo' ? 'rgd' : 'altrove.protocollo'],
    );
    assert.ok(row);
    return row.id;
  }

  /** The file of one record with the next emergency number of the AOO, dated at the session's end. */
  async function oneRecord(w: Where, documentId: string): Promise<string> {
    const [row] = await sql<{ n: string | null }>(
      env,
      `select max(emergency_number) as n from emergency_registration where aoo_id = $1`,
      [aooOf(w)],
    );
    return JSON.stringify({
      records: [
        {
          number: Number(row?.n ?? 0) + 1,
          at: closed[w]?.at,
          kind: 'ARRIVO',
          oggetto: 'Istanza in emergenza',
          documentId,
          correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Verdi' }],
        },
      ],
    });
  }

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'amministratore', 'SYSTEM_ADMIN');
    await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    const gone = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'dimesso', 'RGD');
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    await admin.data(DeactivateUserDocument, { id: gone });
    for (const w of WHERE) {
      const id = await session(w, false);
      const [row] = await sql<{ at: Date }>(
        env,
        'select ended_at as at from emergency_register where id = $1',
        [id],
      );
      closed[w] = { id, at: row?.at.toISOString() ?? '' };
    }
    const r = await c('rgd').data(ImportEmergencyRecordsDocument, {
      input: {
        registerId: closed.demo?.id ?? '',
        format: 'JSON',
        content: await oneRecord('demo', await draft('demo')),
      },
    });
    imported.demo = r.importEmergencyRecords.registrations[0]?.record.id;
  });
  after(async () => {
    await env.close();
  });

  const seesAoo = (a: Actor, w: Where) => !a.deactivated && (a.platformAdmin === true || a.aoo === w);
  const emergencyRight = (a: Actor, w: Where) => holds(a, w, EMERGENCY_REGISTER);

  interface Op {
    name: string;
    targets: Where[];
    expected(a: Actor, w: Where): boolean;
    run(client: GraphqlClient, w: Where): Promise<boolean>;
  }

  const ops: Op[] = [
    {
      name: 'openEmergencyRegister',
      targets: WHERE,
      expected: emergencyRight,
      run: async (client, w) => {
        await session(w, false); // closes any open one
        const r = await client.request(OpenEmergencyRegisterDocument, {
          input: {
            aooId: aooOf(w),
            cause: 'Guasto',
            startedAt: nextSlot().toISOString(),
            authorisation: 'Atto n. 2',
          },
        });
        return !r.errors;
      },
    },
    {
      name: 'closeEmergencyRegister',
      targets: WHERE,
      expected: emergencyRight,
      run: async (client, w) => {
        const id = await session(w, true);
        const r = await client.request(CloseEmergencyRegisterDocument, {
          input: { id, endedAt: new Date(lastStart.getTime() + 60_000).toISOString() },
        });
        return !r.errors;
      },
    },
    {
      // Beyond the first 24 hours only the RGD authorises further periods (001 §6.9).
      name: 'extendEmergencyRegister',
      targets: WHERE,
      expected: emergencyRight,
      run: async (client, w) => {
        const id = await session(w, true);
        const r = await client.request(ExtendEmergencyRegisterDocument, {
          input: {
            id,
            authorisation: 'Provvedimento RGD n. 3',
            until: new Date(lastStart.getTime() + 48 * 3_600_000).toISOString(),
          },
        });
        return !r.errors;
      },
    },
    {
      name: 'importEmergencyRecords',
      targets: WHERE,
      expected: (a, w) =>
        emergencyRight(a, w) &&
        readsDocs(a, w === 'demo' ? 'RAG' : 'other') &&
        covers(a, PROTOCOL_REGISTER, w === 'demo' ? 'RAG' : 'other'),
      run: async (client, w) => {
        const r = await client.request(ImportEmergencyRecordsDocument, {
          input: {
            registerId: closed[w]?.id ?? '',
            format: 'JSON',
            content: await oneRecord(w, await draft(w)),
          },
        });
        return !r.errors;
      },
    },
    {
      name: 'emergencyRegisters(aooId)',
      targets: WHERE,
      expected: seesAoo,
      run: async (client, w) => {
        const r = await client.request(EmergencyRegistersDocument, { aooId: aooOf(w) });
        return r.data?.emergencyRegisters.some((g) => g.id === closed[w]?.id) ?? false;
      },
    },
    {
      name: 'emergencyRegister(id)',
      targets: WHERE,
      expected: seesAoo,
      run: async (client, w) =>
        (await client.request(EmergencyRegisterDocument, { id: closed[w]?.id ?? '' })).data?.emergencyRegister
          .id === closed[w]?.id,
    },
    {
      name: 'ProtocolRecord.emergency (a record of RAG)',
      targets: ['demo'],
      expected: (a) => readsDocs(a, 'RAG'),
      run: async (client) => {
        const r = await client.request(ProtocolRecordEmergencyDocument, { id: imported.demo ?? '' });
        return r.data?.protocolRecord.emergency?.number === 1;
      },
    },
  ];

  for (const op of ops) {
    it(op.name, async () => {
      const { mismatches, allowed } = await runMatrix(
        op.targets,
        (a, w) => op.run(c(a.username), w),
        (a, w) => op.expected(a, w),
      );
      assert.deepEqual(mismatches, []);
      assert.ok(allowed > 0, 'someone may do it');
    });
  }
});
