import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AnnulProtocolDocument,
  AssignRpaDocument,
  ProtocolHistoryDocument,
  ProtocolRecordDocument,
  RecordWorkflowDocument,
  RegisterProtocolDocument,
  RejectAssignmentDocument,
  ReturnAssignmentDocument,
  SmistaProtocolDocument,
  TakeInChargeDocument,
  TransferAssignmentDocument,
  UpdateProtocolCcLinksDocument,
  UpdateUorDocument,
  type RecordWorkflowFieldsFragment,
  type SmistaProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { withClient } from '../harness/database.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The assignment workflow from the outside (DOMAIN §6, issue 12): smistamento per competenza
 * (the first office prevalent: the record's UOR) and per conoscenza (the record's CC list, which
 * shares it), RPA assignment by the head or WORKFLOW_ASSIGN, presa in carico (digital at once,
 * paper on the RPA's confirmation), rigetto (two at most, then only the RGD sends it, SQL
 * included), transfer, restituzione, the complete history, and sending under concurrency.
 */
describe('assegnazioni: the workflow', () => {
  let env: TestEnv;
  let ids: DemoIds;
  const clients: Record<string, GraphqlClient> = {};
  const c = (username: string): GraphqlClient => {
    const client = clients[username];
    assert.ok(client, username);
    return client;
  };
  const uor = (code: string): string => ids.uor[code] ?? '';
  const user = (username: string): string => ids.user[username] ?? '';

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
    const admin = await env.asUser('admin');
    // A head of office with no workflow right: the head assigns because they head the office.
    const capo = await createMember(admin, ids.aooId, uor('TRIB'), 'capo.tributi', 'READ_ONLY');
    await admin.data(UpdateUorDocument, { id: uor('TRIB'), input: { headId: capo } });
    // A clerk of LLPP (below TEC) who reads LLPP's registrations only: an RPA of TEC's.
    await createMember(admin, ids.aooId, uor('LLPP'), 'addetto.llpp', 'READ_ONLY');
    ids = await demoIds(env);
    for (const u of [
      'rgd',
      'protocollista',
      'rpa.ragioneria',
      'rpa.tecnico',
      'lettore',
      'segretario',
      'capo.tributi',
      'addetto.llpp',
    ])
      clients[u] = await env.asUser(u);
  });
  after(async () => {
    await env.close();
  });

  /** A registration of the protocol office (a draft of PROT with a file, registered by the protocollista). */
  async function register(meansOfTransmission?: string): Promise<string> {
    const [row] = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza da smistare',
                (select id from app_user where username = 'protocollista')
           from uor u where u.id = $1 returning id, created_by),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'istanza.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', doc.created_by
           from doc, lateral (select encode(sha256(doc.id::text::bytea), 'hex') as h) x returning id)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), doc.id, f.id, 0, 1, doc.created_by from doc, f returning document_id as id`,
      [uor('PROT')],
    );
    assert.ok(row);
    const r = await c('protocollista').data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: row.id,
        oggetto: 'Istanza da smistare',
        correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Bianchi' }],
        ...(meansOfTransmission ? { meansOfTransmission } : {}),
      },
    });
    return r.registerProtocol.id;
  }

  const smista = (who: string, input: SmistaProtocolInput) =>
    c(who).request(SmistaProtocolDocument, { input });
  async function sent(recordId: string, ...competenza: string[]): Promise<RecordWorkflowFieldsFragment> {
    return (
      await c('protocollista').data(SmistaProtocolDocument, {
        input: { recordId, competenza: competenza.map(uor) },
      })
    ).smistaProtocol;
  }
  const assignmentOf = (r: RecordWorkflowFieldsFragment, code: string, state?: string) => {
    const a = r.assignments.find((x) => x.uor?.code === code && (state === undefined || x.state === state));
    assert.ok(a, `an assignment of ${code}`);
    return a;
  };
  const workflow = async (recordId: string) =>
    (await c('rgd').data(RecordWorkflowDocument, { id: recordId })).protocolRecord;
  const reads = async (who: string, recordId: string) =>
    (await c(who).request(ProtocolRecordDocument, { id: recordId })).data?.protocolRecord?.id === recordId;
  const codeOf = (r: GraphqlResponse<unknown>) => errorCode(r);

  it('smistamento to two offices: the first prevalent gives the record its UOR (a managed-field version), both offices see it', async () => {
    const id = await register();
    assert.equal(await reads('rpa.tecnico', id), false, 'TEC does not see a PROT record before');
    const before = await workflow(id);
    const r = await sent(id, 'RAG', 'TEC');
    assert.equal(r.uor?.code, 'RAG');
    assert.equal(r.version, before.version + 1);
    assert.deepEqual(
      r.assignments.map((a) => [a.uor?.code, a.prevalent, a.state, a.rpa]),
      [
        ['RAG', true, 'DA_ASSEGNARE', null],
        ['TEC', false, 'DA_ASSEGNARE', null],
      ],
    );
    const history = (await c('rgd').data(ProtocolHistoryDocument, { id })).protocolHistory;
    const last = history.find((v) => v.version === r.version);
    assert.ok(last, 'the version of the smistamento');
    assert.equal(last.uorId, uor('RAG'));
    assert.deepEqual(
      last.changes.map((ch) => [ch.field, ch.previous, ch.value]),
      [['uorId', uor('PROT'), uor('RAG')]],
    );
    assert.equal(last.changedBy?.username, 'protocollista');
    assert.equal(await reads('rpa.tecnico', id), true, 'the non-prevalent office sees it too');
    assert.equal(await reads('lettore', id), true);
    // A second smistamento adds an office; the prevalent stays.
    const again = await sent(id, 'TRIB');
    assert.equal(again.uor?.code, 'RAG');
    assert.equal(assignmentOf(again, 'TRIB').prevalent, false);
    assert.equal(again.version, r.version, 'no managed field changed: no version');
    // The same office again is refused.
    assert.equal(
      codeOf(await smista('protocollista', { recordId: id, competenza: [uor('TEC')] })),
      'ASSIGNMENT_ALREADY_ACTIVE',
    );
  });

  it('conoscenza: the entries land in the CC list, their recipients read the record; removing the entry or ending the competence ends it', async () => {
    const id = await register();
    assert.equal(await reads('rpa.tecnico', id), false);
    assert.equal(await reads('lettore', id), false);
    const r = (
      await c('protocollista').data(SmistaProtocolDocument, {
        input: {
          recordId: id,
          conoscenza: [{ uorId: uor('TEC') }, { userId: user('lettore') }],
          note: 'Per conoscenza',
        },
      })
    ).smistaProtocol;
    assert.deepEqual(
      r.cc.map((e) => [e.uorId ?? null, e.userId ?? null]),
      [
        [uor('TEC'), null],
        [null, user('lettore')],
      ],
    );
    assert.deepEqual(r.assignments, [], 'CC is no competence');
    assert.deepEqual(
      r.workflow.map((s) => [s.action, s.toUor?.code ?? null, s.toUser?.username ?? null, s.note]),
      [
        ['CONOSCENZA', 'TEC', null, 'Per conoscenza'],
        ['CONOSCENZA', null, 'lettore', 'Per conoscenza'],
      ],
    );
    assert.equal(await reads('rpa.tecnico', id), true, 'the office in CC reads it');
    assert.equal(await reads('lettore', id), true, 'the user in CC reads it');
    assert.equal(await reads('rpa.ragioneria', id), false, 'others still do not');
    // Sending the same CC again adds nothing.
    const same = (
      await c('protocollista').data(SmistaProtocolDocument, {
        input: { recordId: id, conoscenza: [{ uorId: uor('TEC') }] },
      })
    ).smistaProtocol;
    assert.equal(same.workflow.length, 2);
    assert.equal(same.version, r.version);
    // Bad entries are named where the caller gave them (conoscenza), not in the record's CC list.
    const unknown = await smista('protocollista', {
      recordId: id,
      conoscenza: [{ uorId: uor('LLPP') }, { userId: randomUUID() }],
    });
    assert.equal(codeOf(unknown), 'BAD_USER_INPUT');
    assert.equal(unknown.errors?.[0]?.extensions?.['field'], 'input.conoscenza.1.userId');
    assert.match(unknown.errors?.[0]?.message ?? '', /^input\.conoscenza\.1\.userId: /);
    const twice = await smista('protocollista', {
      recordId: id,
      conoscenza: [{ uorId: uor('LLPP') }, { uorId: uor('LLPP') }],
    });
    assert.equal(codeOf(twice), 'PROTOCOL_CC_DUPLICATE');
    assert.equal(twice.errors?.[0]?.extensions?.['field'], 'input.conoscenza.1');
    const both = await smista('protocollista', {
      recordId: id,
      conoscenza: [{ uorId: uor('LLPP'), userId: user('lettore') }],
    });
    assert.equal(both.errors?.[0]?.extensions?.['field'], 'input.conoscenza.0');
    assert.equal((await workflow(id)).workflow.length, 2, 'nothing sent');
    // The CC entry removed: the share ends.
    await c('rgd').data(UpdateProtocolCcLinksDocument, { input: { id, cc: [{ userId: user('lettore') }] } });
    assert.equal(await reads('rpa.tecnico', id), false, 'CC removed: TEC no longer reads it');
    assert.equal(await reads('lettore', id), true);

    // An ended competence ends the office's view (transfer TEC → LLPP, rigetto of RAG).
    const other = await register();
    const s = await sent(other, 'RAG', 'TEC');
    assert.equal(await reads('rpa.tecnico', other), true);
    await c('rpa.tecnico').data(TransferAssignmentDocument, {
      input: { assignmentId: assignmentOf(s, 'TEC').id, toUorId: uor('TRIB') },
    });
    assert.equal(await reads('rpa.tecnico', other), false, 'transferred away: TEC no longer reads it');
    assert.equal(await reads('capo.tributi', other), true, 'TRIB reads it');
    assert.equal(await reads('lettore', other), true);
    await c('rpa.ragioneria').data(RejectAssignmentDocument, {
      input: {
        assignmentId: assignmentOf(s, 'RAG').id,
        note: 'Non di competenza',
        suggestedUorId: uor('LLPP'),
      },
    });
    assert.equal(await reads('lettore', other), false, 'rejected: RAG no longer reads it');
  });

  it('assignment: by the head of the office or WORKFLOW_ASSIGN over it, never by others; the RPA works in the office or below', async () => {
    const id = await register();
    const r = await sent(id, 'TRIB', 'RAG', 'TEC', 'LLPP', 'SEG');
    // Listed in the order named (sent at the same instant): the first is the prevalent.
    assert.deepEqual(
      r.assignments.map((a) => [a.uor?.code, a.prevalent]),
      [
        ['TRIB', true],
        ['RAG', false],
        ['TEC', false],
        ['LLPP', false],
        ['SEG', false],
      ],
    );
    const trib = assignmentOf(r, 'TRIB').id;
    const rag = assignmentOf(r, 'RAG').id;
    // The protocollista sends but does not assign; the head of TEC does not assign for RAG.
    for (const [who, assignmentId, rpaId] of [
      ['protocollista', rag, user('lettore')],
      ['rpa.tecnico', rag, user('lettore')],
      ['lettore', rag, user('lettore')],
      ['capo.tributi', rag, user('lettore')],
    ] as const) {
      const refused = await c(who).request(AssignRpaDocument, { input: { assignmentId, rpaId } });
      assert.equal(codeOf(refused), 'FORBIDDEN', who);
    }
    // The RPA must work in the office or one below it.
    const outside = await c('rpa.ragioneria').request(AssignRpaDocument, {
      input: { assignmentId: rag, rpaId: user('rpa.tecnico') },
    });
    assert.equal(codeOf(outside), 'BAD_USER_INPUT');
    assert.equal(outside.errors?.[0]?.extensions?.['field'], 'input.rpaId');
    // WORKFLOW_ASSIGN over RAG (the RPA of FIN, whose subtree holds it): the reader of RAG.
    const byRight = await c('rpa.ragioneria').data(AssignRpaDocument, {
      input: { assignmentId: rag, rpaId: user('lettore'), note: 'A te' },
    });
    assert.equal(byRight.assignRpa.rpa?.username, 'lettore');
    // The head of TRIB, with no workflow right, assigns in TRIB (himself).
    const byHead = await c('capo.tributi').data(AssignRpaDocument, {
      input: { assignmentId: trib, rpaId: user('capo.tributi') },
    });
    assert.equal(byHead.assignRpa.rpa?.username, 'capo.tributi');
    // The prevalent assignment's RPA is the record's (a version); the others' are not.
    const after = await workflow(id);
    assert.equal(after.uor?.code, 'TRIB');
    assert.equal(after.rpa?.username, 'capo.tributi');
    assert.equal(after.version, r.version + 1);
    // The RGD (WORKFLOW_ASSIGN over the AOO) assigns anywhere; a user of an office above is refused.
    const tec = assignmentOf(r, 'TEC').id;
    assert.equal(
      codeOf(
        await c('rgd').request(AssignRpaDocument, {
          input: { assignmentId: tec, rpaId: user('rpa.ragioneria') },
        }),
      ),
      'BAD_USER_INPUT',
    );
    await c('rgd').data(AssignRpaDocument, { input: { assignmentId: tec, rpaId: user('rpa.tecnico') } });
  });

  it('presa in carico: a digital record is IN_CARICO at assignment (takenAt = assignedAt), a paper one waits for its RPA; a CC recipient or another user cannot take it', async () => {
    const digital = await sent(await register(), 'RAG');
    const d = (
      await c('rpa.ragioneria').data(AssignRpaDocument, {
        input: { assignmentId: assignmentOf(digital, 'RAG').id, rpaId: user('lettore') },
      })
    ).assignRpa;
    assert.equal(d.state, 'IN_CARICO');
    assert.equal(d.paper, false);
    assert.ok(d.assignedAt);
    assert.equal(d.takenAt, d.assignedAt);
    const steps = (await workflow(digital.id)).workflow.map((s) => [s.action, s.toUser?.username ?? null]);
    assert.deepEqual(steps.slice(-2), [
      ['ASSEGNAZIONE', 'lettore'],
      ['PRESA_IN_CARICO', 'lettore'],
    ]);
    assert.equal(
      codeOf(await c('lettore').request(TakeInChargeDocument, { assignmentId: d.id })),
      'ASSIGNMENT_STATE',
      'already in charge',
    );

    const paperId = await register('POSTA');
    const paper = (
      await c('protocollista').data(SmistaProtocolDocument, {
        input: { recordId: paperId, competenza: [uor('TEC')], conoscenza: [{ userId: user('lettore') }] },
      })
    ).smistaProtocol;
    const a = assignmentOf(paper, 'TEC');
    assert.equal(a.paper, true);
    const assigned = (
      await c('rpa.tecnico').data(AssignRpaDocument, {
        input: { assignmentId: a.id, rpaId: user('rpa.tecnico') },
      })
    ).assignRpa;
    assert.equal(assigned.state, 'ASSEGNATO');
    assert.equal(assigned.takenAt, null);
    // The CC recipient reads the record but never takes it in charge; nor does the RGD.
    assert.equal(await reads('lettore', paperId), true);
    assert.equal(
      codeOf(await c('lettore').request(TakeInChargeDocument, { assignmentId: a.id })),
      'ASSIGNMENT_NOT_RPA',
    );
    assert.equal(
      codeOf(await c('rgd').request(TakeInChargeDocument, { assignmentId: a.id })),
      'ASSIGNMENT_NOT_RPA',
    );
    const taken = (await c('rpa.tecnico').data(TakeInChargeDocument, { assignmentId: a.id })).takeInCharge;
    assert.equal(taken.state, 'IN_CARICO');
    assert.ok(taken.takenAt && taken.assignedAt && taken.takenAt >= taken.assignedAt);
    // A user who sees nothing of the record finds no assignment.
    assert.equal(
      codeOf(await c('rpa.ragioneria').request(TakeInChargeDocument, { assignmentId: a.id })),
      'NOT_FOUND',
    );
  });

  it('the RPA reads the record assigned to them even from an office below; a new RPA, restituzione or the end of the competence ends that', async () => {
    const id = await register('POSTA');
    const r = await sent(id, 'TEC');
    const tec = assignmentOf(r, 'TEC').id;
    assert.equal(await reads('addetto.llpp', id), false, 'LLPP does not read TEC records');
    await c('rpa.tecnico').data(AssignRpaDocument, {
      input: { assignmentId: tec, rpaId: user('addetto.llpp') },
    });
    assert.equal(await reads('addetto.llpp', id), true, 'the RPA reads the record');
    const taken = (await c('addetto.llpp').data(TakeInChargeDocument, { assignmentId: tec })).takeInCharge;
    assert.equal(taken.state, 'IN_CARICO');
    // Given back: no longer theirs.
    await c('addetto.llpp').data(ReturnAssignmentDocument, { input: { assignmentId: tec, note: 'Non mio' } });
    assert.equal(await reads('addetto.llpp', id), false, 'given back: no longer read');
    // Assigned again, then another RPA named: the first no longer reads it.
    await c('rpa.tecnico').data(AssignRpaDocument, {
      input: { assignmentId: tec, rpaId: user('addetto.llpp') },
    });
    assert.equal(await reads('addetto.llpp', id), true);
    await c('rpa.tecnico').data(AssignRpaDocument, {
      input: { assignmentId: tec, rpaId: user('rpa.tecnico') },
    });
    assert.equal(await reads('addetto.llpp', id), false, 'replaced: no longer read');
    // Transferred with its RPA: the RPA's view ends with the competence.
    await c('rpa.tecnico').data(AssignRpaDocument, {
      input: { assignmentId: tec, rpaId: user('addetto.llpp') },
    });
    await c('rpa.tecnico').data(TransferAssignmentDocument, {
      input: { assignmentId: tec, toUorId: uor('RAG') },
    });
    assert.equal(await reads('addetto.llpp', id), false, 'transferred: no longer read');
  });

  it('rigetto needs a note and another office; at most two, then only the RGD sends it and it is not rejected again', async () => {
    const id = await register();
    const first = await sent(id, 'RAG');
    const rag = assignmentOf(first, 'RAG').id;
    const reject = (who: string, assignmentId: string, note: string, suggestedUorId: string) =>
      c(who).request(RejectAssignmentDocument, { input: { assignmentId, note, suggestedUorId } });
    const noNote = await reject('rpa.ragioneria', rag, '  ', uor('TEC'));
    assert.equal(codeOf(noNote), 'BAD_USER_INPUT');
    assert.equal(noNote.errors?.[0]?.extensions?.['field'], 'input.note');
    const self = await reject('rpa.ragioneria', rag, 'Non nostra', uor('RAG'));
    assert.equal(self.errors?.[0]?.extensions?.['field'], 'input.suggestedUorId');
    assert.equal(codeOf(await reject('protocollista', rag, 'Non nostra', uor('TEC'))), 'FORBIDDEN');
    const r1 = (await reject('rpa.ragioneria', rag, 'Competenza del tecnico', uor('TEC'))).data
      ?.rejectAssignment;
    assert.equal(r1?.state, 'RIGETTATO');
    assert.ok(r1?.closedAt);
    let w = await workflow(id);
    assert.equal(w.rejectionCount, 1);
    // The prevalent competence rejected: the record's UOR is the protocol office's again.
    assert.equal(first.uor?.code, 'RAG');
    assert.equal(w.uor?.code, 'PROT');
    assert.equal(w.version, first.version + 1);
    assert.equal(
      w.assignments.filter((a) => ['DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO'].includes(a.state)).length,
      0,
    );
    const step = w.workflow.at(-1);
    assert.deepEqual(
      [step?.action, step?.fromUor?.code, step?.suggestedUor?.code, step?.note, step?.actor?.username],
      ['RIGETTO', 'RAG', 'TEC', 'Competenza del tecnico', 'rpa.ragioneria'],
    );
    // Back at the protocol office: sent again, the new office is prevalent.
    const second = await sent(id, 'TEC');
    assert.equal(assignmentOf(second, 'TEC').prevalent, true);
    assert.equal(second.uor?.code, 'TEC');
    await reject('rpa.tecnico', assignmentOf(second, 'TEC').id, 'Nemmeno nostra', uor('TRIB'));
    w = await workflow(id);
    assert.equal(w.rejectionCount, 2);
    // Twice rejected: the protocollista no longer sends it per competenza (CC still goes) …
    const refused = await smista('protocollista', { recordId: id, competenza: [uor('TRIB')] });
    assert.equal(codeOf(refused), 'WORKFLOW_REJECTION_LIMIT');
    assert.equal(
      codeOf(await smista('protocollista', { recordId: id, conoscenza: [{ uorId: uor('SEG') }] })),
      undefined,
    );
    // … the RGD does, and the office can no longer reject it.
    const byAuthority = (
      await c('rgd').data(SmistaProtocolDocument, { input: { recordId: id, competenza: [uor('TRIB')] } })
    ).smistaProtocol;
    const trib = assignmentOf(byAuthority, 'TRIB').id;
    assert.equal(
      codeOf(await reject('capo.tributi', trib, 'Ancora no', uor('RAG'))),
      'WORKFLOW_REJECTION_LIMIT',
    );
    assert.equal((await workflow(id)).rejectionCount, 2);

    // PostgreSQL refuses a third rejection written directly, by UPDATE or by INSERT.
    await assert.rejects(
      sql(env, `update assignment set state = 'RIGETTATO', closed_at = now() where id = $1`, [trib]),
      /rejected twice/,
    );
    await assert.rejects(
      sql(
        env,
        `insert into assignment (id, aoo_id, record_id, document_id, uor_id, prevalent, state, paper, sent_at, closed_at)
         select gen_random_uuid(), aoo_id, record_id, document_id, $2, false, 'RIGETTATO', false, now(), now()
           from assignment where id = $1`,
        [trib, uor('LLPP')],
      ),
      /rejected twice/,
    );
    assert.equal((await workflow(id)).rejectionCount, 2);
  });

  it('transfer moves the competence (the prevalent moves the record UOR); restituzione gives it back to the office', async () => {
    const id = await register();
    const r = await sent(id, 'RAG', 'TEC');
    const rag = assignmentOf(r, 'RAG').id;
    await c('rpa.ragioneria').data(AssignRpaDocument, {
      input: { assignmentId: rag, rpaId: user('lettore') },
    });
    assert.equal((await workflow(id)).rpa?.username, 'lettore');
    assert.equal(
      codeOf(
        await c('rpa.tecnico').request(TransferAssignmentDocument, {
          input: { assignmentId: rag, toUorId: uor('TRIB') },
        }),
      ),
      'FORBIDDEN',
    );
    assert.equal(
      codeOf(
        await c('rpa.ragioneria').request(TransferAssignmentDocument, {
          input: { assignmentId: rag, toUorId: uor('TEC') },
        }),
      ),
      'ASSIGNMENT_ALREADY_ACTIVE',
    );
    const moved = (
      await c('lettore').data(TransferAssignmentDocument, {
        input: { assignmentId: rag, toUorId: uor('TRIB'), note: 'Tributi' },
      })
    ).transferAssignment;
    assert.deepEqual(
      [moved.uor?.code, moved.prevalent, moved.state, moved.rpa],
      ['TRIB', true, 'DA_ASSEGNARE', null],
    );
    let w = await workflow(id);
    assert.equal(w.uor?.code, 'TRIB');
    assert.equal(w.rpa, null);
    assert.equal(assignmentOf(w, 'RAG').state, 'TRASFERITO');
    assert.equal(
      codeOf(
        await c('rpa.ragioneria').request(AssignRpaDocument, {
          input: { assignmentId: rag, rpaId: user('lettore') },
        }),
      ),
      'ASSIGNMENT_STATE',
      'an ended assignment takes no step',
    );

    // Restituzione: only the RPA, with a note; back to DA_ASSEGNARE.
    const tec = assignmentOf(r, 'TEC').id;
    await c('rpa.tecnico').data(AssignRpaDocument, {
      input: { assignmentId: tec, rpaId: user('rpa.tecnico') },
    });
    assert.equal(
      codeOf(await c('rgd').request(ReturnAssignmentDocument, { input: { assignmentId: tec, note: 'No' } })),
      'ASSIGNMENT_NOT_RPA',
    );
    assert.equal(
      codeOf(
        await c('rpa.tecnico').request(ReturnAssignmentDocument, { input: { assignmentId: tec, note: '' } }),
      ),
      'BAD_USER_INPUT',
    );
    const back = (
      await c('rpa.tecnico').data(ReturnAssignmentDocument, {
        input: { assignmentId: tec, note: 'In ferie' },
      })
    ).returnAssignment;
    assert.deepEqual(
      [back.state, back.rpa, back.assignedAt, back.takenAt],
      ['DA_ASSEGNARE', null, null, null],
    );
    w = await workflow(id);
    assert.equal(w.workflow.at(-1)?.action, 'RESTITUZIONE');
    assert.equal(w.workflow.at(-1)?.fromUser?.username, 'rpa.tecnico');
  });

  it('history: every step with who, when, from, to and note, in order', async () => {
    const id = await register('RACCOMANDATA');
    const r = (
      await c('protocollista').data(SmistaProtocolDocument, {
        input: {
          recordId: id,
          competenza: [uor('RAG')],
          conoscenza: [{ uorId: uor('SEG') }],
          note: 'Urgente',
        },
      })
    ).smistaProtocol;
    const rag = assignmentOf(r, 'RAG').id;
    await c('rpa.ragioneria').data(AssignRpaDocument, {
      input: { assignmentId: rag, rpaId: user('lettore'), note: 'Segui tu' },
    });
    await c('lettore').data(TakeInChargeDocument, { assignmentId: rag });
    await c('lettore').data(ReturnAssignmentDocument, { input: { assignmentId: rag, note: 'Non riesco' } });
    const moved = (
      await c('rpa.ragioneria').data(TransferAssignmentDocument, {
        input: { assignmentId: rag, toUorId: uor('TEC') },
      })
    ).transferAssignment;
    await c('rpa.tecnico').data(RejectAssignmentDocument, {
      input: { assignmentId: moved.id, note: 'Spetta ai tributi', suggestedUorId: uor('TRIB') },
    });
    const w = await workflow(id);
    assert.deepEqual(
      w.workflow.map((s) => [
        s.action,
        s.actor?.username ?? null,
        s.fromUor?.code ?? null,
        s.toUor?.code ?? null,
        s.fromUser?.username ?? null,
        s.toUser?.username ?? null,
        s.note ?? null,
        s.assignmentId ?? null,
      ]),
      [
        ['SMISTAMENTO', 'protocollista', null, 'RAG', null, null, 'Urgente', rag],
        ['CONOSCENZA', 'protocollista', null, 'SEG', null, null, 'Urgente', null],
        ['ASSEGNAZIONE', 'rpa.ragioneria', null, 'RAG', null, 'lettore', 'Segui tu', rag],
        ['PRESA_IN_CARICO', 'lettore', null, 'RAG', null, 'lettore', null, rag],
        ['RESTITUZIONE', 'lettore', null, 'RAG', 'lettore', null, 'Non riesco', rag],
        ['TRASFERIMENTO', 'rpa.ragioneria', 'RAG', 'TEC', null, null, null, moved.id],
        ['RIGETTO', 'rpa.tecnico', 'TEC', null, null, null, 'Spetta ai tributi', moved.id],
      ],
    );
    const ids = w.workflow.map((s) => BigInt(s.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const times = w.workflow.map((s) => s.at);
    assert.deepEqual(times, [...times].sort());
    // Each mutation wrote its audit row, naming the steps it recorded.
    const audited = await sql<{ operation: string; steps: number }>(
      env,
      `select operation, jsonb_array_length(changes->'steps') as steps from audit_event
        where target_id = $1 and operation like 'workflow.%' order by id`,
      [id],
    );
    assert.deepEqual(
      audited.map((a) => [a.operation, a.steps]),
      [
        ['workflow.smista', 2],
        ['workflow.assignRpa', 1],
        ['workflow.takeInCharge', 1],
        ['workflow.return', 1],
        ['workflow.transfer', 1],
        ['workflow.reject', 1],
      ],
    );
  });

  it('workflow_step is append-only: UPDATE, DELETE and TRUNCATE raise', async () => {
    const id = await register();
    await sent(id, 'RAG');
    for (const statement of [
      `update workflow_step set note = 'altro' where record_id = $1`,
      `delete from workflow_step where record_id = $1`,
    ]) {
      await assert.rejects(sql(env, statement, [id]), /append-only/, statement);
    }
    await assert.rejects(
      withClient(env.databaseUrl, (cl) => cl.query('truncate workflow_step cascade')),
      /append-only/,
    );
    assert.equal((await workflow(id)).workflow.length, 1);
  });

  it('an annulled record is not sent, assigned or transferred', async () => {
    const id = await register();
    const r = await sent(id, 'RAG', 'TEC');
    await c('rgd').data(AnnulProtocolDocument, {
      input: { id, reason: 'Registrato due volte', authorisation: 'Atto n. 9' },
    });
    assert.equal(
      codeOf(await smista('protocollista', { recordId: id, competenza: [uor('TRIB')] })),
      'PROTOCOL_ANNULLED',
    );
    assert.equal(
      codeOf(await smista('protocollista', { recordId: id, conoscenza: [{ uorId: uor('TRIB') }] })),
      'PROTOCOL_ANNULLED',
    );
    const tec = assignmentOf(r, 'TEC').id;
    assert.equal(
      codeOf(
        await c('rgd').request(AssignRpaDocument, {
          input: { assignmentId: tec, rpaId: user('rpa.tecnico') },
        }),
      ),
      'PROTOCOL_ANNULLED',
    );
    assert.equal(
      codeOf(
        await c('rgd').request(TransferAssignmentDocument, {
          input: { assignmentId: tec, toUorId: uor('TRIB') },
        }),
      ),
      'PROTOCOL_ANNULLED',
    );
    const w = await workflow(id);
    assert.equal(w.workflow.length, 2, 'no step after the annulment');
  });

  it('two parallel smistamenti to the same office: one competence, the other ASSIGNMENT_ALREADY_ACTIVE', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await register();
      const results = await Promise.all([
        smista('protocollista', { recordId: id, competenza: [uor('RAG')] }),
        smista('rgd', { recordId: id, competenza: [uor('RAG')] }),
      ]);
      assert.deepEqual(results.map(codeOf).sort(), ['ASSIGNMENT_ALREADY_ACTIVE', undefined].sort());
      const w = await workflow(id);
      assert.equal(w.assignments.length, 1);
      assert.equal(w.workflow.length, 1);
    }
  });

  it('two parallel rejections of a record rejected once: one passes, the other WORKFLOW_REJECTION_LIMIT', async () => {
    const id = await register();
    const once = await sent(id, 'TRIB');
    await c('capo.tributi').data(RejectAssignmentDocument, {
      input: { assignmentId: assignmentOf(once, 'TRIB').id, note: 'No', suggestedUorId: uor('RAG') },
    });
    const r = await sent(id, 'RAG', 'TEC');
    const results = await Promise.all([
      c('rpa.ragioneria').request(RejectAssignmentDocument, {
        input: { assignmentId: assignmentOf(r, 'RAG').id, note: 'No', suggestedUorId: uor('TRIB') },
      }),
      c('rpa.tecnico').request(RejectAssignmentDocument, {
        input: { assignmentId: assignmentOf(r, 'TEC').id, note: 'No', suggestedUorId: uor('TRIB') },
      }),
    ]);
    assert.deepEqual(results.map(codeOf).sort(), ['WORKFLOW_REJECTION_LIMIT', undefined].sort());
    assert.equal((await workflow(id)).rejectionCount, 2);
  });
});
