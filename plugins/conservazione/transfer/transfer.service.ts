import { Readable } from 'node:stream';
import type { RequestContext } from '../../../server/context.js';
import { withTransaction } from '../../../server/db/unit-of-work.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import {
  ConservationColour,
  ConservationPackage,
  markPackageBuilt,
  recordItemOutcomes,
  recordItemsSending,
  recordTransferAttempt,
  type BuiltPackage,
  type ItemOutcome,
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
import { checkedOutcome } from './rapporto-check.js';
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
 * answers. The waiting documents are marked sent a page at a time, in one transaction, before
 * any of them goes; the answers are recorded a batch at a time. A document marked sent whose
 * answer was not recorded (a crash, a timeout, a run stopped before sending it) is first asked
 * about (status) by the next run, so nothing is conserved twice. Throws when the conservator is
 * unavailable or answers unacceptably (the job retries), after recording why.
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
  if (!(await anyWaiting(ctx, packageId))) return tally(ctx, result);
  const config = ctx.platform.config.conservation;
  const versatore = await versatoreFor(em, config, pkg.aooId);
  let components: Map<string, SipUnit['components']>;
  try {
    const items = await em.execute<Array<{ document_id: string }>>(
      'select document_id from conservation_item where package_id = ? order by position',
      [packageId],
    );
    const sip = await loadSipPackage(em, {
      packageId,
      aooId: pkg.aooId,
      kind: pkg.kind,
      label: pkg.label,
      createdAt: pkg.createdAt,
      documentIds: items.map((i) => i.document_id),
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
  // read a page at a time (by position), so a package of any size holds one page of them, and
  // each page is marked sent in one transaction (not one per document): what a document costs
  // in garbage decides how much of it lives long enough to reach V8's old generation.
  const failures: Array<{ error: ConservatorUnavailable | ConservatorResponseInvalid; documentId: string }> =
    [];
  const outcomes = new OutcomeRecorder(ctx);
  let broken = false; // an unexpected error: the others stop too
  let page: WaitingItem[] = [];
  let after = -1;
  let exhausted = false;
  let reading: Promise<void> | null = null;
  const take = async (): Promise<WaitingItem | undefined> => {
    while (page.length === 0 && !exhausted && failures.length === 0 && !broken) {
      // One read at a time; the other workers wait for its page.
      reading ??= nextPage(ctx, packageId, after)
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
    for (
      let item = await take();
      item && failures.length === 0 && !broken && !outcomes.failed;
      item = await take()
    ) {
      try {
        // Awaited first: `sent += await …` would add to the value read before the wait.
        const sends = await transferItem(ctx, connector, components.get(item.documentId), item, outcomes);
        result.sent += sends;
      } catch (err) {
        if (!(err instanceof ConservatorUnavailable || err instanceof ConservatorResponseInvalid)) {
          broken = true;
          throw err;
        }
        failures.push({ error: err, documentId: item.documentId });
      }
    }
  };
  // Every worker ends before the run does (its lease is released after): none is left sending.
  const ended = await Promise.allSettled(Array.from({ length: TRANSFER_CONCURRENCY }, worker));
  const broke = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
  if (broke) {
    // The answers received are recorded whatever stopped the run; the first error is the one told.
    await outcomes.drain().catch(() => undefined);
    throw broke.reason;
  }
  await outcomes.drain();
  const [failure] = failures;
  if (failure) {
    const { error, documentId } = failure;
    await withTransaction(ctx, (tx) => recordTransferAttempt(tx, packageId, error.message));
    throw new DomainError(error.code, error.message, { packageId, documentId });
  }
  await withTransaction(ctx, (tx) => recordTransferAttempt(tx, packageId, null));
  return tally(ctx, result);
}

/** What sending one waiting document needs of its row (plain values, not a managed entity). */
interface WaitingItem {
  id: string;
  packageId: string;
  documentId: string;
  position: number;
  key: UdSubmission['key'] | null;
  descriptorBlobKey: string | null;
  /** Marked sent by an earlier run, its answer never recorded: the conservator is asked first. */
  askFirst: boolean;
}

/**
 * One document: asked about first when an earlier run marked it sent and its answer was never
 * recorded (the conservator may hold it), else sent (this run marked it with its page); its
 * outcome handed to the recorder. Returns how many sends it made.
 */
async function transferItem(
  ctx: RequestContext,
  connector: ConservationConnector,
  components: SipUnit['components'] | undefined,
  item: WaitingItem,
  outcomes: OutcomeRecorder,
): Promise<number> {
  const { key, descriptorBlobKey } = item;
  if (!components || !key || !descriptorBlobKey) {
    throw new Error(`Package ${item.packageId}: document ${item.documentId} is not in its built SIP`);
  }
  if (item.askFirst) {
    const known = checkedOutcome(await connector.status(key), key, components);
    if (known.kind !== 'UNKNOWN') {
      await outcomes.add(item.id, await itemOutcome(ctx, known));
      return 0;
    }
    await withTransaction(ctx, (tx) => recordItemsSending(tx, [item.id]));
  }
  // No name for the answer: its texts (the whole response, the rapporto) are not kept past
  // storing the rapporto.
  await outcomes.add(
    item.id,
    await itemOutcome(
      ctx,
      checkedOutcome(
        await connector.send(await submission(ctx, components, key, descriptorBlobKey)),
        key,
        components,
      ),
    ),
  );
  return 1;
}

function keyOf(keys: ReadonlyMap<string, UnitKey>, documentId: string): UnitKey {
  const key = keys.get(documentId);
  if (!key) throw new Error(`The SIP has a descriptor of document ${documentId} it does not carry`);
  return key;
}

/** Waiting items read (and marked sent) at once by a transfer run. */
const WAITING_PAGE = 100;

/** Whether the package has an orange item left (a plain query). */
async function anyWaiting(ctx: RequestContext, packageId: string): Promise<boolean> {
  const rows = await ctx.em.execute<Array<{ one: number }>>(
    'select 1 as one from conservation_item where package_id = ? and colour = ? limit 1',
    [packageId, ConservationColour.ORANGE],
  );
  return rows.length > 0;
}

/**
 * The next page of orange items of the package after `position`, read as plain rows; those never
 * sent are marked sent in the same transaction, so the page costs one transaction, not one per
 * document. The others were marked by an earlier run that did not record their answer.
 */
async function nextPage(ctx: RequestContext, packageId: string, position: number): Promise<WaitingItem[]> {
  return withTransaction({ ...ctx, em: ctx.em.fork({ clear: true }) }, async (tx) => {
    const rows = await tx.em.execute<
      Array<{
        id: string;
        document_id: string;
        position: number;
        registro: string | null;
        anno: number | null;
        numero: string | null;
        descriptor_blob_key: string | null;
        sent_count: number;
      }>
    >(
      `select id, document_id, position, registro, anno, numero, descriptor_blob_key, sent_count
         from conservation_item
        where package_id = ? and colour = ? and position > ?
        order by position limit ?`,
      [packageId, ConservationColour.ORANGE, position, WAITING_PAGE],
    );
    await recordItemsSending(
      tx,
      rows.filter((r) => r.sent_count === 0).map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      packageId,
      documentId: r.document_id,
      position: r.position,
      key:
        r.registro !== null && r.anno !== null && r.numero !== null
          ? { registro: r.registro, anno: r.anno, numero: r.numero }
          : null,
      descriptorBlobKey: r.descriptor_blob_key,
      askFirst: r.sent_count > 0,
    }));
  });
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

/**
 * The conservator's answer as an outcome to record; a rapporto is stored first. Not async itself:
 * the answer (with the whole response text) is read here and let go, and only the rapporto's
 * bytes wait for the blob store (an async function would hold its argument until it returns).
 */
function itemOutcome(ctx: RequestContext, outcome: ConnectorOutcome): Promise<ItemOutcome> {
  if (outcome.kind === 'CONSERVED') {
    return storedRapporto(ctx, Buffer.from(outcome.rapportoXml, 'utf8'), {
      colour: ConservationColour.GREEN,
      outcomeCode: outcome.alreadyConserved ? 'GIA_CONSERVATO' : 'POSITIVO',
      conservatorId: outcome.conservatorId,
      warnings: outcome.warnings.map((w) => ({ ...w, componentId: w.componentId ?? null })),
      alreadyConserved: outcome.alreadyConserved,
    });
  }
  return Promise.resolve({
    colour: ConservationColour.RED,
    outcomeCode: 'NEGATIVO',
    reasons: outcome.reasons.map((r) => ({ ...r, componentId: r.componentId ?? null })),
  });
}

async function storedRapporto(
  ctx: RequestContext,
  rapporto: Buffer,
  outcome: Omit<Extract<ItemOutcome, { colour: ConservationColour.GREEN }>, 'rapporto'>,
): Promise<ItemOutcome> {
  return { ...outcome, rapporto: await ctx.platform.blobs.put(Readable.from([rapporto])) };
}

/** Outcomes recorded at once by a transfer run (one transaction for the batch). */
const OUTCOME_BATCH = 25;

/**
 * Records a run's outcomes a batch at a time, one transaction (on a fork of its own) per batch,
 * one batch at a time: a transaction per document was most of the garbage each document left.
 * An outcome waiting in a batch when the process dies is lost like an answer lost on the way:
 * its item was marked sent, so the next run asks the conservator about it. The sender that fills
 * a batch waits for its write, so batches never pile up. The first failure to record stops the
 * run and is thrown by `drain`.
 */
class OutcomeRecorder {
  private pending: Array<{ itemId: string; outcome: ItemOutcome }> = [];
  private writing: Promise<void> = Promise.resolve();
  private error: Error | null = null;

  constructor(private readonly ctx: RequestContext) {}

  get failed(): boolean {
    return this.error !== null;
  }

  async add(itemId: string, outcome: ItemOutcome): Promise<void> {
    this.pending.push({ itemId, outcome });
    if (this.pending.length < OUTCOME_BATCH) return;
    // The sender that fills a batch waits for it (and any before it) to be written; the others go
    // on sending.
    this.flush();
    await this.writing;
  }

  /** Records what is pending and waits for every batch; throws the first failure. */
  async drain(): Promise<void> {
    this.flush();
    await this.writing;
    if (this.error !== null) throw this.error;
  }

  /** Queues the pending outcomes as the next batch, written after the batch before it. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (this.error !== null) return;
      try {
        const own = { ...this.ctx, em: this.ctx.em.fork({ clear: true }) };
        await withTransaction(own, (tx) => recordItemOutcomes(tx, batch));
      } catch (err) {
        this.error = err instanceof Error ? err : new Error(String(err));
      }
    });
  }
}
