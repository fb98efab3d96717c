import { createHash } from 'node:crypto';
import { romeDay } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { actingAs } from '../../server/db/acting-as.js';
import { withTransaction, type UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { addSystemFiles, createSystemDocument, DocumentFormat } from '../documents/index.js';
import { protocolDay } from '../protocollo/index.js';
import { createRepertorio, registerEntry, Repertorio } from '../repertori/index.js';
import { aooSealKey } from '../segnatura/index.js';
import { cadesDetached } from './cades-seal.js';
import { chainHeadBefore, sealAuditChains } from './chain-head.js';
import { DailyRegister } from './daily-register.entity.js';
import { DailyRegisterProduced } from './daily-register.events.js';
import { registerOwner } from './register-people.js';
import { dayNumbers, persistentIdentifier, REGISTER_OGGETTO, registerXml } from './register-xml.js';
import { romeDayBounds } from './rome-day.js';

/** The repertorio that numbers an AOO's daily registers; created on the first register. */
export const DAILY_REGISTER_REPERTORIO_CODE = 'REGISTRO_GIORNALIERO';

export interface ProducedRegister {
  register: DailyRegister;
  /** false: the day had its register already (re-running a day produces nothing). */
  created: boolean;
}

/**
 * Produces the daily register of one AOO and Italian calendar day (001 §6.8), once: the XML of
 * the day's registrations, annulments and changes with the audit chain head at the day's close,
 * stored as a document of the AOO, sealed with a detached CAdES-BES by the AOO's seal, numbered
 * in the REGISTRO_GIORNALIERO repertorio, recorded READY_FOR_CONSERVATION — all in one
 * transaction, serialised per AOO (an advisory lock), so a day has one register and the
 * progressive numbers follow the order of production. A day that has its register answers it
 * unchanged. Refused before the day is over, without an RGD (DAILY_REGISTER_NO_RGD) and without
 * a seal (SEAL_NOT_CONFIGURED: nothing is produced; the job tries again on its next run, and the
 * content is the same then, since it is read as of the day's close).
 */
export async function produceDailyRegister(
  ctx: RequestContext,
  aooId: string,
  day: string,
): Promise<ProducedRegister> {
  const { from, to } = romeDayBounds(day);
  if (ctx.clock.now() < to) {
    throw new DomainError(
      'DAILY_REGISTER_DAY_NOT_CLOSED',
      `the day ${day} is not over in Europe/Rome: its register is produced from the next day`,
      { day },
    );
  }
  const existing = await ctx.em.fork().findOne(DailyRegister, { aooId, day });
  if (existing) return { register: existing, created: false };
  // The rows audited during the day are sealed into the chain first, so its head covers them.
  await sealAuditChains(ctx.platform);
  return withTransaction(ctx, async (tx) => {
    await tx.em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`daily-register:${aooId}`]);
    const again = await tx.em.findOne(DailyRegister, { aooId, day });
    if (again) return { register: again, created: false };
    return { register: await produce(tx, aooId, day, from, to), created: true };
  });
}

async function produce(
  tx: UnitOfWork,
  aooId: string,
  day: string,
  from: Date,
  to: Date,
): Promise<DailyRegister> {
  const owner = await registerOwner(tx, aooId);
  const { aoo } = owner;
  if (romeDay(aoo.createdAt) > day) {
    throw new DomainError('DAILY_REGISTER_DAY_NOT_CLOSED', `AOO ${aoo.code} did not exist on ${day}`, {
      day,
    });
  }
  const seal = await aooSealKey(tx, aooId);
  if (!seal) {
    throw new DomainError(
      'SEAL_NOT_CONFIGURED',
      `AOO ${aoo.code} has no seal: its daily register is produced once one is configured`,
      { aooId },
    );
  }
  const protocol = await protocolDay(tx.em, aooId, day, from, to);
  const chainHead = await chainHeadBefore(tx.em, aooId, to);
  // Repertorio, document and entry are made as the RGD would: the repertori and documents rules apply.
  const asRgd = await actingAs(tx, owner.creator.username);
  const repertorio =
    (await tx.em.findOne(Repertorio, { aooId, code: DAILY_REGISTER_REPERTORIO_CODE })) ??
    (await createRepertorio(asRgd, {
      aooId,
      code: DAILY_REGISTER_REPERTORIO_CODE,
      name: REGISTER_OGGETTO,
    }));
  const identifier = persistentIdentifier(aoo.administration.ipaCode, aoo.code, day);
  const document = await createSystemDocument(asRgd, {
    aooId,
    uorId: owner.uorId,
    createdById: owner.creator.id,
    oggetto: `${REGISTER_OGGETTO} del ${day} (${identifier})`,
  });
  let xml: Buffer = Buffer.alloc(0);
  let p7s: Buffer = Buffer.alloc(0);
  let fileIds: string[] = [];
  const createdAt = tx.clock.now();
  // The number is taken first: the XML states it, and the document is frozen once numbered.
  const entry = await registerEntry(
    asRgd,
    { repertorioId: repertorio.id, documentId: document.id },
    {
      onNumbered: async (numbered, e) => {
        xml = Buffer.from(
          registerXml({
            identifier,
            administration: { ipaCode: aoo.administration.ipaCode, name: aoo.administration.name },
            aoo: { code: aoo.code, name: aoo.name },
            registerCode: aoo.registerCode,
            progressive: { number: e.number, year: e.year },
            day,
            from,
            to,
            createdAt,
            rgd: owner.rgd,
            protocol,
            chainHead,
          }),
          'utf8',
        );
        p7s = await cadesDetached(xml, seal, createdAt);
        const name = `${identifier}.xml`;
        const files = await addSystemFiles(numbered, document, [
          {
            bytes: xml,
            name,
            mediaType: 'application/xml',
            format: DocumentFormat.XML,
            formatAccepted: true,
          },
          {
            bytes: p7s,
            name: `${name}.p7s`,
            mediaType: 'application/pkcs7-signature',
            format: DocumentFormat.OTHER,
            formatAccepted: true,
            description: "Sigillo elettronico dell'AOO (CAdES-BES, firma staccata)",
          },
        ]);
        fileIds = files.map((f) => f.id);
      },
    },
  );
  const numbers = dayNumbers(protocol);
  const register = tx.em.create(DailyRegister, {
    aooId,
    day,
    identifier,
    documentId: document.id,
    xmlFileId: fileIds[0] ?? '',
    signatureFileId: fileIds[1] ?? '',
    sha256: createHash('sha256').update(xml).digest('hex'),
    signatureSha256: createHash('sha256').update(p7s).digest('hex'),
    repertorioEntryId: entry.id,
    progressive: entry.number,
    progressiveYear: entry.year,
    registrationCount: protocol.registrations.length,
    firstNumber: numbers?.first ?? null,
    lastNumber: numbers?.last ?? null,
    annulmentCount: protocol.annulments.length,
    changeCount: protocol.changes.length,
    chainSeq: chainHead?.seq ?? null,
    chainHash: chainHead?.hash ?? null,
    chainAt: chainHead?.at ?? null,
    producedAt: createdAt,
    producedById: tx.user?.id ?? null,
  });
  await tx.audit({
    aooId,
    operation: 'dailyRegister.produce',
    targetType: 'DailyRegister',
    targetId: register.id,
    changes: {
      day,
      identifier,
      sha256: register.sha256,
      progressive: `${register.progressive}/${register.progressiveYear}`,
      registrations: register.registrationCount,
      chainHead: chainHead ? { seq: chainHead.seq, hash: chainHead.hash } : null,
    },
  });
  tx.publish(
    new DailyRegisterProduced({ dailyRegisterId: register.id, aooId, day, documentId: document.id }),
  );
  return register;
}
