import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  GenerateDevelopmentSegnaturaSealDocument,
  SegnaturaSealDocument,
  SetSegnaturaSealDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  buildSegnatura,
  generateDevelopmentSeal,
  sealSegnatura,
  toPkcs12,
} from '../../schema/segnatura/index.js';
import { developmentSealCommand } from '../../schema/segnatura/seal.command.js';
import { seedDemo } from '../../server/bootstrap.js';
import { systemContext } from '../../server/context.js';
import { withTransaction } from '../../server/db/unit-of-work.js';
import { SettableClock } from '../harness/clock.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { createSecondAoo, type SecondAoo } from '../harness/org-fixtures.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';
import {
  CORRESPONDENTS,
  segnaturaInput,
  xmllintValidate,
  xmlsecVerify,
} from '../fixtures/segnatura-fixture.js';

/**
 * The AOO's seal of its segnature: configured from a PKCS#12 keystore or generated for
 * development, by SEGNATURA_SEAL_MANAGE holders only, audited, its certificate readable and its
 * key never; sealSegnatura (for the protocol module) seals with it at the transaction's clock.
 */
describe('segnatura seal configuration', () => {
  const clock = new SettableClock('2026-06-15T10:00:00Z');
  let env: TestEnv;
  let ids: DemoIds;
  let second: SecondAoo;
  const clients = new Map<string, GraphqlClient>();
  const as = (username: string): GraphqlClient => {
    const c = clients.get(username);
    assert.ok(c, username);
    return c;
  };

  async function sealInTransaction(aooId: string) {
    const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
    return withTransaction(ctx, (tx) =>
      sealSegnatura(tx, aooId, buildSegnatura(segnaturaInput('PARTENZA', CORRESPONDENTS.personaGiuridica))),
    );
  }

  before(async () => {
    env = await startTestEnv({ clock });
    assert.equal(await seedDemo(env.platform, ['segnatura']), true);
    assert.equal(await seedDemo(env.platform, ['segnatura']), false, 'the seed loads once');
    ids = await demoIds(env);
    for (const u of ['admin', 'rgd', 'protocollista', 'rpa.ragioneria', 'lettore', 'segretario'])
      clients.set(u, await env.asUser(u));
    second = await createSecondAoo(as('admin'));
  });
  after(async () => {
    await env.close();
  });

  it('the demo AOO has a development seal from the seed; its certificate is readable, not its key', async () => {
    const r = await as('lettore').request(SegnaturaSealDocument, { aooId: ids.aooId });
    assert.equal(r.errors, undefined);
    const seal = r.data?.segnaturaSeal;
    assert.ok(seal);
    assert.equal(seal.source, 'DEVELOPMENT');
    assert.match(seal.subject, /CN=Sigillo segnatura ADEMO01/);
    assert.equal(seal.subject, seal.issuer);
    assert.match(seal.serialNumber, /^[0-9A-F]+$/);
    assert.match(seal.certificatePem, /^-----BEGIN CERTIFICATE-----/);
    assert.ok(new Date(seal.notAfter) > new Date(seal.notBefore));
    assert.doesNotMatch(JSON.stringify(r), /PRIVATE KEY|key_ciphertext|password/i);
  });

  it('sealSegnatura seals at the clock with the AOO key: valid XSD, verified by xmlsec1 with the published certificate', async () => {
    const { xml, sha256 } = await sealInTransaction(ids.aooId);
    const seal = (await as('rgd').data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    assert.ok(seal);
    assert.ok(xmllintValidate(xml).ok);
    const verify = xmlsecVerify(xml, seal.certificatePem);
    assert.ok(verify.ok, verify.output);
    assert.match(xml, /<xades:SigningTime>2026-06-15T10:00:00Z<\/xades:SigningTime>/);
    assert.match(sha256, /^[0-9a-f]{64}$/);
    assert.equal(xmlsecVerify(xml.replace('0000042', '0000043'), seal.certificatePem).ok, false);
  });

  it('an AOO without a seal: sealSegnatura is SEAL_NOT_CONFIGURED', async () => {
    await assert.rejects(sealInTransaction(second.aooId), (e: unknown) => {
      return (e as { extensions?: { code?: string } }).extensions?.code === 'SEAL_NOT_CONFIGURED';
    });
  });

  it('the RGD sets a PKCS#12 seal: used from then on, audited with both certificates, key stored encrypted', async () => {
    const material = generateDevelopmentSeal(
      'Sigillo qualificato AOO ADEMO01',
      'Comune di Esempio',
      clock.now(),
    );
    const pkcs12 = toPkcs12(material, 'p4ssw0rd-del-QTSP');
    const before = (await as('rgd').data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    const r = await as('rgd').request(SetSegnaturaSealDocument, {
      aooId: ids.aooId,
      input: { pkcs12, password: 'p4ssw0rd-del-QTSP' },
    });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const seal = r.data?.setSegnaturaSeal;
    assert.ok(seal);
    assert.equal(seal.source, 'PKCS12');
    assert.match(seal.subject, /CN=Sigillo qualificato AOO ADEMO01/);
    assert.notEqual(seal.certificateSha256, before?.certificateSha256);
    assert.doesNotMatch(JSON.stringify(r), /PRIVATE KEY|p4ssw0rd/);

    const { xml } = await sealInTransaction(ids.aooId);
    assert.ok(xmlsecVerify(xml, seal.certificatePem).ok);
    assert.equal(xmlsecVerify(xml, before?.certificatePem ?? '').ok, false);

    const [audit] = await sql<{ operation: string; changes: unknown; actor_username: string }>(
      env,
      `select operation, changes, actor_username from audit_event where target_type = 'SegnaturaSeal' order by id desc limit 1`,
    );
    assert.equal(audit?.operation, 'segnatura.seal.set');
    assert.equal(audit?.actor_username, 'rgd');
    const changes = JSON.stringify(audit?.changes);
    assert.ok(changes.includes(seal.certificateSha256) && changes.includes(before?.certificateSha256 ?? '-'));
    assert.doesNotMatch(changes, /p4ssw0rd|PRIVATE/);

    // At rest: neither the password nor the PKCS#8 key in clear.
    const pkcs8 = material.privateKey.export({ type: 'pkcs8', format: 'der' });
    const [row] = await sql<{ key_ciphertext: Buffer }>(
      env,
      'select key_ciphertext from segnatura_seal where aoo_id = $1',
      [ids.aooId],
    );
    assert.ok(row);
    assert.equal(row.key_ciphertext.includes(pkcs8.subarray(0, 64)), false);
    const dump = JSON.stringify(await sql(env, 'select * from segnatura_seal'));
    assert.doesNotMatch(dump, /p4ssw0rd/);
  });

  it('a wrong password is SEAL_KEYSTORE_UNREADABLE, a keystore without key SEAL_KEYSTORE_INCOMPLETE; nothing changes', async () => {
    const current = (await as('rgd').data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    const pkcs12 = toPkcs12(generateDevelopmentSeal('X', 'Y', clock.now()), 'giusta');
    const wrong = await as('rgd').request(SetSegnaturaSealDocument, {
      aooId: ids.aooId,
      input: { pkcs12, password: 'sbagliata' },
    });
    assert.equal(errorCode(wrong), 'SEAL_KEYSTORE_UNREADABLE');
    const garbage = await as('rgd').request(SetSegnaturaSealDocument, {
      aooId: ids.aooId,
      input: { pkcs12: Buffer.from('not a keystore').toString('base64'), password: 'x' },
    });
    assert.equal(errorCode(garbage), 'SEAL_KEYSTORE_UNREADABLE');
    const after = (await as('rgd').data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    assert.equal(after?.certificateSha256, current?.certificateSha256);
  });

  it('a certificate outside its validity: refused when set, and sealing after it expires is SEAL_CERTIFICATE_NOT_VALID', async () => {
    const current = (await as('rgd').data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    // Valid from 2020 for three years: expired at the test's clock.
    const expired = toPkcs12(
      generateDevelopmentSeal('Scaduto', 'Ente', new Date('2020-01-01T00:00:00Z')),
      'pw',
    );
    const refused = await as('rgd').request(SetSegnaturaSealDocument, {
      aooId: ids.aooId,
      input: { pkcs12: expired, password: 'pw' },
    });
    assert.equal(errorCode(refused), 'SEAL_CERTIFICATE_NOT_VALID');
    const after = (await as('rgd').data(SegnaturaSealDocument, { aooId: ids.aooId })).segnaturaSeal;
    assert.equal(after?.certificateSha256, current?.certificateSha256);

    // The seal in place, four years on.
    const later = clock.now();
    clock.set('2031-01-01T00:00:00Z');
    try {
      await assert.rejects(
        sealInTransaction(ids.aooId),
        (e: unknown) =>
          (e as { extensions?: { code?: string } }).extensions?.code === 'SEAL_CERTIFICATE_NOT_VALID',
      );
    } finally {
      clock.set(later.toISOString());
    }
  });

  it('ACL: only SEGNATURA_SEAL_MANAGE (system admin, RGD) sets a seal; another AOO looks nonexistent', async () => {
    const pkcs12 = toPkcs12(generateDevelopmentSeal('Z', 'Z', clock.now()), 'pw');
    for (const u of ['protocollista', 'rpa.ragioneria', 'lettore', 'segretario']) {
      const set = await as(u).request(SetSegnaturaSealDocument, {
        aooId: ids.aooId,
        input: { pkcs12, password: 'pw' },
      });
      assert.equal(errorCode(set), 'FORBIDDEN', u);
      const gen = await as(u).request(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
      assert.equal(errorCode(gen), 'FORBIDDEN', u);
    }
    const gen = await as('admin').request(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId });
    assert.equal(gen.errors, undefined, JSON.stringify(gen.errors));
    assert.equal(gen.data?.generateDevelopmentSegnaturaSeal.source, 'DEVELOPMENT');

    // The RGD of the demo AOO on another AOO, and on an id that exists nowhere: the same answer.
    const other = await as('rgd').request(GenerateDevelopmentSegnaturaSealDocument, { aooId: second.aooId });
    const missing = await as('rgd').request(GenerateDevelopmentSegnaturaSealDocument, {
      aooId: randomUUID(),
    });
    assert.equal(errorCode(other), errorCode(missing));
    const read = await as('rgd').request(SegnaturaSealDocument, { aooId: second.aooId });
    assert.equal(
      errorCode(read),
      errorCode(await as('rgd').request(SegnaturaSealDocument, { aooId: randomUUID() })),
    );
    assert.equal(
      (await sql(env, 'select 1 from segnatura_seal where aoo_id = $1', [second.aooId])).length,
      0,
    );
  });

  it('`dms segnatura-dev-seal <aoo-code>` gives an AOO a development seal', async () => {
    const log = console.log;
    console.log = () => undefined;
    try {
      assert.equal(await developmentSealCommand.run(env.platform, ['AALTR01']), 0);
    } finally {
      console.log = log;
    }
    const { xml } = await sealInTransaction(second.aooId);
    const seal = (await as('admin').data(SegnaturaSealDocument, { aooId: second.aooId })).segnaturaSeal;
    assert.ok(seal && xmlsecVerify(xml, seal.certificatePem).ok);
  });
});
