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
import { loadSipPackage, writeSip, type SipUnit, type UnitKey } from '../sip/index.js';
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
  if (!(await nextWaiting(ctx, packageId, -1, 1)).length) return tally(ctx, result);
  const config = ctx.platform.config.conservation;
  const versatore = await versatoreFor(em, config, pkg.aooId);
  let components: Map<string, SipUnit['components']>;
  try {
    const items = await em.find(ConservationItem, { packageId }, { orderBy: { position: 'asc' } });
    const sip = await loadSipPackage(em, {
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
      const keys = new Map(sip.units.map((u) => [u.documentId, u.key]));
      const stored: BuiltPackage = {
        sip: built.sip,
        pindex: built.pindex,
        items: built.descriptors.map((d) => ({
          documentId: d.documentId,
          key: keyOf(keys, d.documentId),
          descriptor: d.blob,
        })),
      };
      await withTransaction(ctx, (tx) => markPackageBuilt(tx, packageId, stored));
      result.builtNow = true;
    }
    // Sending needs each document's files, nothing else of the SIP: the units, their metadata and
    // the entities they were read from are let go before the first send.
    components = new Map(sip.units.map((u) => [u.documentId, u.components]));
  } catch (err) {
    // A document that cannot be packaged stays orange with the reason; retrying would not help.
    if (err instanceof DomainError) {
      await withTransaction(ctx, (tx) => recordTransferAttempt(tx, packageId, err.message));
      return tally(ctx, result);
    }
    throw err;
  } finally {
    em.clear();
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
  // against its schema) overlaps; the first failure stops taking new ones. The waiting items are
  // read a page at a time (by position), so a package of any size holds one page of them.
  const failures: Array<{ error: ConservatorUnavailable | ConservatorResponseInvalid; documentId: string }> =
    [];
  let page: ConservationItem[] = [];
  let after = -1;
  let exhausted = false;
  let reading: Promise<void> | null = null;
  const take = async (): Promise<ConservationItem | undefined> => {
    while (page.length === 0 && !exhausted) {
      // One read at a time; the other workers wait for its page.
      reading ??= nextWaiting(ctx, packageId, after, WAITING_PAGE)
        .then((items) => {
          page = items;
          exhausted = items.length < WAITING_PAGE;
          after = items.at(-1)?.position ?? after;
        })
        .finally(() => {
          reading = null;
        });
      await reading;
    }
    return page.shift();
  };
  const worker = async (): Promise<void> => {
    for (let item = await take(); item && failures.length === 0; item = await take()) {
      try {
        // Each document on an entity manager of its own: a transaction's entities are merged into
        // its parent's identity map on commit, and thousands of them would stay there.
        const own = { ...ctx, em: ctx.em.fork({ clear: true }) };
        // Awaited first: `sent += await …` would add to the value read before the wait.
        const sends = await transferItem(own, connector, components.get(item.documentId), item);
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
  components: SipUnit['components'] | undefined,
  item: ConservationItem,
): Promise<number> {
  if (
    !components ||
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
    await connector.send(await submission(ctx, components, key, descriptorBlobKey)),
  );
  return 1;
}

function keyOf(keys: ReadonlyMap<string, UnitKey>, documentId: string): UnitKey {
  const key = keys.get(documentId);
  if (!key) throw new Error(`The SIP has a descriptor of document ${documentId} it does not carry`);
  return key;
}

/** Waiting items read at once by a transfer run. */
const WAITING_PAGE = 100;

/** The next `limit` orange items of the package after `position`, on a fork of their own. */
async function nextWaiting(
  ctx: RequestContext,
  packageId: string,
  position: number,
  limit: number,
): Promise<ConservationItem[]> {
  return ctx.em
    .fork({ clear: true })
    .find(
      ConservationItem,
      { packageId, colour: ConservationColour.ORANGE, position: { $gt: position } },
      { orderBy: { position: 'asc' }, limit },
    );
}

/** How many items of the package are of each colour (the package's counters). */
async function tally(ctx: RequestContext, result: TransferResult): Promise<TransferResult> {
  const pkg = await ctx.em
    .fork({ clear: true })
    .findOneOrFail(ConservationPackage, { id: result.packageId }, { refresh: true });
  result.red = pkg.redCount;
  result.orange = pkg.orangeCount;
  result.green = pkg.itemCount - pkg.redCount - pkg.orangeCount;
  return result;
}

/** The request as built (read back from storage) and the files, streamed from the blob store. */
async function submission(
  ctx: RequestContext,
  components: SipUnit['components'],
  key: UdSubmission['key'],
  descriptorBlobKey: string,
): Promise<UdSubmission> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.platform.blobs.get(descriptorBlobKey)) chunks.push(chunk as Buffer);
  return {
    key,
    xml: Buffer.concat(chunks).toString('utf8'),
    components: components.map((c) => ({
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
