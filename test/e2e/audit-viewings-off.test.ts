import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  AuditChainVerificationDocument,
  ProtocolRecordDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import { draftDocuments } from '../harness/protocol-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * What bench:audit's baseline switches off, and nothing more: with AUDIT_VIEWINGS=false a
 * viewing leaves no row, while changes and refused attempts are still audited and sealed. And
 * the sealer the bench stops and restarts: stopped, rows wait; started again, they are sealed.
 */
describe('AUDIT_VIEWINGS=false and a restarted sealer', () => {
  let env: TestEnv;
  let ids: DemoIds;

  before(async () => {
    env = await startTestEnv({ env: { AUDIT_VIEWINGS: 'false' } });
    ids = await demoIds(env);
  });
  after(() => env.close());

  const count = async (where: string): Promise<number> =>
    (await sql<{ n: number }>(env, `select count(*)::int as n from audit_event where ${where}`))[0]?.n ?? -1;

  async function registered(): Promise<string> {
    const [documentId] = await draftDocuments(env, ids.uor['PROT'] ?? '', 1, 'protocollista');
    const p = await env.asUser('protocollista');
    const r = await p.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: documentId ?? '',
        oggetto: 'Senza registro delle visualizzazioni',
        correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Impresa Srl' }],
      },
    });
    return r.registerProtocol.id;
  }

  it('writes no viewing rows, but still audits changes and refusals', async () => {
    const id = await registered();
    const protocollista = await env.asUser('protocollista');
    assert.equal((await protocollista.data(ProtocolRecordDocument, { id })).protocolRecord?.id, id);
    assert.equal(await count(`operation = 'protocolRecord.read'`), 0);
    assert.equal(await count(`operation = 'protocol.register'`), 1);
    assert.equal(errorCode(await protocollista.request(AuditChainVerificationDocument, {})), 'FORBIDDEN');
    assert.equal(await count(`operation = 'access.denied'`), 1);
  });

  it('leaves rows unsealed while the sealer is stopped, and seals them once it starts again', async () => {
    const sealer = env.platform.auditSealer;
    await sealer.flush();
    await sealer.stop();
    await registered();
    await sleep(1500); // longer than a sweep: a running sealer would have sealed the row
    const unsealed = `not exists (select 1 from audit_seal s where s.audit_id = audit_event.id)`;
    assert.equal(await count(unsealed), 1);
    sealer.start();
    for (let i = 0; i < 50 && (await count(unsealed)) > 0; i++) await sleep(100);
    assert.equal(await count(unsealed), 0, 'sealed without a flush once started again');
  });
});
