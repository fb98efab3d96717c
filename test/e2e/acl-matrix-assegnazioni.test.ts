import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AssignRpaDocument,
  CreateUorDocument,
  DeactivateUserDocument,
  RecordWorkflowDocument,
  RegisterProtocolDocument,
  RejectAssignmentDocument,
  ReturnAssignmentDocument,
  SmistaProtocolDocument,
  TakeInChargeDocument,
  TransferAssignmentDocument,
  UpdateUorDocument,
} from '../../clients/sdk/generated/graphql.js';
import { WORKFLOW_ASSIGN, WORKFLOW_DISPATCH, WORKFLOW_HANDLE } from '../../schema/assegnazioni/index.js';
import {
  actors,
  covers,
  PLACES,
  readsDocs,
  runMatrix,
  whereOf,
  type Actor,
  type Place,
  type Where,
} from '../harness/acl-actors.js';
import { comparable, demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The ACL matrix of the assignment workflow: every actor × every workflow operation × where the
 * registration's competence lies (RAG and TEC of the demo AOO, the other AOO). Expectations follow
 * from the permissions' profiles and scopes, the UOR tree and the offices' heads: smistamento
 * needs WORKFLOW_DISPATCH over the AOO; assignment the head of the office or WORKFLOW_ASSIGN over
 * it; rigetto and transfer the head, WORKFLOW_HANDLE over it or the assignment's RPA; presa in
 * carico and restituzione the RPA only; all of them on a registration the caller sees (otherwise
 * NOT_FOUND, exactly like a missing id). Each call runs on a fresh registration.
 */
describe('ACL matrix: assegnazioni', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let otherAoo: { aooId: string; uorId: string };
  /** A second office of the other AOO: where its registrations are transferred or suggested. */
  let otherSecondUor = '';
  const clients = new Map<string, GraphqlClient>();
  const c = (username: string): GraphqlClient => {
    const client = clients.get(username);
    assert.ok(client, username);
    return client;
  };
  /** Who registers, sends and assigns on each side (the other AOO's protocollista heads its office). */
  const registrar: Record<Where, string> = { demo: 'rgd', other: 'altrove.protocollo' };
  /** The RPA named on each place's assignments: works in that office. */
  const rpaOf: Record<Place, string> = { RAG: 'lettore', TEC: 'rpa.tecnico', other: 'altrove.protocollo' };
  /** The heads of the places' offices (TEC's in the demo, the other AOO's office in the test). */
  const headOf: Record<Place, string | null> = { RAG: null, TEC: 'rpa.tecnico', other: 'altrove.protocollo' };
  const officeOf = (p: Place) => (p === 'other' ? otherAoo.uorId : (ids.uor[p] ?? ''));
  const elsewhere = (p: Place) =>
    p === 'other' ? otherSecondUor : (ids.uor[p === 'RAG' ? 'TRIB' : 'LLPP'] ?? '');
  const userId = async (username: string) =>
    (await sql<{ id: string }>(env, 'select id from app_user where username = $1', [username]))[0]?.id ?? '';

  /** A registration of the place's office (its draft made directly), not yet sent. */
  async function newRecord(place: Place, means?: string): Promise<string> {
    const who = registrar[whereOf(place)];
    const [row] = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Lettera della matrice',
                (select id from app_user where username = $2)
           from uor u where u.id = $1 returning id, created_by),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'lettera.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', doc.created_by
           from doc, lateral (select encode(sha256(doc.id::text::bytea), 'hex') as h) x returning id)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), doc.id, f.id, 0, 1, doc.created_by from doc, f returning document_id as id`,
      [officeOf(place), who],
    );
    assert.ok(row);
    const r = await c(who).data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: row.id,
        oggetto: 'Lettera della matrice',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Luca', cognome: 'Neri' }],
        ...(means ? { meansOfTransmission: means } : {}),
      },
    });
    return r.registerProtocol.id;
  }

  /** A fresh competence of the place's office: sent, and assigned to the place's RPA when asked. */
  async function newAssignment(place: Place, opts: { assigned?: boolean; paper?: boolean } = {}) {
    const who = registrar[whereOf(place)];
    const recordId = await newRecord(place, opts.paper ? 'POSTA' : undefined);
    const sent = await c(who).data(SmistaProtocolDocument, {
      input: { recordId, competenza: [officeOf(place)] },
    });
    const assignmentId = sent.smistaProtocol.assignments[0]?.id ?? '';
    if (opts.assigned) {
      await c(who).data(AssignRpaDocument, { input: { assignmentId, rpaId: await userId(rpaOf[place]) } });
    }
    return { recordId, assignmentId };
  }

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    otherAoo = await createSecondAoo(admin);
    otherSecondUor = (
      await admin.data(CreateUorDocument, {
        input: { aooId: otherAoo.aooId, code: 'RAG', name: 'Ragioneria' },
      })
    ).createUor.id;
    await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'amministratore', 'SYSTEM_ADMIN');
    const altrove = await createMember(
      admin,
      otherAoo.aooId,
      otherAoo.uorId,
      'altrove.protocollo',
      'PROTOCOLLISTA',
    );
    await admin.data(UpdateUorDocument, { id: otherAoo.uorId, input: { headId: altrove } });
    const gone = await createMember(admin, ids.aooId, ids.uor['SEG'] ?? '', 'dimesso', 'RGD');
    for (const a of actors) clients.set(a.username, await env.asUser(a.username));
    // Deactivated after its token was issued: the token stops working at once.
    await admin.data(DeactivateUserDocument, { id: gone });
  });
  after(async () => {
    await env.close();
  });

  const isHead = (a: Actor, p: Place) => !a.deactivated && headOf[p] === a.username;
  const isRpa = (a: Actor, p: Place) => !a.deactivated && rpaOf[p] === a.username;

  interface Op {
    name: string;
    expected(a: Actor, p: Place): boolean;
    run(client: GraphqlClient, p: Place): Promise<boolean>;
  }

  const ops: Op[] = [
    {
      name: 'smistaProtocol',
      expected: (a, p) => readsDocs(a, p) && covers(a, WORKFLOW_DISPATCH, p),
      run: async (client, p) => {
        const recordId = await newRecord(p);
        const r = await client.request(SmistaProtocolDocument, {
          input: { recordId, competenza: [officeOf(p)] },
        });
        return r.data?.smistaProtocol.assignments.length === 1;
      },
    },
    {
      name: 'nested ProtocolRecord.assignments and .workflow',
      expected: readsDocs,
      run: async (client, p) => {
        const { recordId, assignmentId } = await newAssignment(p);
        const r = await client.request(RecordWorkflowDocument, { id: recordId });
        return (
          r.data?.protocolRecord.assignments[0]?.id === assignmentId &&
          r.data.protocolRecord.workflow[0]?.action === 'SMISTAMENTO'
        );
      },
    },
    {
      name: 'assignRpa',
      expected: (a, p) => readsDocs(a, p) && (covers(a, WORKFLOW_ASSIGN, p) || isHead(a, p)),
      run: async (client, p) => {
        const { assignmentId } = await newAssignment(p);
        const r = await client.request(AssignRpaDocument, {
          input: { assignmentId, rpaId: await userId(rpaOf[p]) },
        });
        return r.data?.assignRpa.state === 'IN_CARICO';
      },
    },
    {
      name: 'takeInCharge',
      expected: (a, p) => readsDocs(a, p) && isRpa(a, p),
      run: async (client, p) => {
        const { assignmentId } = await newAssignment(p, { assigned: true, paper: true });
        const r = await client.request(TakeInChargeDocument, { assignmentId });
        return r.data?.takeInCharge.state === 'IN_CARICO';
      },
    },
    {
      name: 'rejectAssignment',
      expected: (a, p) => readsDocs(a, p) && (covers(a, WORKFLOW_HANDLE, p) || isHead(a, p) || isRpa(a, p)),
      run: async (client, p) => {
        const { assignmentId } = await newAssignment(p, { assigned: true });
        const r = await client.request(RejectAssignmentDocument, {
          input: { assignmentId, note: 'Non di competenza', suggestedUorId: elsewhere(p) },
        });
        return r.data?.rejectAssignment.state === 'RIGETTATO';
      },
    },
    {
      name: 'transferAssignment',
      expected: (a, p) => readsDocs(a, p) && (covers(a, WORKFLOW_HANDLE, p) || isHead(a, p) || isRpa(a, p)),
      run: async (client, p) => {
        const { assignmentId } = await newAssignment(p, { assigned: true });
        const r = await client.request(TransferAssignmentDocument, {
          input: { assignmentId, toUorId: elsewhere(p) },
        });
        return r.data?.transferAssignment.state === 'DA_ASSEGNARE';
      },
    },
    {
      name: 'returnAssignment',
      expected: (a, p) => readsDocs(a, p) && isRpa(a, p),
      run: async (client, p) => {
        const { assignmentId } = await newAssignment(p, { assigned: true });
        const r = await client.request(ReturnAssignmentDocument, {
          input: { assignmentId, note: 'Da riassegnare' },
        });
        return r.data?.returnAssignment.state === 'DA_ASSEGNARE';
      },
    },
  ];

  for (const op of ops) {
    it(op.name, async () => {
      const { mismatches, allowed } = await runMatrix(
        PLACES,
        (a, target) => op.run(c(a.username), target),
        (a, target) => op.expected(a, target),
        // Every call makes its own record and assignment: the cases cannot meet.
        { concurrency: 6 },
      );
      assert.deepEqual(mismatches, []);
      assert.ok(allowed > 0, 'someone may do it');
    });
  }

  it('refusals are typed: FORBIDDEN where the record is seen, NOT_FOUND (like a missing id) where it is not, ASSIGNMENT_NOT_RPA for the RPA-only steps', async () => {
    const { assignmentId } = await newAssignment('RAG', { assigned: true, paper: true });
    const missing = randomUUID();
    // The protocollista sees RAG's record but neither assigns nor handles it, nor is its RPA.
    const seer = c('protocollista');
    const rpaId = await userId('lettore');
    assert.equal(
      errorCode(await seer.request(AssignRpaDocument, { input: { assignmentId, rpaId } })),
      'FORBIDDEN',
    );
    assert.equal(
      errorCode(
        await seer.request(TransferAssignmentDocument, {
          input: { assignmentId, toUorId: elsewhere('RAG') },
        }),
      ),
      'FORBIDDEN',
    );
    assert.equal(errorCode(await seer.request(TakeInChargeDocument, { assignmentId })), 'ASSIGNMENT_NOT_RPA');
    assert.equal(
      errorCode(await seer.request(ReturnAssignmentDocument, { input: { assignmentId, note: 'x' } })),
      'ASSIGNMENT_NOT_RPA',
    );
    // The RPA of TEC does not see RAG's record: every step answers as for a missing assignment.
    const blind = c('rpa.tecnico');
    for (const run of [
      (id: string) => blind.request(AssignRpaDocument, { input: { assignmentId: id, rpaId } }),
      (id: string) => blind.request(TakeInChargeDocument, { assignmentId: id }),
      (id: string) =>
        blind.request(RejectAssignmentDocument, {
          input: { assignmentId: id, note: 'x', suggestedUorId: elsewhere('RAG') },
        }),
      (id: string) =>
        blind.request(TransferAssignmentDocument, { input: { assignmentId: id, toUorId: elsewhere('RAG') } }),
      (id: string) => blind.request(ReturnAssignmentDocument, { input: { assignmentId: id, note: 'x' } }),
    ]) {
      const [hidden, none] = [await run(assignmentId), await run(missing)];
      assert.equal(errorCode(hidden), 'NOT_FOUND');
      assert.equal(comparable(hidden.errors, assignmentId), comparable(none.errors, missing));
    }
    // Another AOO's protocollista does not send the demo AOO's registrations.
    const recordId = await newRecord('RAG');
    assert.equal(
      errorCode(
        await c('altrove.protocollo').request(SmistaProtocolDocument, {
          input: { recordId, competenza: [ids.uor['RAG'] ?? ''] },
        }),
      ),
      'NOT_FOUND',
    );
  });
});
