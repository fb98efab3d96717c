import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUpload } from '../../schema/documents/direct-upload.service.js';
import { Uor } from '../../schema/organisation/index.js';
import { activeCaller } from '../../server/auth/authenticate.js';
import { createContext } from '../../server/context.js';
import { demoIds, sql, type DemoIds } from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** A unit of work writes its own changes only, never pending changes of the request EntityManager. */
describe('withTransaction writes only its own unit of work', () => {
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv({ blobDriver: 's3' });
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  it('createUpload does not write a pending change of the request EntityManager', async () => {
    const caller = await activeCaller(env.platform, { username: 'protocollista' }, null);
    assert.ok(caller);
    const ctx = createContext(env.platform, caller.user, caller.grants, {
      requestId: 'uow-test',
      clientIp: null,
      userAgent: null,
      baseUrl: 'http://localhost',
    });
    const uor = await ctx.em.findOneOrFail(Uor, { id: ids.uor['SEG'] ?? '' });
    uor.email = 'pending@comune.esempio.it';
    await createUpload(ctx, { fileName: 'a.pdf', size: 3, sha256: 'a'.repeat(64) });
    const [row] = await sql<{ email: string | null }>(env, 'select email from uor where id = $1', [uor.id]);
    assert.notEqual(row?.email, 'pending@comune.esempio.it');
  });
});
