import { Readable } from 'node:stream';
import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import {
  ConservationColour,
  ConservationItem,
  ConservationPackage,
  markPackageBuilt,
  recordItemOutcome,
  recordItemSending,
  recordTransferAttempt,
  type BuiltPackage,
} from '../package/index.js';
import {
  ConservatorResponseInvalid,
  ConservatorUnavailable,
  httpConnector,
  type ConnectorOutcome,
  type ConservationConnector,
  type UdSubmission,
} from '../connector/index.js';
import { loadSipPackage, writeSip, type SipPackage, type SipUnit } from '../sip/index.js';
import { withPackageLease } from './package-lease.js';
import { versatoreFor } from './versatore.js';

/** Where a package stands after one transfer run. */
export interface TransferResult {
  packageId: string;
  /** Another process holds the package's lease: it is transferring it now. */
  busy: boolean;
  builtNow: boolean;
  sent: number;
  green: number;
  red: number;
  orange: number;
}

/** Documents sent at once by one transfer run. */
export const TRANSFER_CONCURRENCY = 4;

export interface TransferOptions {
  /** Tests and the benchmark may pass one; otherwise the configured HTTP connector. */
  connector?: ConservationConnector;
}

/**
 * One transfer run of a package (the job's work; `dms conservazione transfer` runs it by hand):
 * builds and stores its SIP once, then sends each orange document and records the conservator's
 * answer in its own transaction. A document sent before whose answer was lost (a crash, a
 * timeout) is first asked about (status), so nothing is conserved twice. Throws when the
 * conservator is unavailable or answers unacceptably (the job retries), after recording why.
 */
export async function runTransfer(
  ctx: RequestContext,
  packageId: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  const result = await withPackageLease(ctx.platform, packageId, () => transfer(ctx, packageId, options));
  return result ?? { packageId, busy: true, builtNow: false, sent: 0, green: 0, red: 0, orange: 0 };
}

async function transfer(
  ctx: RequestContext,
  packageId: string,
  options: TransferOptions,
): Promise<TransferResult> {
  const em = ctx.em.fork();
  const pkg = await em.findOne(ConservationPackage, { id: packageId });
  if (!pkg) throw new DomainError('NOT_FOUND', `No conservation package ${packageId}`, { packageId });
  const result: TransferResult = {
    packageId,
    busy: false,
    builtNow: false,
    sent: 0,
    green: 0,
    red: 0,
    orange: 0,
  };
  if ((await waiting(ctx, packageId)).length === 0) return tally(ctx, result);
  const config = ctx.platform.config.conservation;
  const versatore = await versatoreFor(em, config, pkg.aooId);
  let sip: SipPackage;
  try {
    const items = await em.find(ConservationItem, { packageId }, { orderBy: { position: 'asc' } });
    sip = await loadSipPackage(em, {
      packageId,
      aooId: pkg.aooId,
      kind: pkg.kind,
      label: pkg.label,
      createdAt: pkg.createdAt,
      documentIds: items.map((i) => i.documentId),
      fascicoloId: pkg.fascicoloId,
      dailyRegisterId: pkg.dailyRegisterId,
    });
    if (!pkg.builtAt) {
      const built = await writeSip(ctx.platform, sip, versatore);
      const stored: BuiltPackage = {
        sip: built.sip,
        pindex: built.pindex,
        items: built.descriptors.map((d) => ({
          documentId: d.documentId,
          key: keyOf(sip, d.documentId),
          descriptor: d.blob,
        })),
      };
      await withTransaction(ctx, (tx) => markPackageBuilt(tx, packageId, stored));
      result.builtNow = true;
    }
  } catch (err) {
    // A document that cannot be packaged stays orange with the reason; retrying would not help.
    if (err instanceof DomainError) {
      await withTransaction(ctx, (tx) => recordTransferAttempt(tx, packageId, err.message));
      return tally(ctx, result);
    }
    throw err;
  }
  const connector = options.connector ?? (config.url ? httpConnector(config, versatore) : null);
  if (!connector) {
    await withTransaction(ctx, (tx) =>
      recordTransferAttempt(
        tx,
        packageId,
        'No conservator is configured (CONSERVATION_URL): the package waits',
      ),
    );
    return tally(ctx, result);
  }
  // A few documents in flight at once: the conservator's work (and ours, checking each answer
  // against its schema) overlaps; the first failure stops taking new ones.
  const queue = await waiting(ctx, packageId);
  const failures: Array<{ error: ConservatorUnavailable | ConservatorResponseInvalid; documentId: string }> =
    [];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item && failures.length === 0; item = queue.shift()) {
      try {
        // Each document on an entity manager of its own: a transaction's entities are merged into
        // its parent's identity map on commit, and thousands of them would stay there.
        const own = { ...ctx, em: ctx.em.fork({ clear: true }) };
        // Awaited first: `sent += await …` would add to the value read before the wait.
        const sends = await transferItem(own, connector, sip, item);
        result.sent += sends;
      } catch (err) {
        if (!(err instanceof ConservatorUnavailable || err instanceof ConservatorResponseInvalid)) throw err;
        failures.push({ error: err, documentId: item.documentId });
      }
    }
  };
  await Promise.all(Array.from({ length: TRANSFER_CONCURRENCY }, worker));
  const [failure] = failures;
  if (failure) {
    const { error, documentId } = failure;
    await withTransaction(ctx, (tx) => recordTransferAttempt(tx, packageId, error.message));
    throw new DomainError(error.code, error.message, { packageId, documentId });
  }
  await withTransaction(ctx, (tx) => recordTransferAttempt(tx, packageId, null));
  return tally(ctx, result);
}

/**
 * One document: asked about first when it was sent before and its answer never recorded (the
 * conservator may hold it), else sent; its outcome recorded. Returns how many sends it made.
 */
async function transferItem(
  ctx: RequestContext,
  connector: ConservationConnector,
  sip: SipPackage,
  item: ConservationItem,
): Promise<number> {
  const unit = sip.units.find((u) => u.documentId === item.documentId);
  if (
    !unit ||
    item.registro === null ||
    item.anno === null ||
    item.numero === null ||
    !item.descriptorBlobKey
  ) {
    throw new Error(`Package ${item.packageId}: document ${item.documentId} is not in its built SIP`);
  }
  const key = { registro: item.registro, anno: item.anno, numero: item.numero };
  const known = item.sentCount > 0 ? await connector.status(key) : ({ kind: 'UNKNOWN' } as const);
  if (known.kind !== 'UNKNOWN') {
    await recordOutcome(ctx, item.id, known);
    return 0;
  }
  await withTransaction(ctx, (tx) => recordItemSending(tx, item.id));
  const descriptorBlobKey = item.descriptorBlobKey;
  await recordOutcome(
    ctx,
    item.id,
    await connector.send(await submission(ctx, unit, key, descriptorBlobKey)),
  );
  return 1;
}

function keyOf(sip: SipPackage, documentId: string): { registro: string; anno: number; numero: string } {
  const unit = sip.units.find((u) => u.documentId === documentId);
  if (!unit) throw new Error(`The SIP has a descriptor of document ${documentId} it does not carry`);
  return unit.key;
}

async function waiting(ctx: RequestContext, packageId: string): Promise<ConservationItem[]> {
  return ctx.em
    .fork()
    .find(
      ConservationItem,
      { packageId, colour: ConservationColour.ORANGE },
      { orderBy: { position: 'asc' } },
    );
}

async function tally(ctx: RequestContext, result: TransferResult): Promise<TransferResult> {
  const items = await ctx.em.fork().find(ConservationItem, { packageId: result.packageId });
  for (const i of items) {
    if (i.colour === ConservationColour.GREEN) result.green += 1;
    else if (i.colour === ConservationColour.RED) result.red += 1;
    else result.orange += 1;
  }
  return result;
}

/** The request as built (read back from storage) and the files, streamed from the blob store. */
async function submission(
  ctx: RequestContext,
  unit: SipUnit,
  key: UdSubmission['key'],
  descriptorBlobKey: string,
): Promise<UdSubmission> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.platform.blobs.get(descriptorBlobKey)) chunks.push(chunk as Buffer);
  return {
    key,
    xml: Buffer.concat(chunks).toString('utf8'),
    components: unit.components.map((c) => ({
      id: c.id,
      name: c.name,
      mediaType: c.mediaType,
      size: c.size,
      sha256: c.sha256,
      open: () => ctx.platform.blobs.get(c.blobKey),
    })),
  };
}

async function recordOutcome(ctx: RequestContext, itemId: string, outcome: ConnectorOutcome): Promise<void> {
  if (outcome.kind === 'CONSERVED') {
    const rapporto = await ctx.platform.blobs.put(Readable.from([Buffer.from(outcome.rapportoXml, 'utf8')]));
    await withTransaction(ctx, (tx) =>
      recordItemOutcome(tx, itemId, {
        colour: ConservationColour.GREEN,
        outcomeCode: outcome.alreadyConserved ? 'GIA_CONSERVATO' : 'POSITIVO',
        conservatorId: outcome.conservatorId,
        rapporto,
        warnings: outcome.warnings.map((w) => ({ ...w, componentId: w.componentId ?? null })),
        alreadyConserved: outcome.alreadyConserved,
      }),
    );
    return;
  }
  await withTransaction(ctx, (tx) =>
    recordItemOutcome(tx, itemId, {
      colour: ConservationColour.RED,
      outcomeCode: 'NEGATIVO',
      reasons: outcome.reasons.map((r) => ({ ...r, componentId: r.componentId ?? null })),
    }),
  );
}
