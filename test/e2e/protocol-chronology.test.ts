import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AnnulProtocolDocument,
  LiveAssignRpaDocument,
  LiveSmistaDocument,
  ProtocolChronologyDocument,
  ProtocolRecordDocument,
  RegisterProtocolDocument,
  UpdateProtocolFieldsDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  createDocument,
  demoIds,
  download,
  errorCode,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The chronology of a registration (DOMAIN §7), rebuilt from the audit trail for auditors:
 * registration, smistamento and assignment, viewing and download, a managed-field change with
 * its old and new values, annulment, in the order they happened, with who and from where.
 */
describe('chronology of a registration', () => {
  let env: TestEnv;
  let ids: DemoIds;

  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  it('lists what happened to the record, oldest first, for AUDIT_READ holders only', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('cronologia'), 'istanza.pdf');
    const doc = await createDocument(env, 'protocollista', {
      uorId: ids.uor['PROT'] ?? '',
      primaryFileId: file.id,
    });
    const protocollista = await env.asUser('protocollista');
    const record = (
      await protocollista.data(RegisterProtocolDocument, {
        input: {
          kind: 'ARRIVO',
          documentId: doc.id,
          oggetto: 'Istanza di contributo',
          documentType: 'Istanza',
          correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Associazione Culturale' }],
        },
      })
    ).registerProtocol;
    const sent = await protocollista.data(LiveSmistaDocument, {
      input: { recordId: record.id, competenza: [ids.uor['TEC'] ?? ''] },
    });
    const tecnico = await env.asUser('rpa.tecnico');
    const rpaId = (
      await sql<{ id: string }>(env, `select id from app_user where username = 'rpa.tecnico'`)
    )[0]?.id;
    await tecnico.data(LiveAssignRpaDocument, {
      input: { assignmentId: sent.smistaProtocol.assignments[0]?.id ?? '', rpaId: rpaId ?? '' },
    });
    await tecnico.data(ProtocolRecordDocument, { id: record.id });
    assert.equal((await download(env, file.id, { token: await env.tokenFor('rpa.tecnico') })).status, 200);
    await protocollista.data(UpdateProtocolFieldsDocument, {
      input: { id: record.id, documentType: 'Domanda' },
    });
    const rgd = await env.asUser('rgd');
    await rgd.data(AnnulProtocolDocument, {
      input: { id: record.id, reason: 'Doppia registrazione', authorisation: 'Provvedimento n. 7' },
    });

    // Two pages of 5, then the rest: the cursor continues where the page ended.
    const first = (await rgd.data(ProtocolChronologyDocument, { id: record.id, first: 5 }))
      .protocolChronology;
    assert.equal(first.pageInfo.hasNextPage, true);
    const rest = (
      await rgd.data(ProtocolChronologyDocument, {
        id: record.id,
        first: 200,
        after: first.pageInfo.endCursor,
      })
    ).protocolChronology;
    const chronology = [...first.edges, ...rest.edges].map((e) => e.node);
    assert.equal(new Set(chronology.map((e) => e.auditId)).size, chronology.length, 'no entry twice');
    const ops = chronology.map((e) => `${e.operation}:${e.actorUsername ?? ''}`);
    const order = [
      'document.create:protocollista',
      'protocol.register:protocollista',
      'workflow.smista:protocollista',
      'workflow.assignRpa:rpa.tecnico',
      'protocolRecord.read:rpa.tecnico',
      'file.download:rpa.tecnico',
      'protocol.updateFields:protocollista',
      'protocol.annul:rgd',
    ];
    let at = -1;
    for (const op of order) {
      const next = ops.indexOf(op, at + 1);
      assert.ok(next > at, `${op} after the previous step, in ${JSON.stringify(ops)}`);
      at = next;
    }
    const times = chronology.map((e) => Date.parse(e.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'oldest first',
    );
    const change = chronology.find(
      (e) =>
        e.operation === 'protocol.updateFields' && e.fieldChanges.some((f) => f.field === 'documentType'),
    );
    assert.deepEqual(
      change?.fieldChanges.find((f) => f.field === 'documentType'),
      { field: 'documentType', before: '"Istanza"', after: '"Domanda"' },
    );
    const annulment = chronology.find((e) => e.operation === 'protocol.annul');
    assert.match(annulment?.details ?? '', /Doppia registrazione/);
    assert.ok(
      chronology.every((e) => e.clientIp !== null || e.operation.startsWith('document')),
      'from where',
    );

    for (const who of ['protocollista', 'rpa.tecnico', 'lettore']) {
      const client = await env.asUser(who);
      assert.equal(
        errorCode(await client.request(ProtocolChronologyDocument, { id: record.id })),
        'FORBIDDEN',
        who,
      );
    }
  });
});
