import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddMembershipDocument,
  CreateUorDocument,
  ReplaceDocumentFileDocument,
} from '../../clients/sdk/generated/graphql.js';
import { MAX_ATTACHMENTS, MAX_FILE_VERSIONS } from '../../schema/documents/document.service.js';
import {
  MAX_ACTIVE_MEMBERS_PER_UOR,
  MAX_AOOS_PER_USER,
  MAX_MEMBERSHIPS_PER_USER,
  MAX_UORS_PER_AOO,
} from '../../schema/organisation/org-limits.js';
import {
  count,
  createDocument,
  demoIds,
  errorCode,
  gql,
  sql,
  uniqueBytes,
  upload,
  type DemoIds,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Nested lists without page arguments are bounded where they grow, so a query's cost can count
 * them at their maximum size: the write that would pass the bound gets LIMIT_REACHED naming the
 * input and the limit, and changes nothing. Lists are filled to the brim with SQL first.
 */
describe('bounded lists', () => {
  let env: TestEnv;
  let ids: DemoIds;
  before(async () => {
    env = await startTestEnv();
    ids = await demoIds(env);
  });
  after(async () => {
    await env.close();
  });

  const limitOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => [
    r.errors?.[0]?.extensions?.['code'],
    r.errors?.[0]?.extensions?.['field'],
    r.errors?.[0]?.extensions?.['limit'],
  ];

  it(`an AOO holds at most ${MAX_UORS_PER_AOO} UORs`, async () => {
    const have = await count(env, 'select 1 from uor where aoo_id = $1', [ids.aooId]);
    await sql(
      env,
      `insert into uor (id, aoo_id, code, name, active_from)
       select gen_random_uuid(), $1, 'X' || g, 'Ufficio ' || g, '2020-01-01' from generate_series(1, $2::int) g`,
      [ids.aooId, MAX_UORS_PER_AOO - have - 1],
    );
    const create = (code: string) =>
      gql(env, 'admin', CreateUorDocument, { input: { aooId: ids.aooId, code, name: 'Ufficio' } });
    assert.equal((await create('ULTIMO')).errors, undefined, 'the last one fits');
    assert.deepEqual(limitOf(await create('TROPPI')), ['LIMIT_REACHED', 'aooId', MAX_UORS_PER_AOO]);
    assert.equal(await count(env, 'select 1 from uor where aoo_id = $1', [ids.aooId]), MAX_UORS_PER_AOO);
  });

  it(`a user holds at most ${MAX_MEMBERSHIPS_PER_USER} memberships, a UOR ${MAX_ACTIVE_MEMBERS_PER_UOR} active members`, async () => {
    const lettore = ids.user['lettore'] ?? '';
    const have = await count(env, 'select 1 from membership where user_id = $1', [lettore]);
    await sql(
      env,
      `insert into membership (id, user_id, uor_id, profile, ended_at)
       select gen_random_uuid(), $1, $2, 'READ_ONLY', now() from generate_series(1, $3::int)`,
      [lettore, ids.uor['TRIB'], MAX_MEMBERSHIPS_PER_USER - have],
    );
    const add = (userId: string, uorId: string) =>
      gql(env, 'admin', AddMembershipDocument, { input: { userId, uorId, profile: 'READ_ONLY' } });
    assert.deepEqual(limitOf(await add(lettore, ids.uor['LLPP'] ?? '')), [
      'LIMIT_REACHED',
      'userId',
      MAX_MEMBERSHIPS_PER_USER,
    ]);
    // A UOR full of active members (users made with SQL).
    const llpp = ids.uor['LLPP'] ?? '';
    await sql(
      env,
      `with u as (insert into app_user (id, username, given_name, family_name, subject, active)
                  select gen_random_uuid(), 'massa.' || g, 'N', 'N', 'massa.' || g, true
                    from generate_series(1, $2::int) g returning id)
       insert into membership (id, user_id, uor_id, profile) select gen_random_uuid(), u.id, $1, 'READ_ONLY' from u`,
      [llpp, MAX_ACTIVE_MEMBERS_PER_UOR],
    );
    assert.deepEqual(limitOf(await add(ids.user['segretario'] ?? '', llpp)), [
      'LIMIT_REACHED',
      'uorId',
      MAX_ACTIVE_MEMBERS_PER_UOR,
    ]);
  });

  it(`a user works in at most ${MAX_AOOS_PER_USER} AOOs at once`, async () => {
    const segretario = ids.user['segretario'] ?? '';
    // Nine more administrations, each with an AOO and a UOR where the user is a member.
    await sql(
      env,
      `with a as (insert into administration (id, ipa_code, name)
                  select gen_random_uuid(), 'c_molti_' || g, 'Ente ' || g from generate_series(1, $2::int) g returning id, ipa_code),
            o as (insert into aoo (id, administration_id, code, name, pec_address, register_code)
                  select gen_random_uuid(), a.id, 'A' || right(a.ipa_code, 2), 'AOO', 'p@pec.it', 'REG' from a returning id),
            u as (insert into uor (id, aoo_id, code, name, active_from)
                  select gen_random_uuid(), o.id, 'U', 'Ufficio', '2020-01-01' from o returning id)
       insert into membership (id, user_id, uor_id, profile) select gen_random_uuid(), $1, u.id, 'READ_ONLY' from u`,
      [segretario, MAX_AOOS_PER_USER - 1],
    );
    const eleventh = await sql<{ id: string }>(
      env,
      `with a as (insert into administration (id, ipa_code, name) values (gen_random_uuid(), 'c_undici', 'Ente 11') returning id),
            o as (insert into aoo (id, administration_id, code, name, pec_address, register_code)
                  select gen_random_uuid(), a.id, 'AUNDICI', 'AOO', 'p@pec.it', 'REG' from a returning id)
       insert into uor (id, aoo_id, code, name, active_from) select gen_random_uuid(), o.id, 'U', 'Ufficio', '2020-01-01' from o returning id`,
    );
    const add = (uorId: string) =>
      gql(env, 'admin', AddMembershipDocument, {
        input: { userId: segretario, uorId, profile: 'READ_ONLY' },
      });
    assert.deepEqual(limitOf(await add(eleventh[0]?.id ?? '')), [
      'LIMIT_REACHED',
      'userId',
      MAX_AOOS_PER_USER,
    ]);
    // Another office of an AOO the user already works in is fine.
    assert.equal((await add(ids.uor['TEC'] ?? '')).errors, undefined);
  });

  it(`a document holds at most ${MAX_ATTACHMENTS} attachments and ${MAX_FILE_VERSIONS} file versions`, async () => {
    const file = await upload(env, 'rpa.ragioneria', uniqueBytes('allegato'));
    const doc = await createDocument(env, 'rpa.ragioneria', {
      uorId: ids.uor['RAG'] ?? '',
      primaryFileId: file.id,
    });
    await sql(
      env,
      `insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), $1, $2, g, 1, $3 from generate_series(1, $4::int) g`,
      [doc.id, file.id, ids.user['rpa.ragioneria'], MAX_ATTACHMENTS],
    );
    const replace = (position: number) =>
      gql(env, 'rpa.ragioneria', ReplaceDocumentFileDocument, {
        input: { documentId: doc.id, position, fileId: file.id },
      });
    assert.deepEqual(limitOf(await replace(MAX_ATTACHMENTS + 1)), [
      'LIMIT_REACHED',
      'position',
      MAX_ATTACHMENTS,
    ]);
    // Superseded versions of slot 1 up to the bound of versions.
    await sql(
      env,
      `insert into document_file (id, document_id, file_id, position, version, created_by, superseded_at)
       select gen_random_uuid(), $1, $2, 1, g + 1, $3, now() from generate_series(1, $4::int) g`,
      [doc.id, file.id, ids.user['rpa.ragioneria'], MAX_FILE_VERSIONS - MAX_ATTACHMENTS - 1],
    );
    const r = await replace(1);
    assert.deepEqual(limitOf(r), ['LIMIT_REACHED', 'documentId', MAX_FILE_VERSIONS]);
    assert.equal(errorCode(r), 'LIMIT_REACHED');
    assert.equal(
      await count(env, 'select 1 from document_file where document_id = $1', [doc.id]),
      MAX_FILE_VERSIONS,
    );
  });
});
