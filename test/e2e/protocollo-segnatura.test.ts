import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  ProtocolRecordDocument,
  ProtocolSegnaturaDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import { xmllintValidate, xmlsecVerify } from '../fixtures/segnatura-fixture.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createMember, createSecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * The segnatura of a registration: built and sealed in the registration's transaction with the
 * AOO's seal, stored immutable with the record; valid against the official XSD (xmllint) and
 * verified by an independent tool (xmlsec1); hidden records look missing; an AOO without a seal
 * registers with no segnatura.
 */
describe('protocollo segnatura', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let prot: GraphqlClient;
  let otherProt: GraphqlClient;
  let other: { aooId: string; uorId: string };
  let certificatePem = '';

  before(async () => {
    env = await startTestEnv({});
    ids = await demoIds(env);
    prot = await env.asUser('protocollista');
    const admin = await env.asUser('admin');
    const seal = await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    certificatePem = seal.generateDevelopmentSegnaturaSeal.certificatePem;
    other = await createSecondAoo(admin);
    await createMember(admin, other.aooId, other.uorId, 'altrove.segnatura', 'PROTOCOLLISTA');
    otherProt = await env.asUser('altrove.segnatura');
  });
  after(async () => {
    await env.close();
  });

  async function draft(uorId: string, creator: string): Promise<string> {
    const rows = await sql<{ id: string }>(
      env,
      `with doc as (
         insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza',
                (select id from app_user where username = $2)
           from uor u where u.id = $1 returning id, created_by),
       f as (
         insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                  signature_kind, signature_status, uploaded_by)
         select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
                'application/pdf', 'istanza.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
           from (select encode(sha256(id::text::bytea), 'hex') as h, created_by from doc) x returning id)
       insert into document_file (id, document_id, file_id, position, version, created_by)
       select gen_random_uuid(), doc.id, f.id, 0, 1, doc.created_by from doc, f
       returning document_id as id`,
      [uorId, creator],
    );
    return rows[0]?.id ?? '';
  }

  it('a registration carries its sealed segnatura: valid XSD, seal verified, number and oggetto in it, immutable', async () => {
    const doc = await draft(ids.uor['PROT'] ?? '', 'protocollista');
    const reg = await prot.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: doc,
        oggetto: 'Richiesta di contributo & rendiconto <2026>',
        correspondents: [
          { kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U' },
        ],
      },
    });
    const record = reg.registerProtocol;
    const s = (await prot.data(ProtocolSegnaturaDocument, { id: record.id })).segnatura;
    assert.ok(s, 'the AOO has a seal: the record has a segnatura');
    assert.equal(s.sha256, createHash('sha256').update(s.xml, 'utf8').digest('hex'));
    const lint = xmllintValidate(s.xml);
    assert.ok(lint.ok, lint.output);
    const verify = xmlsecVerify(s.xml, certificatePem);
    assert.ok(verify.ok, verify.output);
    assert.match(
      s.xml,
      new RegExp(`<prot:NumeroRegistrazione>${record.formattedNumber}</prot:NumeroRegistrazione>`),
    );
    assert.match(
      s.xml,
      /<prot:Oggetto>Richiesta di contributo &amp; rendiconto &lt;2026&gt;<\/prot:Oggetto>/,
    );
    assert.match(s.xml, new RegExp(`<prot:DataRegistrazione>${record.date}</prot:DataRegistrazione>`));

    await assert.rejects(
      sql(env, `update protocol_segnatura set sha256 = repeat('0', 64) where record_id = $1`, [record.id]),
      /never changed or deleted/,
    );
    await assert.rejects(
      sql(env, 'delete from protocol_segnatura where record_id = $1', [record.id]),
      /never changed or deleted/,
    );
  });

  it('a registration after the seal is replaced is sealed with the new key, not a cached old one', async () => {
    const register = async () => {
      const reg = await prot.data(RegisterProtocolDocument, {
        input: {
          kind: 'ARRIVO',
          documentId: await draft(ids.uor['PROT'] ?? '', 'protocollista'),
          oggetto: 'Istanza prima e dopo il rinnovo del sigillo',
          correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Bianchi' }],
        },
      });
      const s = (await prot.data(ProtocolSegnaturaDocument, { id: reg.registerProtocol.id })).segnatura;
      assert.ok(s);
      return s.xml;
    };
    // The AOO's key opened and cached by a registration, then the seal replaced.
    const first = await register();
    assert.ok(xmlsecVerify(first, certificatePem).ok);
    const admin = await env.asUser('admin');
    const renewed = (await admin.data(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId }))
      .generateDevelopmentSegnaturaSeal.certificatePem;
    assert.notEqual(renewed, certificatePem);
    const second = await register();
    const withNew = xmlsecVerify(second, renewed);
    assert.ok(withNew.ok, withNew.output);
    assert.equal(xmlsecVerify(second, certificatePem).ok, false, 'not sealed with the replaced key');
    certificatePem = renewed;
  });

  it('a hidden record’s segnatura looks like a missing one; an AOO without a seal registers with none', async () => {
    const doc = await draft(ids.uor['PROT'] ?? '', 'protocollista');
    const reg = await prot.data(RegisterProtocolDocument, {
      input: {
        kind: 'PARTENZA',
        documentId: doc,
        oggetto: 'Comunicazione',
        correspondents: [
          { kind: 'PERSONA_GIURIDICA', denominazione: 'Verde Srl', partitaIva: '01234567897' },
        ],
      },
    });
    const hidden = await otherProt.request(ProtocolSegnaturaDocument, { id: reg.registerProtocol.id });
    const missing = await otherProt.request(ProtocolSegnaturaDocument, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(errorCode(hidden), 'NOT_FOUND');
    assert.equal(errorCode(missing), 'NOT_FOUND');
    assert.equal(
      hidden.errors?.[0]?.message.replace(reg.registerProtocol.id, 'ID'),
      missing.errors?.[0]?.message.replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    assert.equal(hidden.data?.segnatura ?? null, null);

    const unsealed = await otherProt.data(RegisterProtocolDocument, {
      input: {
        kind: 'ARRIVO',
        documentId: await draft(other.uorId, 'altrove.segnatura'),
        oggetto: 'Istanza senza sigillo',
        correspondents: [{ kind: 'PERSONA_GIURIDICA', denominazione: 'Verde Srl' }],
      },
    });
    assert.equal(unsealed.registerProtocol.number, 1, 'registered all the same');
    const none = await otherProt.data(ProtocolSegnaturaDocument, { id: unsealed.registerProtocol.id });
    assert.equal(none.segnatura, null);
    const seen = await otherProt.data(ProtocolRecordDocument, { id: unsealed.registerProtocol.id });
    assert.equal(seen.protocolRecord.oggetto, 'Istanza senza sigillo');
  });
});
