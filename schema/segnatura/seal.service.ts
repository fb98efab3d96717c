import { createCipheriv, createDecipheriv, createHash, createPrivateKey, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forbidden } from '../../server/auth/auth-checker.js';
import type { RequestContext } from '../../server/context.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError, InvalidInputError } from '../../server/errors/domain-error.js';
import { platformSecret } from '../../server/secrets/platform-secret.js';
import { Aoo, ORG_READ, visibleAoo } from '../organisation/index.js';
import { SEGNATURA_SEAL_MANAGE } from './permissions.js';
import { certificateInfo, generateDevelopmentSeal, readPkcs12, type SealMaterial } from './seal-keystore.js';
import { sealSegnaturaInput, sealSegnaturaXml } from './segnatura.js';
import type { SegnaturaInput } from './segnatura-input.js';
import type { SealKey } from './xades-seal.js';

/** Where a seal came from. */
export type SealSource = 'PKCS12' | 'DEVELOPMENT';

/** The public facts of an AOO's seal: what the API shows (never the key). */
export interface SealView {
  aooId: string;
  source: SealSource;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  certificateSha256: string;
  certificateDer: Buffer;
  configuredAt: Date;
  configuredBy: string | null;
}

/** A PKCS#12 keystore in base64: bounded (a seal keystore is a few KiB with its chain). */
const MAX_PKCS12_BASE64 = 256 * 1024;
const MAX_PASSWORD = 1024;
const SECRET_NAME = 'segnatura_seal_key';

interface SealRow {
  aoo_id: string;
  source: SealSource;
  key_ciphertext: Buffer;
  key_iv: Buffer;
  key_tag: Buffer;
  certificate_der: Buffer;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: Date;
  not_after: Date;
  certificate_sha256: string;
  configured_at: Date;
  configured_by: string | null;
}

function view(row: SealRow): SealView {
  return {
    aooId: row.aoo_id,
    source: row.source,
    subject: row.subject,
    issuer: row.issuer,
    serialNumber: row.serial_number,
    // raw rows: timestamps may come back as text
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
    certificateSha256: row.certificate_sha256,
    certificateDer: row.certificate_der,
    configuredAt: new Date(row.configured_at),
    configuredBy: row.configured_by,
  };
}

async function loadRow(em: EntityManager, aooId: string): Promise<SealRow | undefined> {
  const rows = await em.execute<SealRow[]>('select * from segnatura_seal where aoo_id = ?', [aooId]);
  return rows[0];
}

/**
 * Seal rows read ahead (`preparedSealSql`, taken by `acceptPreparedSeal`) in a transaction (by its EntityManager), so that the
 * registration reads its AOO's seal before it takes its number, not while it holds the counter
 * row: every statement made while the counter is locked makes the other registrations wait.
 */
const preparedRows = new WeakMap<EntityManager, Map<string, SealRow | undefined>>();

/**
 * Seal keys already opened, by AOO and the stored key's encryption (IV and tag, new for every
 * stored key): opening one costs the platform secret (two statements), a decryption and two key
 * parses, which every sealed registration would otherwise pay. Only a row that is read (so the
 * AOO's current seal) is looked up here; a replaced seal has another IV and is opened anew.
 */
const openedKeys = new Map<string, SealKey>();
const MAX_OPENED_KEYS = 1000;

async function openKey(em: EntityManager, row: SealRow): Promise<SealKey> {
  const id = `${row.aoo_id}/${row.key_iv.toString('hex')}/${row.key_tag.toString('hex')}`;
  const opened = openedKeys.get(id);
  if (opened) return opened;
  const key = await platformSecret(em, SECRET_NAME);
  const decipher = createDecipheriv('aes-256-gcm', key, row.key_iv);
  decipher.setAAD(Buffer.from(row.aoo_id, 'utf8'));
  decipher.setAuthTag(row.key_tag);
  const pkcs8 = Buffer.concat([decipher.update(row.key_ciphertext), decipher.final()]);
  const sealKey: SealKey = {
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    certificateDer: row.certificate_der,
  };
  if (openedKeys.size >= MAX_OPENED_KEYS) openedKeys.clear();
  openedKeys.set(id, sealKey);
  return sealKey;
}

/** What a segnatura says of the sealing AOO and its administration (plain values). */
export interface SealedAoo {
  code: string;
  name: string;
  pecAddress: string;
  registerCode: string;
  administration: { name: string; ipaCode: string };
}

/**
 * The AOO's seal, read in the transaction ahead of `sealSegnatura` (which then makes no statement
 * of its own), as an expression of another statement: the protocol module reads it with the
 * document it registers, before it takes the number: a json value for the AOO whose id is the SQL
 * expression `aooIdSql`: the AOO and administration facts its segnatura names and its seal row
 * (null when it has none; byteas in hex). Pass the value to `acceptPreparedSeal`.
 */
export function preparedSealSql(aooIdSql: string): string {
  return `(select json_build_object(
             'aoo', json_build_object('code', a.code, 'name', a.name, 'pecAddress', a.pec_address,
                      'registerCode', a.register_code,
                      'administration', json_build_object('name', ad.name, 'ipaCode', ad.ipa_code)),
             'seal', case when s.aoo_id is null then null else json_build_object(
                      'aoo_id', s.aoo_id, 'source', s.source, 'key_ciphertext', encode(s.key_ciphertext, 'hex'),
                      'key_iv', encode(s.key_iv, 'hex'), 'key_tag', encode(s.key_tag, 'hex'),
                      'certificate_der', encode(s.certificate_der, 'hex'), 'subject', s.subject,
                      'issuer', s.issuer, 'serial_number', s.serial_number, 'not_before', s.not_before,
                      'not_after', s.not_after, 'certificate_sha256', s.certificate_sha256,
                      'configured_at', s.configured_at, 'configured_by', s.configured_by) end)
       from aoo a join administration ad on ad.id = a.administration_id
       left join segnatura_seal s on s.aoo_id = a.id
      where a.id = ${aooIdSql})`;
}

/** What `preparedSealSql` reads (json: byteas in hex, timestamps as text). */
interface PreparedSealJson {
  aoo: SealedAoo;
  seal:
    | (Omit<SealRow, 'key_ciphertext' | 'key_iv' | 'key_tag' | 'certificate_der'> & {
        key_ciphertext: string;
        key_iv: string;
        key_tag: string;
        certificate_der: string;
      })
    | null;
}

/**
 * Takes the value `preparedSealSql` read in this transaction: opens the key and remembers the
 * row, so `sealSegnatura` makes no statement of its own; null when the AOO has no seal, else
 * the AOO and administration facts its segnatura names.
 */
export async function acceptPreparedSeal(
  tx: UnitOfWork,
  aooId: string,
  found: unknown,
): Promise<SealedAoo | null> {
  const value = found as PreparedSealJson | null;
  const seal = value?.seal ?? null;
  const row: SealRow | undefined = seal
    ? {
        ...seal,
        key_ciphertext: Buffer.from(seal.key_ciphertext, 'hex'),
        key_iv: Buffer.from(seal.key_iv, 'hex'),
        key_tag: Buffer.from(seal.key_tag, 'hex'),
        certificate_der: Buffer.from(seal.certificate_der, 'hex'),
      }
    : undefined;
  if (row) await openKey(tx.em, row);
  let rows = preparedRows.get(tx.em);
  if (!rows) preparedRows.set(tx.em, (rows = new Map<string, SealRow | undefined>()));
  rows.set(aooId, row);
  return row && value ? value.aoo : null;
}

/** The seal of an AOO the caller sees (null when none is set); NOT_FOUND for a hidden AOO. */
export async function readSeal(ctx: RequestContext, aooId: string): Promise<SealView | null> {
  await visibleAoo(ctx, ctx.em, aooId);
  if (
    !ctx.user?.platformAdmin &&
    !ctx.grants.has(SEGNATURA_SEAL_MANAGE, aooId) &&
    !ctx.grants.has(ORG_READ, aooId)
  )
    throw forbidden('read the seal of this AOO');
  const row = await loadRow(ctx.em, aooId);
  return row ? view(row) : null;
}

/**
 * Stores (or replaces) the AOO's seal in the caller's transaction, audited with the previous and
 * the new certificate; the key is encrypted here and nowhere else.
 */
async function storeSeal(
  tx: UnitOfWork,
  aooId: string,
  material: SealMaterial,
  source: SealSource,
): Promise<SealView> {
  const info = certificateInfo(material.certificateDer);
  const key = await platformSecret(tx.em, SECRET_NAME);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aooId, 'utf8'));
  const pkcs8 = material.privateKey.export({ type: 'pkcs8', format: 'der' });
  const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const previous = await loadRow(tx.em, aooId);
  preparedRows.get(tx.em)?.delete(aooId);
  const now = tx.clock.now();
  const actor = tx.user?.id ?? null;
  await tx.em.execute(
    `insert into segnatura_seal (aoo_id, source, key_ciphertext, key_iv, key_tag, certificate_der, subject, issuer,
       serial_number, not_before, not_after, certificate_sha256, configured_at, configured_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (aoo_id) do update set source = excluded.source, key_ciphertext = excluded.key_ciphertext,
       key_iv = excluded.key_iv, key_tag = excluded.key_tag, certificate_der = excluded.certificate_der,
       subject = excluded.subject, issuer = excluded.issuer, serial_number = excluded.serial_number,
       not_before = excluded.not_before, not_after = excluded.not_after,
       certificate_sha256 = excluded.certificate_sha256, configured_at = excluded.configured_at,
       configured_by = excluded.configured_by`,
    [
      aooId,
      source,
      ciphertext,
      iv,
      cipher.getAuthTag(),
      material.certificateDer,
      info.subject,
      info.issuer,
      info.serialNumber,
      info.notBefore,
      info.notAfter,
      info.sha256,
      now,
      actor,
    ],
  );
  // The audit says which certificate replaced which: facts of certificates only, never the key.
  const facts = (
    r: { subject: string; issuer: string; serial: string; sha256: string; source: string } | null,
  ) =>
    r && {
      source: r.source,
      subject: r.subject,
      issuer: r.issuer,
      serialNumber: r.serial,
      certificateSha256: r.sha256,
    };
  await tx.audit({
    aooId,
    operation: source === 'PKCS12' ? 'segnatura.seal.set' : 'segnatura.seal.generate-development',
    targetType: 'SegnaturaSeal',
    targetId: aooId,
    changes: {
      seal: [
        facts(
          previous
            ? {
                source: previous.source,
                subject: previous.subject,
                issuer: previous.issuer,
                serial: previous.serial_number,
                sha256: previous.certificate_sha256,
              }
            : null,
        ),
        facts({
          source,
          subject: info.subject,
          issuer: info.issuer,
          serial: info.serialNumber,
          sha256: info.sha256,
        }),
      ],
    },
  });
  const stored = await loadRow(tx.em, aooId);
  if (!stored) throw new Error(`segnatura seal of ${aooId} not stored`);
  return view(stored);
}

async function managedAoo(ctx: RequestContext, aooId: string): Promise<Aoo> {
  const aoo = await visibleAoo(ctx, ctx.em, aooId);
  // The platform administrator, who creates AOOs, may give one its seal too.
  if (!ctx.user?.platformAdmin && !ctx.grants.has(SEGNATURA_SEAL_MANAGE, aooId))
    throw forbidden("set the AOO's seal (needs SEGNATURA_SEAL_MANAGE in the AOO)");
  return aoo;
}

/**
 * A segnatura sealed outside its certificate's validity fails the receiving AOO's check
 * (Allegato 6: 001_ValidazioneFirma): refused here, with what to do.
 */
function requireValidAt(notBefore: Date, notAfter: Date, at: Date): void {
  if (at < notBefore || at > notAfter)
    throw new DomainError(
      'SEAL_CERTIFICATE_NOT_VALID',
      `The seal's certificate is valid from ${notBefore.toISOString()} to ${notAfter.toISOString()}, not at ${at.toISOString()}: renew the seal`,
      { notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString() },
    );
}

/** Sets the AOO's seal from a PKCS#12 keystore (base64) and its password, as a QTSP delivers it. */
export async function setSealFromPkcs12(
  ctx: RequestContext,
  aooId: string,
  pkcs12Base64: string,
  password: string,
): Promise<SealView> {
  await managedAoo(ctx, aooId);
  if (pkcs12Base64.length > MAX_PKCS12_BASE64)
    throw new InvalidInputError('pkcs12', `must be at most ${MAX_PKCS12_BASE64} base64 characters`);
  if (password.length > MAX_PASSWORD)
    throw new InvalidInputError('password', `must be at most ${MAX_PASSWORD} characters`);
  const material = readPkcs12(pkcs12Base64, password);
  const info = certificateInfo(material.certificateDer);
  requireValidAt(info.notBefore, info.notAfter, ctx.clock.now());
  return withTransaction(ctx, (tx) => storeSeal(tx, aooId, material, 'PKCS12'));
}

/** Generates a development seal (self-signed, not qualified) for the AOO. */
export async function generateDevelopmentSealFor(ctx: RequestContext, aooId: string): Promise<SealView> {
  await managedAoo(ctx, aooId);
  return withTransaction(ctx, (tx) => storeDevelopmentSeal(tx, aooId));
}

/**
 * In a transaction already open (the `dms` command, the demo seed). `validFrom` (default: now)
 * starts the certificate's validity earlier, for data dated in the past (the demo register).
 */
export async function storeDevelopmentSeal(
  tx: UnitOfWork,
  aooId: string,
  validFrom?: Date,
): Promise<SealView> {
  const aoo = await tx.em.findOneOrFail(Aoo, { id: aooId }, { populate: ['administration'] });
  const material = generateDevelopmentSeal(
    `Sigillo segnatura ${aoo.code}`,
    aoo.administration.name,
    validFrom ?? tx.clock.now(),
  );
  return storeSeal(tx, aooId, material, 'DEVELOPMENT');
}

/**
 * Seals a segnatura (from `buildSegnatura`) with the AOO's seal, at the transaction's clock
 * (SigningTime). For the protocol module, in its registration transaction (Allegato 6: number,
 * segnatura and seal are one atomic step). `sha256` is the hex digest of the sealed XML's UTF-8
 * bytes, to store beside it.
 */
export async function sealSegnatura(
  tx: UnitOfWork | RequestContext,
  aooId: string,
  xml: string | (() => string),
): Promise<{ xml: string; sha256: string }> {
  return sealWithAooSeal(tx, aooId, (key, now) =>
    sealSegnaturaXml(typeof xml === 'string' ? xml : xml(), key, now),
  );
}

/**
 * `sealSegnatura` of the segnatura of `input` (`buildSegnatura`), built and sealed without
 * writing and parsing its unsigned text (`sealSegnaturaInput`): the same sealed XML.
 */
export async function sealSegnaturaOf(
  tx: UnitOfWork | RequestContext,
  aooId: string,
  input: SegnaturaInput,
): Promise<{ xml: string; sha256: string }> {
  return sealWithAooSeal(tx, aooId, (key, now) => Promise.resolve(sealSegnaturaInput(input, key, now)));
}

async function sealWithAooSeal(
  tx: UnitOfWork | RequestContext,
  aooId: string,
  seal: (key: SealKey, now: Date) => Promise<string>,
): Promise<{ xml: string; sha256: string }> {
  const prepared = preparedRows.get(tx.em);
  const row = prepared?.has(aooId) ? prepared.get(aooId) : await loadRow(tx.em, aooId);
  if (!row)
    throw new DomainError('SEAL_NOT_CONFIGURED', `The AOO has no segnatura seal: configure one first`, {
      aooId,
    });
  const now = tx.clock.now();
  requireValidAt(new Date(row.not_before), new Date(row.not_after), now);
  const key = await openKey(tx.em, row);
  // Built only now (in `seal`): an AOO without a valid seal costs no XML.
  const sealed = await seal(key, now);
  return { xml: sealed, sha256: createHash('sha256').update(sealed, 'utf8').digest('hex') };
}

/**
 * The AOO's seal key and certificate, to seal something other than a segnatura (the daily
 * register's detached CAdES); null when the AOO has none. A seal not valid now is refused as
 * for a segnatura.
 */
export async function aooSealKey(ctx: UnitOfWork | RequestContext, aooId: string): Promise<SealKey | null> {
  const row = await loadRow(ctx.em, aooId);
  if (!row) return null;
  requireValidAt(new Date(row.not_before), new Date(row.not_after), ctx.clock.now());
  return openKey(ctx.em, row);
}
