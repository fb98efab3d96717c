import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildPdf } from '../fixtures/pdf-fixture.js';
import { cmsSign, createTestPki, type TestPki } from '../fixtures/pki-fixture.js';
import {
  AoosDocument,
  CreateDocumentDocument,
  FileSignersDocument,
  UserSubjectDocument,
  type Profile,
} from '../../clients/sdk/generated/graphql.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { addMembership, createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Field-level ACL names the record's AOO: a right held in another AOO unmasks nothing, and no
 * other field repeats a masked value (the certificate subject holds the codice fiscale).
 */
describe('field-level ACL across AOOs', () => {
  let env: TestEnv;
  let pki: TestPki;
  let admin: GraphqlClient;
  let adminB: GraphqlClient;
  let doppio: GraphqlClient;
  let rgdId = '';
  let userBId = '';
  let fileId = '';

  before(async () => {
    env = await startTestEnv();
    pki = await createTestPki();
    admin = await env.asUser('admin');
    const aooA = (await admin.data(AoosDocument)).aoos[0];
    assert.ok(aooA?.rgd);
    rgdId = aooA.rgd.id;
    const rag = aooA.uors.find((u) => u.code === 'RAG')?.id ?? '';
    const b = await createSecondAoo(admin, { ipaCode: 'c_b', aooCode: 'ABBBB01', uorCode: 'SEGB' });
    const member = async (username: string, profileB: Profile) => {
      const id = await createMember(admin, b.aooId, b.uorId, username, profileB);
      // Each also reads the RAG office of AOO A, without personal-data or admin rights there.
      await addMembership(admin, id, rag, 'READ_ONLY');
      return id;
    };
    await member('admin.b', 'SYSTEM_ADMIN');
    await member('doppio', 'PROTOCOLLISTA');
    userBId = await member('solo.b', 'READ_ONLY');
    adminB = await env.asUser('admin.b');
    doppio = await env.asUser('doppio');

    const p7m = cmsSign(pki, [pki.valid], buildPdf({ pageText: 'determina' }).bytes);
    const up = await fetch(`${env.baseUrl}/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await env.tokenFor('rpa.ragioneria')}`,
        'x-file-name': 'determina.pdf.p7m',
      },
      body: p7m,
    });
    fileId = ((await up.json()) as { id: string }).id;
    const rpa = await env.asUser('rpa.ragioneria');
    await rpa.data(CreateDocumentDocument, {
      input: { uorId: rag, oggetto: 'Determina', primaryFileId: fileId },
    });
  });
  after(async () => {
    pki.cleanup();
    await env.close();
  });

  it("masks a signer's fiscal code and subject for a reader whose personal-data right is in another AOO", async () => {
    const r = await doppio.request(FileSignersDocument, { id: fileId });
    const signer = r.data?.file.signature.signers[0];
    assert.equal(signer?.commonName, 'Mario Rossi');
    assert.equal(signer?.fiscalCode, null);
    assert.equal(signer?.subject, null);
    assert.doesNotMatch(JSON.stringify(r.data), /RSSMRA80A01H501U/);
    assert.deepEqual(
      r.errors?.map((e) => e.extensions?.['code']),
      ['FIELD_MASKED', 'FIELD_MASKED'],
    );
  });

  it('shows them to a reader with the right in the document’s AOO', async () => {
    const protocollista = await env.asUser('protocollista');
    const r = await protocollista.data(FileSignersDocument, { id: fileId });
    assert.equal(r.file.signature.signers[0]?.fiscalCode, 'RSSMRA80A01H501U');
    assert.match(r.file.signature.signers[0]?.subject ?? '', /RSSMRA80A01H501U/);
  });

  it('shows the identity-provider subject only to administrators of an AOO the user works in', async () => {
    const foreign = await adminB.request(UserSubjectDocument, { id: rgdId });
    assert.equal(foreign.data?.user.subject, null);
    assert.equal(foreign.errors?.[0]?.extensions?.['code'], 'FIELD_MASKED');
    const own = await adminB.data(UserSubjectDocument, { id: userBId });
    assert.equal(own.user.subject, 'solo.b');
  });
});
