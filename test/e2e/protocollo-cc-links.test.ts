import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ProtocolHistoryCcLinksDocument,
  ProtocolRecordCcLinksDocument,
  RegisterProtocolCcLinksDocument,
  UpdateProtocolCcLinksDocument,
  type ProtocolCcLinksFieldsFragment,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { ProtocolFieldsChanged } from '../../schema/protocollo/index.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * CC (per conoscenza) and links (collegamenti) of registrations (DOMAIN §5, issue 11): given at
 * registration and changed later as managed fields, each change a version with the old and new
 * lists; bad input refused with a typed error, nothing persisted and no number taken; links to
 * records a caller cannot see show nothing of them.
 */
describe('protocollo: CC and links', () => {
  const fieldsChanged: Array<{ recordId: string; fields: string[] }> = [];
  const probe = defineModule({
    name: 'probe',
    eventHandlers: [
      {
        event: ProtocolFieldsChanged,
        handle: (_ctx, e: DomainEvent<object>) => {
          fieldsChanged.push(e.data as { recordId: string; fields: string[] });
          return Promise.resolve();
        },
      },
    ],
  });
  let env: TestEnv;
  let ids: DemoIds;
  let protocollista: GraphqlClient;
  let tecnico: GraphqlClient;
  let other: { aooId: string; uorId: string };
  let otherUser: string;
  let otherProt: GraphqlClient;

  before(async () => {
    env = await startTestEnv({ modules: [probe] });
    ids = await demoIds(env);
    protocollista = await env.asUser('protocollista');
    tecnico = await env.asUser('rpa.tecnico');
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    otherUser = await createMember(admin, other.aooId, other.uorId, 'altrove.protocollo', 'PROTOCOLLISTA');
    otherProt = await env.asUser('altrove.protocollo');
  });
  after(async () => {
    await env.close();
  });

  /** Draft documents with a primary file, in an office of the demo AOO (or the other AOO). */
  async function drafts(n: number, uor: string): Promise<string[]> {
    const uorId = uor === 'other' ? other.uorId : ids.uor[uor];
    const creator = uor === 'other' ? 'altrove.protocollo' : 'protocollista';
    const rows = await sql<{ id: string }>(
      env,
      `with docs as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza n. ' || g,
                (select id from app_user where username = $3)
           from uor u, generate_series(1, $2::int) g where u.id = $1 returning id, created_by),
       files as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from (select encode(sha256(d.id::text::bytea), 'hex') as h, created_by from docs d) s
         returning id, sha256)
       insert into document_file (id, document_id, file_id, position, version, description, created_by)
       select gen_random_uuid(), d.id, f.id, 0, 1, null, d.created_by
         from docs d join files f on f.sha256 = encode(sha256(d.id::text::bytea), 'hex')
       returning document_id as id`,
      [uorId, n, creator],
    );
    return rows.map((r) => r.id);
  }

  function input(documentId: string, extra: Partial<RegisterProtocolInput> = {}): RegisterProtocolInput {
    return {
      kind: 'ARRIVO',
      documentId,
      oggetto: 'Richiesta di parere',
      correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Impresa Srl' }],
      ...extra,
    };
  }

  async function register(
    client: GraphqlClient,
    i: RegisterProtocolInput,
  ): Promise<ProtocolCcLinksFieldsFragment> {
    return (await client.data(RegisterProtocolCcLinksDocument, { input: i })).registerProtocol;
  }

  const lastNumber = async (aooId: string): Promise<number> =>
    (
      await sql<{ n: number | null }>(env, 'select max(number) as n from protocol_record where aoo_id = $1', [
        aooId,
      ])
    )[0]?.n ?? 0;
  const rows = async (table: string, recordId: string): Promise<number> =>
    (await sql(env, `select 1 from ${table} where record_id = $1`, [recordId])).length;

  let visible: ProtocolCcLinksFieldsFragment; // doc in TEC: rpa.tecnico sees it
  let hidden: ProtocolCcLinksFieldsFragment; // doc in PROT: rpa.tecnico does not
  let main: ProtocolCcLinksFieldsFragment; // doc in TEC, with CC and links to both

  it('registers with CC (an office and a user) and links; stored queryably and in version 1', async () => {
    const [a, b] = await drafts(2, 'TEC');
    const [h] = await drafts(1, 'PROT');
    visible = await register(protocollista, input(a ?? '', { oggetto: 'Precedente visibile' }));
    hidden = await register(protocollista, input(h ?? '', { oggetto: 'Segreto di ufficio' }));
    // Preconditions of the visibility cases below.
    assert.equal(
      (await tecnico.request(ProtocolRecordCcLinksDocument, { id: visible.id })).errors,
      undefined,
    );
    assert.equal(
      errorCode(await tecnico.request(ProtocolRecordCcLinksDocument, { id: hidden.id })),
      'NOT_FOUND',
    );

    main = await register(
      protocollista,
      input(b ?? '', {
        cc: [{ uorId: ids.uor['RAG'] }, { userId: ids.user['rpa.ragioneria'] }],
        links: [
          { recordId: visible.id, kind: 'PRECEDENTE' },
          { recordId: hidden.id, kind: 'RIFERIMENTO' },
        ],
      }),
    );
    assert.deepEqual(
      main.cc.map((c) => [c.uor?.code ?? null, c.user?.username ?? null]),
      [
        ['RAG', null],
        [null, 'rpa.ragioneria'],
      ],
    );
    assert.deepEqual(
      main.links.map((l) => [l.kind, l.record.oggetto]),
      [
        ['PRECEDENTE', 'Precedente visibile'],
        ['RIFERIMENTO', 'Segreto di ufficio'],
      ],
    );
    const cc = await sql<{ uor_id: string | null; user_id: string | null }>(
      env,
      'select uor_id, user_id from protocol_cc where record_id = $1 order by seq',
      [main.id],
    );
    assert.deepEqual(cc, [
      { uor_id: ids.uor['RAG'], user_id: null },
      { uor_id: null, user_id: ids.user['rpa.ragioneria'] },
    ]);
    // "My records as CC": by user.
    const mine = await sql<{ record_id: string }>(
      env,
      'select record_id from protocol_cc where user_id = $1',
      [ids.user['rpa.ragioneria']],
    );
    assert.deepEqual(
      mine.map((r) => r.record_id),
      [main.id],
    );
    const reverse = (await protocollista.data(ProtocolRecordCcLinksDocument, { id: visible.id }))
      .protocolRecord;
    assert.deepEqual(
      reverse.linkedFrom.map((l) => [l.kind, l.record.id]),
      [['PRECEDENTE', main.id]],
    );
    const history = (await protocollista.data(ProtocolHistoryCcLinksDocument, { id: main.id }))
      .protocolHistory;
    assert.equal(history.length, 1);
    assert.deepEqual(history[0]?.ccUorIds, [ids.uor['RAG']]);
    assert.deepEqual(history[0]?.ccUserIds, [ids.user['rpa.ragioneria']]);
    assert.deepEqual(history[0]?.links, [`PRECEDENTE:${visible.id}`, `RIFERIMENTO:${hidden.id}`]);
    const ccChange = history[0]?.changes.find((c) => c.field === 'cc');
    assert.equal(ccChange?.previous, null);
    assert.equal(ccChange?.value, `uor:${ids.uor['RAG']}, user:${ids.user['rpa.ragioneria']}`);
    const audit = await sql<{ changes: { cc?: unknown[]; links?: unknown[] } }>(
      env,
      `select changes from audit_event where operation = 'protocol.register' and target_id = $1`,
      [main.id],
    );
    assert.equal(audit[0]?.changes.cc?.length, 2);
    assert.equal(audit[0]?.changes.links?.length, 2);
  });

  it('a registration without CC or links stores none and its version 1 names neither', async () => {
    const [d] = await drafts(1, 'TEC');
    const r = await register(protocollista, input(d ?? ''));
    assert.deepEqual([r.cc, r.links], [[], []]);
    const history = (await protocollista.data(ProtocolHistoryCcLinksDocument, { id: r.id })).protocolHistory;
    assert.deepEqual(
      history[0]?.changes.filter((c) => c.field === 'cc' || c.field === 'links'),
      [],
    );
  });

  it('refuses bad CC and links with typed errors: nothing persisted, no number taken', async () => {
    const [otherRecordDoc] = await drafts(1, 'other');
    const otherRecord = await register(otherProt, input(otherRecordDoc ?? ''));
    const [d] = await drafts(1, 'TEC');
    const before = await lastNumber(ids.aooId);
    const inactive = (
      await sql<{ id: string }>(
        env,
        `insert into app_user (id, username, given_name, family_name, subject, active)
         values (gen_random_uuid(), 'dimesso', 'Dino', 'Dimesso', 'dimesso', false) returning id`,
      )
    )[0]?.id;
    await sql(
      env,
      `insert into membership (id, user_id, uor_id, profile) values (gen_random_uuid(), $1, $2, 'READ_ONLY')`,
      [inactive, ids.uor['RAG']],
    );
    const missing = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, Partial<RegisterProtocolInput>, string, string]> = [
      ['CC office of another AOO', { cc: [{ uorId: other.uorId }] }, 'BAD_USER_INPUT', 'input.cc.0.uorId'],
      ['CC user of another AOO', { cc: [{ userId: otherUser }] }, 'BAD_USER_INPUT', 'input.cc.0.userId'],
      ['CC inactive user', { cc: [{ userId: inactive ?? '' }] }, 'BAD_USER_INPUT', 'input.cc.0.userId'],
      ['CC unknown office', { cc: [{ uorId: missing }] }, 'BAD_USER_INPUT', 'input.cc.0.uorId'],
      [
        'CC duplicate',
        { cc: [{ uorId: ids.uor['RAG'] }, { userId: ids.user['rgd'] }, { uorId: ids.uor['RAG'] }] },
        'PROTOCOL_CC_DUPLICATE',
        'input.cc.2',
      ],
      [
        'CC with both ids',
        { cc: [{ uorId: ids.uor['RAG'], userId: ids.user['rgd'] }] },
        'BAD_USER_INPUT',
        'input.cc.0',
      ],
      [
        'link to a record of another AOO',
        { links: [{ recordId: otherRecord.id, kind: 'PRECEDENTE' }] },
        'NOT_FOUND',
        'input.links.0.recordId',
      ],
      [
        'link to a missing record',
        { links: [{ recordId: missing, kind: 'PRECEDENTE' }] },
        'NOT_FOUND',
        'input.links.0.recordId',
      ],
      [
        'duplicate link',
        {
          links: [
            { recordId: visible.id, kind: 'PRECEDENTE' },
            { recordId: visible.id, kind: 'RIFERIMENTO' },
          ],
        },
        'PROTOCOL_LINK_DUPLICATE',
        'input.links.1.recordId',
      ],
    ];
    for (const [name, extra, code, field] of cases) {
      const r = await protocollista.request(RegisterProtocolCcLinksDocument, {
        input: input(d ?? '', { cc: [{ userId: ids.user['rgd'] }], ...extra }),
      });
      assert.equal(errorCode(r), code, name);
      assert.equal(r.errors?.[0]?.extensions?.['field'], field, name);
    }
    const tooMany = await protocollista.request(RegisterProtocolCcLinksDocument, {
      input: input(d ?? '', {
        links: Array.from({ length: 51 }, () => ({ recordId: visible.id, kind: 'PRECEDENTE' as const })),
      }),
    });
    assert.equal(errorCode(tooMany), 'BAD_USER_INPUT');
    assert.equal(await lastNumber(ids.aooId), before, 'no number taken');
    assert.equal((await sql(env, 'select 1 from protocol_record where document_id = $1', [d])).length, 0);
    // The next registration takes the next number: nothing was consumed.
    const next = await register(protocollista, input(d ?? '', { cc: [{ userId: ids.user['rgd'] }] }));
    assert.equal(next.number, before + 1);
    assert.equal(await rows('protocol_cc', next.id), 1);
  });

  it('the database refuses what the service refuses: other AOO, both or neither, self link', async () => {
    const attempt = async (text: string, params: unknown[]): Promise<string> => {
      try {
        await sql(env, text, params);
        return 'accepted';
      } catch (e) {
        return (e as { code?: string }).code ?? 'error';
      }
    };
    const by = ids.user['protocollista'];
    assert.equal(
      await attempt(
        `insert into protocol_cc (record_id, uor_id, added_at, added_by) values ($1, $2, now(), $3)`,
        [main.id, other.uorId, by],
      ),
      '23514',
    );
    assert.equal(
      await attempt(
        `insert into protocol_cc (record_id, uor_id, user_id, added_at, added_by) values ($1, $2, $3, now(), $3)`,
        [main.id, ids.uor['TEC'], by],
      ),
      '23514',
    );
    assert.equal(
      await attempt(
        `insert into protocol_cc (record_id, uor_id, added_at, added_by) values ($1, $2, now(), $3)`,
        [main.id, ids.uor['RAG'], by],
      ),
      '23505',
    );
    assert.equal(
      await attempt(
        `insert into protocol_link (record_id, linked_record_id, kind, added_at, added_by) values ($1, $1, 'PRECEDENTE', now(), $2)`,
        [main.id, by],
      ),
      '23514',
    );
  });

  it('updateProtocolFields replaces CC and links: a version with old and new lists, audited, evented', async () => {
    const [d] = await drafts(1, 'TEC');
    const third = await register(protocollista, input(d ?? '', { oggetto: 'Risposta attesa' }));
    const self = await protocollista.request(UpdateProtocolCcLinksDocument, {
      input: { id: main.id, links: [{ recordId: main.id, kind: 'RIFERIMENTO' }] },
    });
    assert.equal(errorCode(self), 'PROTOCOL_LINK_SELF');
    assert.equal(self.errors?.[0]?.extensions?.['field'], 'input.links.0.recordId');

    const updated = (
      await protocollista.data(UpdateProtocolCcLinksDocument, {
        input: {
          id: main.id,
          cc: [{ userId: ids.user['rpa.ragioneria'] }, { uorId: ids.uor['LLPP'] }],
          links: [
            { recordId: visible.id, kind: 'PRECEDENTE' },
            { recordId: third.id, kind: 'RISPOSTA_A' },
          ],
        },
      })
    ).updateProtocolFields;
    assert.equal(updated.version, 2);
    assert.deepEqual(
      updated.cc.map((c) => c.uor?.code ?? c.user?.username),
      ['rpa.ragioneria', 'LLPP'],
    );
    assert.deepEqual(
      updated.links.map((l) => [l.kind, l.record.id]),
      [
        ['PRECEDENTE', visible.id],
        ['RISPOSTA_A', third.id],
      ],
    );
    // The same lists again: no version.
    const same = (
      await protocollista.data(UpdateProtocolCcLinksDocument, {
        input: { id: main.id, cc: [{ uorId: ids.uor['LLPP'] }, { userId: ids.user['rpa.ragioneria'] }] },
      })
    ).updateProtocolFields;
    assert.equal(same.version, 2);

    const history = (await protocollista.data(ProtocolHistoryCcLinksDocument, { id: main.id }))
      .protocolHistory;
    assert.deepEqual(
      history.map((v) => v.version),
      [1, 2],
    );
    const v2 = history[1];
    assert.deepEqual(v2?.ccUorIds, [ids.uor['LLPP']]);
    assert.deepEqual(v2?.ccUserIds, [ids.user['rpa.ragioneria']]);
    assert.deepEqual(v2?.links, [`PRECEDENTE:${visible.id}`, `RISPOSTA_A:${third.id}`]);
    // Version 1 still shows the lists as registered: versions compare.
    assert.deepEqual(history[0]?.links, [`PRECEDENTE:${visible.id}`, `RIFERIMENTO:${hidden.id}`]);
    const ccChange = v2?.changes.find((c) => c.field === 'cc');
    assert.equal(ccChange?.previous, `uor:${ids.uor['RAG']}, user:${ids.user['rpa.ragioneria']}`);
    assert.equal(ccChange?.value, `user:${ids.user['rpa.ragioneria']}, uor:${ids.uor['LLPP']}`);
    const linkChange = v2?.changes.find((c) => c.field === 'links');
    assert.equal(linkChange?.previous, `PRECEDENTE:${visible.id}, RIFERIMENTO:${hidden.id}`);
    assert.equal(linkChange?.value, `PRECEDENTE:${visible.id}, RISPOSTA_A:${third.id}`);
    assert.equal(await rows('protocol_cc', main.id), 2);
    assert.equal(await rows('protocol_link', main.id), 2);

    const audit = await sql<{ changes: Record<string, unknown> }>(
      env,
      `select changes from audit_event where operation = 'protocol.updateFields' and target_id = $1`,
      [main.id],
    );
    assert.equal(audit.length, 1);
    assert.deepEqual(Object.keys(audit[0]?.changes ?? {}).sort(), ['cc', 'links', 'version']);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      fieldsChanged.filter((e) => e.recordId === main.id).map((e) => e.fields.sort()),
      [['cc', 'links']],
    );
  });

  it('a caller who cannot see a linked record sees nothing of it, cannot link it and cannot remove its link', async () => {
    // Back to a link to the hidden record (protocollista sees it).
    await protocollista.data(UpdateProtocolCcLinksDocument, {
      input: {
        id: main.id,
        links: [
          { recordId: visible.id, kind: 'PRECEDENTE' },
          { recordId: hidden.id, kind: 'RIFERIMENTO' },
        ],
      },
    });
    const seen = (await tecnico.data(ProtocolRecordCcLinksDocument, { id: main.id })).protocolRecord;
    assert.deepEqual(
      seen.links.map((l) => l.record.id),
      [visible.id],
    );
    assert.equal(seen.cc.length, 2, 'whoever sees the record sees its CC list');
    const history = (await tecnico.data(ProtocolHistoryCcLinksDocument, { id: main.id })).protocolHistory;
    const text = JSON.stringify(history);
    assert.ok(!text.includes(hidden.id), 'no id of the hidden record');
    assert.ok(!text.includes('Segreto di ufficio'), 'no data of the hidden record');
    assert.ok(text.includes('RIFERIMENTO:hidden'));

    const refused = await tecnico.request(UpdateProtocolCcLinksDocument, {
      input: { id: main.id, links: [{ recordId: hidden.id, kind: 'PRECEDENTE' }] },
    });
    assert.equal(errorCode(refused), 'NOT_FOUND');
    assert.equal(refused.errors?.[0]?.extensions?.['field'], 'input.links.0.recordId');
    assert.ok(!JSON.stringify(refused).includes('Segreto'));

    // Clearing the links the caller sees leaves the hidden one in place.
    const cleared = (await tecnico.data(UpdateProtocolCcLinksDocument, { input: { id: main.id, links: [] } }))
      .updateProtocolFields;
    assert.deepEqual(cleared.links, []);
    const stored = await sql<{ linked_record_id: string }>(
      env,
      'select linked_record_id from protocol_link where record_id = $1',
      [main.id],
    );
    assert.deepEqual(
      stored.map((r) => r.linked_record_id),
      [hidden.id],
    );
    const last = (
      await protocollista.data(ProtocolHistoryCcLinksDocument, { id: main.id })
    ).protocolHistory.at(-1);
    assert.deepEqual(last?.links, [`RIFERIMENTO:${hidden.id}`]);
  });
});
