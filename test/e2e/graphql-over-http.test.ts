import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serverAudits } from 'graphql-http';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** The GraphQL-over-HTTP spec audits of the graphql-http package against our server. */
describe('GraphQL over HTTP conformance', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ seedDemo: false });
  });
  after(async () => {
    await env.close();
  });

  const audits = serverAudits({ url: () => env.graphqlUrl });
  const shouldFailures: string[] = [];
  for (const audit of audits) {
    it(audit.name, async (t) => {
      const result = await audit.fn();
      if (result.status === 'ok') return;
      if (audit.name.startsWith('MUST')) assert.fail(`${result.reason}`);
      shouldFailures.push(`${audit.name}: ${result.reason}`);
      t.diagnostic(`not met (${audit.name.split(' ')[0]}): ${result.reason}`);
    });
  }
  it('reports the SHOULD/MAY audits not met', (t) => {
    t.diagnostic(`${shouldFailures.length} SHOULD/MAY audits not met`);
    for (const f of shouldFailures) t.diagnostic(f);
    assert.ok(audits.length > 20, 'the audit list is present');
  });
});
