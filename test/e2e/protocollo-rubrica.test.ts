import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateCorrespondentDocument,
  DeactivateCorrespondentDocument,
  ProtocolRecordDocument,
  RegisterProtocolDocument,
  UpdateCorrespondentDocument,
  type CreateCorrespondentInput,
  type ProtocolCorrespondentInput,
  type RegisterProtocolInput,
} from '../../clients/sdk/generated/graphql.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Registering from the correspondents directory: the entry's data and version are copied into
 * the registratura in the registration's transaction, later edits of the entry never reach it;
 * an unknown, other-AOO or deactivated entry, or inline data beside the id, are typed errors
 * that persist nothing and take no number.
 */
describe('protocollo from the rubrica', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let prot: GraphqlClient;
  let otherProt: GraphqlClient;
  let other: { aooId: string; uorId: string };

  before(async () => {
    env = await startTestEnv({});
    ids = await demoIds(env);
    prot = await env.asUser('protocollista');
    const admin = await env.asUser('admin');
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.rubrica', 'PROTOCOLLISTA');
    otherProt = await env.asUser('altrove.rubrica');
  });
  after(async () => {
    await env.close();
  });

  /** A draft with a primary file in the protocol office of the demo AOO. */
  async function draft(): Promise<string> {
    const rows = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza',
                (select id from app_user where username = 'protocollista')
           from uor u where u.id = $1 returning id, created_by),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from (select encode(sha256(id::text::bytea), 'hex') as h, created_by from doc) x returning id)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), doc.id, f.id, 0, 1, doc.created_by from doc, f
       returning document_id as id`,
      [ids.uor['PROT']],
    );
    return rows[0]?.id ?? '';
  }

  const entry = async (client: GraphqlClient, input: CreateCorrespondentInput): Promise<string> => {
    const r = await client.request(CreateCorrespondentDocument, { input });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data?.createCorrespondent.id ?? '';
  };
  const registration = (documentId: string, c: ProtocolCorrespondentInput): RegisterProtocolInput => ({
    kind: 'ARRIVO',
    documentId,
    oggetto: 'Istanza dalla rubrica',
    correspondents: [c],
  });
  const records = async (): Promise<number> =>
    Number((await sql<{ n: string }>(env, 'select count(*) as n from protocol_record'))[0]?.n);
  const refusedLeavingNothing = async (
    r: () => Promise<GraphqlResponse<unknown>>,
    code: string,
    field?: string,
  ): Promise<void> => {
    const before = await records();
    const res = await r();
    assert.equal(errorCode(res), code, JSON.stringify(res.errors));
    if (field) assert.equal(res.errors?.[0]?.extensions?.['field'], field);
    assert.equal(await records(), before, 'nothing persisted, no number taken');
  };

  it('copies the entry and its version; a later edit of the entry does not reach the registration', async () => {
    const id = await entry(prot, {
      aooId: ids.aooId,
      kind: 'PERSONA_GIURIDICA',
      denominazione: 'Verdi Costruzioni Srl',
      partitaIva: '01234567897',
      address: 'Via Roma 1',
      postalCode: '00100',
      city: 'Roma',
      province: 'RM',
      pec: 'verdi@pec.example.it',
    });
    const doc = await draft();
    const reg = await prot.data(RegisterProtocolDocument, {
      input: registration(doc, { kind: 'PERSONA_GIURIDICA', correspondentId: id }),
    });
    const c = reg.registerProtocol.correspondents[0];
    assert.equal(c?.correspondentId, id);
    assert.equal(c?.correspondentVersion, 1);
    assert.equal(c?.denominazione, 'Verdi Costruzioni Srl');
    assert.equal(c?.partitaIva, '01234567897');
    assert.equal(c?.pec, 'verdi@pec.example.it');
    assert.equal(c?.indirizzo, 'Via Roma 1, 00100 Roma (RM)');

    const edited = await prot.request(UpdateCorrespondentDocument, {
      id,
      input: { denominazione: 'Verdi Costruzioni Spa', pec: 'nuova@pec.example.it' },
    });
    assert.equal(edited.errors, undefined, JSON.stringify(edited.errors));
    assert.equal(edited.data?.updateCorrespondent.version, 2);

    const seen = await prot.data(ProtocolRecordDocument, { id: reg.registerProtocol.id });
    const still = seen.protocolRecord.correspondents[0];
    assert.equal(still?.denominazione, 'Verdi Costruzioni Srl', 'the registratura keeps the old data');
    assert.equal(still?.pec, 'verdi@pec.example.it');
    assert.equal(still?.correspondentVersion, 1, 'and the version it copied');

    // A new registration copies the entry as it is now.
    const later = await prot.data(RegisterProtocolDocument, {
      input: registration(await draft(), { kind: 'PERSONA_GIURIDICA', correspondentId: id }),
    });
    assert.equal(later.registerProtocol.correspondents[0]?.denominazione, 'Verdi Costruzioni Spa');
    assert.equal(later.registerProtocol.correspondents[0]?.correspondentVersion, 2);
  });

  it('refuses unknown, other-AOO and deactivated entries and inline data beside an id, persisting nothing', async () => {
    const doc = await draft();
    await refusedLeavingNothing(
      () =>
        prot.request(RegisterProtocolDocument, {
          input: registration(doc, {
            kind: 'PERSONA_GIURIDICA',
            correspondentId: '00000000-0000-4000-8000-000000000000',
          }),
        }),
      'NOT_FOUND',
      'input.correspondents.0.correspondentId',
    );
    const elsewhere = await entry(otherProt, {
      aooId: other.aooId,
      kind: 'PERSONA_GIURIDICA',
      denominazione: 'Ditta di un altro ente',
      partitaIva: '12345678903',
    });
    await refusedLeavingNothing(
      () =>
        prot.request(RegisterProtocolDocument, {
          input: registration(doc, { kind: 'PERSONA_GIURIDICA', correspondentId: elsewhere }),
        }),
      'NOT_FOUND',
      'input.correspondents.0.correspondentId',
    );
    const retired = await entry(prot, {
      aooId: ids.aooId,
      kind: 'PERSONA_GIURIDICA',
      denominazione: 'Ditta cessata',
      partitaIva: '02345678904',
    });
    const off = await prot.request(DeactivateCorrespondentDocument, { id: retired });
    assert.equal(off.errors, undefined, JSON.stringify(off.errors));
    await refusedLeavingNothing(
      () =>
        prot.request(RegisterProtocolDocument, {
          input: registration(doc, { kind: 'PERSONA_GIURIDICA', correspondentId: retired }),
        }),
      'PROTOCOL_CORRESPONDENT_INACTIVE',
      'input.correspondents.0.correspondentId',
    );
    const active = await entry(prot, {
      aooId: ids.aooId,
      kind: 'PERSONA_GIURIDICA',
      denominazione: 'Ditta attiva',
      partitaIva: '03456789019',
    });
    await refusedLeavingNothing(
      () =>
        prot.request(RegisterProtocolDocument, {
          input: registration(doc, {
            kind: 'PERSONA_GIURIDICA',
            correspondentId: active,
            denominazione: 'Altro nome',
          }),
        }),
      'PROTOCOL_CORRESPONDENT_FROM_DIRECTORY',
      'input.correspondents.0.denominazione',
    );
    await refusedLeavingNothing(
      () =>
        prot.request(RegisterProtocolDocument, {
          input: registration(doc, { kind: 'PERSONA_FISICA', correspondentId: active }),
        }),
      'PROTOCOL_CORRESPONDENT_FROM_DIRECTORY',
      'input.correspondents.0.kind',
    );
    const state = await sql<{ kind: string }>(env, 'select kind from document where id = $1', [doc]);
    assert.equal(state[0]?.kind, 'NON_PROTOCOLLATO', 'the document stays a draft');
  });
});
