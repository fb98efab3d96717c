import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddMembershipDocument,
  AooStructureDocument,
  AoosDocument,
  CreateDocumentDocument,
  CreateUorDocument,
  CreateUserDocument,
  DocumentsInFullDocument,
  MeDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { GraphqlClient, Operation } from '../harness/graphql-client.js';
import { traceSql } from '../harness/sql-trace.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Nested fields go through per-request DataLoaders: the number of SQL statements a query
 * runs must not grow with the number of rows it returns.
 */
describe('SQL statements per query', () => {
  let env: TestEnv;
  let admin: GraphqlClient;
  let statements = 0;
  before(async () => {
    // These documents nest lists far beyond the default cost limit on purpose: what is measured
    // here is that DataLoaders keep the statements flat, whatever the nesting.
    env = await startTestEnv({ env: { GRAPHQL_MAX_COST: '1000000000' } });
    admin = await env.asUser('admin');
    env.platform.orm.em
      .getConnection()
      .getKnex()
      .on('query', () => statements++);
  });
  after(async () => {
    await env.close();
  });

  async function count<TData, TVars>(
    client: GraphqlClient,
    operation: Operation<TData, TVars>,
    variables: TVars,
  ): Promise<number> {
    statements = 0;
    await client.data(operation, variables);
    return statements;
  }

  it('an authenticated request pays one statement before its data: me is 2 in all', async () => {
    // Was 4: the user by subject, the memberships, the UOR trees, then me's own read.
    assert.equal(await count(admin, MeDocument, {}), 2);
  });

  it('stays constant for the organisation tree as it grows', async () => {
    const aooId = (await admin.data(AoosDocument)).aoos[0]?.id ?? '';
    const small = await count(admin, AooStructureDocument, { id: aooId });
    for (let i = 0; i < 15; i++) {
      const uor = await admin.data(CreateUorDocument, { input: { aooId, code: `U${i}`, name: 'Ufficio' } });
      const user = await admin.data(CreateUserDocument, {
        input: { aooId, username: `utente.${i}`, givenName: 'N', familyName: 'N' },
      });
      await admin.data(AddMembershipDocument, {
        input: { userId: user.createUser.id, uorId: uor.createUor.id, profile: 'READ_ONLY' },
      });
    }
    const large = await count(admin, AooStructureDocument, { id: aooId });
    assert.ok(small > 0, 'statements were counted');
    // DataLoader batches are cut by ticks, so a level may take one extra batch; N+1 would add 15+.
    assert.ok(large <= small + 2, `${small} statements for 7 UORs, ${large} for 22`);
  });

  /** The protocollista's AOO and a way to add a document with a primary file and an attachment. */
  async function documentsOfProtocollista() {
    const protocollista = await env.asUser('protocollista');
    const token = protocollista.token ?? '';
    const { aoos } = await protocollista.data(AoosDocument);
    const aoo = aoos[0];
    assert.ok(aoo);
    const addDocument = async (n: number): Promise<void> => {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${env.baseUrl}/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'x-file-name': `f${n}-${i}.txt` },
          body: `documento ${n} file ${i}`,
        });
        ids.push(((await res.json()) as { id: string }).id);
      }
      await protocollista.data(CreateDocumentDocument, {
        input: {
          uorId: aoo.uors[0]?.id ?? '',
          oggetto: `Documento ${n}`,
          primaryFileId: ids[0] ?? '',
          attachments: [{ fileId: ids[1] ?? '', description: 'allegato' }],
        },
      });
    };
    return { protocollista, aoo, addDocument };
  }

  it('stays constant for documents with their files as the list grows', async () => {
    const { protocollista, aoo, addDocument } = await documentsOfProtocollista();
    const countAs = () => count(protocollista, DocumentsInFullDocument, { aooId: aoo.id, first: 100 });
    for (let n = 0; n < 2; n++) await addDocument(n);
    const small = await countAs();
    for (let n = 2; n < 12; n++) await addDocument(n);
    const large = await countAs();
    assert.ok(small > 0);
    assert.ok(large <= small + 2, `${small} statements for 2 documents, ${large} for 12`);
  });

  it('loads the files of a page with their slots, and the users they name in one statement', async () => {
    const { protocollista, aoo, addDocument } = await documentsOfProtocollista();
    await addDocument(100);
    const traced = await traceSql(env, [], () =>
      protocollista.data(DocumentsInFullDocument, { aooId: aoo.id, first: 100 }),
    );
    const slots = traced.filter((t) => /from "document_file"/.test(t.sql) && /"stored_file"/.test(t.sql));
    assert.equal(slots.length, 1, 'one statement loads the current slots with their stored files');
    assert.deepEqual(
      traced.filter((t) => /^select .* from "stored_file"/.test(t.sql)).map((t) => t.sql),
      [],
      'no separate statement for the stored files',
    );
    // createdBy and uploadedBy: the visible users' rows in one statement (the rule in its WHERE).
    const users = traced.filter((t) => /app_user/.test(t.sql) && !/^with usr as/.test(t.sql.trim()));
    assert.equal(users.length, 1, users.map((t) => t.sql).join('\n'));
  });

  it('stays constant when a document is created with more attachments', async () => {
    const protocollista = await env.asUser('protocollista');
    const token = protocollista.token ?? '';
    const { aoos } = await protocollista.data(AoosDocument);
    const uorId = aoos[0]?.uors[0]?.id ?? '';
    const uploadMany = async (n: number, tag: string): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${env.baseUrl}/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'x-file-name': `${tag}-${i}.txt` },
          body: `${tag} ${i}`,
        });
        ids.push(((await res.json()) as { id: string }).id);
      }
      return ids;
    };
    const create = async (fileIds: string[]): Promise<number> => {
      const [primary = '', ...rest] = fileIds;
      return count(protocollista, CreateDocumentDocument, {
        input: {
          uorId,
          oggetto: 'Pratica',
          primaryFileId: primary,
          attachments: rest.map((fileId) => ({ fileId })),
        },
      });
    };
    const few = await create(await uploadMany(2, 'pochi'));
    const many = await create(await uploadMany(12, 'molti'));
    assert.ok(few > 0);
    assert.ok(many <= few + 2, `${few} statements for 1 attachment, ${many} for 11`);
  });
});
