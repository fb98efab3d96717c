import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DocumentCountDocument,
  DocumentDocument,
  DocumentsDocument,
  FileDocument,
} from '../../clients/sdk/generated/graphql.js';
import { SettableClock } from '../harness/clock.js';
import {
  createDocument,
  demoIds,
  download,
  gql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Riservato ends on its date (001 §8.9): up to the last instant of the day before, only those
 * involved see the document; from 00:00 of that day in Italy (Europe/Rome, not UTC) the normal
 * rule applies, on every path.
 */
describe('the end of a reservation, at the Europe/Rome midnight', () => {
  // 10 March 2027 starts at 23:00 UTC on the 9th (CET, UTC+1: summer time begins on 28 March).
  const clock = new SettableClock('2027-03-09T12:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let doc = { id: '', fileId: '' };

  /** What `username` learns of the document through each path. */
  async function sees(username: string): Promise<Record<string, boolean>> {
    const root = await gql(env, username, DocumentDocument, { id: doc.id });
    const list = await gql(env, username, DocumentsDocument, { aooId: ids.aooId, first: 100 });
    const counted = await gql(env, username, DocumentCountDocument, { aooId: ids.aooId });
    const file = await gql(env, username, FileDocument, { id: doc.fileId });
    const bytes = await download(env, doc.fileId, { token: await env.tokenFor(username) });
    return {
      root: root.data?.document.id === doc.id,
      list: list.data?.documents.edges.some((e) => e.node.id === doc.id) ?? false,
      count: counted.data?.documents.totalCount === 1,
      file: file.data?.file.id === doc.fileId,
      download: bytes.status === 200,
    };
  }
  const everywhere = (v: boolean) => ({ root: v, list: v, count: v, file: v, download: v });

  before(async () => {
    env = await startTestEnv({ clock });
    ids = await demoIds(env);
    const file = await upload(env, 'rpa.ragioneria', uniqueBytes('riservato'), 'parere.pdf');
    const created = await createDocument(env, 'rpa.ragioneria', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: file.id,
      oggetto: 'Parere legale riservato',
      reservedUntil: '2027-03-10',
    });
    doc = { id: created.id, fileId: file.id };
  });
  after(async () => {
    await env.close();
  });

  it('is hidden from readers of the UOR who are not involved until 23:59:59 of the day before (Rome time)', async () => {
    assert.deepEqual(await sees('lettore'), everywhere(false));
    clock.set('2027-03-09T22:59:59Z'); // 23:59:59 on 9 March in Rome
    assert.deepEqual(await sees('lettore'), everywhere(false));
    assert.deepEqual(await sees('segretario'), everywhere(false));
    assert.deepEqual(await sees('rpa.ragioneria'), everywhere(true), 'the creator is involved');
  });

  it('follows the normal rule from 00:00 of its date in Rome, while it is still the day before in UTC', async () => {
    clock.set('2027-03-09T23:00:00Z'); // 00:00 on 10 March in Rome
    assert.deepEqual(await sees('lettore'), everywhere(true));
    assert.deepEqual(await sees('segretario'), everywhere(true));
    assert.deepEqual(await sees('rpa.tecnico'), everywhere(false), 'the normal rule: not a reader of RAG');
  });
});
