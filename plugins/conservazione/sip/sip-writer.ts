import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type StoredBlob } from '../../../server/blob/blob-store.js';
import { DomainError } from '../../../server/errors/domain-error.js';
import type { Platform } from '../../../server/platform.js';
import { fascicoloIndexXml } from './fascicolo-index-xml.js';
import { pindexXml } from './pindex-xml.js';
import type { BuiltSip, PIndexFile, SipComponent, SipPackage, SipUnit, Versatore } from './sip-types.js';
import { versamentoRequestXml } from './versamento-xml.js';
import { safeSegment, unitFolder } from './xml-text.js';
import { XSD_BATCH_BYTES } from '../../../server/xml/xsd-validation.js';
import { validateConservationXml, type ConservationSchema } from './xsd-validation.js';
import { zipStream, type ZipEntry, type ZipOptions } from './zip-writer.js';

export const PINDEX_NAME = 'PIndex.xml';
export const UNIT_REQUEST_NAME = 'UnitaDocumentaria.xml';
export const FASCICOLO_INDEX_NAME = 'IndiceSIPFascicolo.xml';

/** Stores of small XML blobs at once (the request descriptors, one per unit). */
const PUT_CONCURRENCY = 16;

export interface WriteSipOptions {
  /** Test hooks: force the ZIP64 structures below the format's limits. */
  zip64Threshold?: number;
  zip64EntryThreshold?: number;
}

interface PlannedComponent {
  unit: SipUnit;
  component: SipComponent;
  path: string;
}

/** A unit's request as the PIndex states it: the text itself is made again when it is written. */
interface PlannedRequest {
  unit: SipUnit;
  path: string;
  sha256: string;
  size: number;
}

/**
 * Builds and stores the package. Zip layout: `PIndex.xml` at the root, `IndiceSIPFascicolo.xml`
 * for a fascicolo, then per unit a folder `<registro>-<anno>-<numero>/` with
 * `UnitaDocumentaria.xml` (the ParER request, AgID metadata inside as DatiSpecifici) and the
 * components under their names (prefixed `<id>-` when two share a name). Every XML is
 * validated against its XSD first; then the zip streams into the blob store, each document read
 * from its blob and its SHA-256 checked as it passes (a difference means the stored bytes were
 * altered: CONSERVATION_UNIT_NOT_READY, nothing stored); then the PIndex and each request are
 * stored as blobs of their own.
 *
 * Memory stays bounded by the batch, not the package: the requests are made and validated a
 * batch at a time and only their digests kept; each is made again (the same bytes, checked
 * against the digest the PIndex states) when the zip and the store take it.
 */
export async function writeSip(
  platform: Platform,
  pkg: SipPackage,
  versatore: Versatore,
  options: WriteSipOptions = {},
): Promise<BuiltSip> {
  const indice = pkg.kind === 'FASCICOLO' && pkg.aggregation ? fascicoloIndexXml(pkg, versatore) : null;
  const indiceValid =
    indice !== null ? requireValid([{ name: FASCICOLO_INDEX_NAME, xml: indice }], 'indice-fascicolo') : null;
  // Not awaited yet: if the requests fail first, this one's failure must not go unhandled.
  indiceValid?.catch(() => undefined);

  const files: PIndexFile[] = [];
  const planned: PlannedComponent[] = [];
  const requests: PlannedRequest[] = [];
  if (indice !== null) {
    files.push({ path: FASCICOLO_INDEX_NAME, ...digestOf(indice), mediaType: 'application/xml', unit: null });
  }
  let batch: Array<{ name: string; xml: string }> = [];
  let batchBytes = 0;
  for (const unit of pkg.units) {
    const xml = versamentoRequestXml(unit, versatore);
    const folder = unitFolder(unit.key);
    const path = `${folder}/${UNIT_REQUEST_NAME}`;
    const digest = digestOf(xml);
    requests.push({ unit, path, ...digest });
    files.push({ path, ...digest, mediaType: 'application/xml', unit: folder });
    for (const { component, name } of componentNames(unit)) {
      const componentPath = `${folder}/${name}`;
      planned.push({ unit, component, path: componentPath });
      files.push({
        path: componentPath,
        sha256: component.sha256,
        size: component.size,
        mediaType: component.mediaType,
        unit: folder,
      });
    }
    batch.push({ name: path, xml });
    batchBytes += xml.length;
    if (batchBytes >= XSD_BATCH_BYTES) {
      await requireValid(batch, 'versamento');
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length > 0) await requireValid(batch, 'versamento');
  batch = [];
  const pindex = pindexXml(pkg, files);
  files.length = 0;
  await Promise.all([requireValid([{ name: PINDEX_NAME, xml: pindex }], 'pindex'), indiceValid]);

  const sip = await platform.blobs.put(
    zipStream(zipEntries(platform, versatore, pindex, indice, requests, planned), {
      modifiedAt: romeParts(new Date(pkg.createdAt)),
      ...pickZip64(options),
    }),
  );
  const pindexBlob = await putText(platform, pindex);
  const stored: BuiltSip['descriptors'] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PUT_CONCURRENCY, requests.length) }, async () => {
      while (next < requests.length) {
        const i = next++;
        const r = requests[i];
        if (r) {
          const blob = await putText(platform, requestText(r, versatore));
          stored[i] = { documentId: r.unit.documentId, key: r.unit.key, blob };
        }
      }
    }),
  );
  return { sip, pindex: pindexBlob, descriptors: stored };
}

/** The request of a unit made again, refused unless it is the one the PIndex states. */
function requestText(request: PlannedRequest, versatore: Versatore): string {
  const xml = versamentoRequestXml(request.unit, versatore);
  const digest = digestOf(xml);
  if (digest.sha256 !== request.sha256 || digest.size !== request.size) {
    // The request is a pure function of the unit: a difference is a defect here, never input.
    throw new Error(`the request of ${request.path} changed between its digest and its writing`);
  }
  return xml;
}

function pickZip64(options: WriteSipOptions): Pick<ZipOptions, 'zip64Threshold' | 'zip64EntryThreshold'> {
  return {
    ...(options.zip64Threshold !== undefined ? { zip64Threshold: options.zip64Threshold } : {}),
    ...(options.zip64EntryThreshold !== undefined
      ? { zip64EntryThreshold: options.zip64EntryThreshold }
      : {}),
  };
}

function digestOf(text: string): { sha256: string; size: number } {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

function putText(platform: Platform, text: string): Promise<StoredBlob> {
  return platform.blobs.put(Readable.from([Buffer.from(text, 'utf8')]));
}

async function requireValid(
  docs: Array<{ name: string; xml: string }>,
  schema: ConservationSchema,
): Promise<void> {
  const invalid = (await validateConservationXml(docs, schema)).filter((r) => r.errors.length > 0);
  if (invalid.length > 0) {
    // Our own XML not matching the conservator's schema is a defect here, never the user's input.
    const detail = invalid
      .slice(0, 5)
      .map((r) => `${r.name}: ${r.errors.slice(0, 3).join('; ')}`)
      .join(' | ');
    throw new Error(`the package's ${schema} XML does not validate (${invalid.length} files): ${detail}`);
  }
}

/** Component names, unique within the unit's folder: `<id>-<name>` where two would collide. */
function componentNames(unit: SipUnit): Array<{ component: SipComponent; name: string }> {
  const counts = new Map<string, number>();
  for (const c of unit.components) {
    const n = safeSegment(c.name).toLowerCase();
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const reserved = UNIT_REQUEST_NAME.toLowerCase();
  return unit.components.map((component) => {
    const name = safeSegment(component.name);
    const clash = (counts.get(name.toLowerCase()) ?? 0) > 1 || name.toLowerCase() === reserved;
    return { component, name: clash ? `${component.id}-${name}` : name };
  });
}

function* zipEntries(
  platform: Platform,
  versatore: Versatore,
  pindex: string,
  indice: string | null,
  requests: readonly PlannedRequest[],
  planned: readonly PlannedComponent[],
): Generator<ZipEntry> {
  yield textEntry(PINDEX_NAME, pindex);
  if (indice !== null) yield textEntry(FASCICOLO_INDEX_NAME, indice);
  let p = 0;
  for (const request of requests) {
    yield {
      name: request.path,
      size: request.size,
      open: () => Readable.from([Buffer.from(requestText(request, versatore), 'utf8')]),
    };
    while (p < planned.length && planned[p]?.unit === request.unit) {
      const item = planned[p];
      p += 1;
      if (item) yield blobEntry(platform, item);
    }
  }
}

function textEntry(name: string, text: string): ZipEntry {
  const bytes = Buffer.from(text, 'utf8');
  return {
    name,
    size: bytes.length,
    // A one-chunk stream of the text's bytes (for-await takes it as the others).
    open: () => Readable.from([bytes]),
  };
}

function blobEntry(platform: Platform, { unit, component, path }: PlannedComponent): ZipEntry {
  const hash = createHash('sha256');
  const tampered = (why: string) =>
    new DomainError(
      'CONSERVATION_UNIT_NOT_READY',
      `document ${unit.documentId}: the stored file ${component.name} (${component.blobKey}) ${why}; restore it from a backup before conserving`,
      { documentId: unit.documentId, componentId: component.id },
    );
  return {
    name: path,
    size: component.size,
    open: async () => {
      let body: Readable;
      try {
        body = await platform.blobs.get(component.blobKey);
      } catch (e) {
        if (e instanceof BlobNotFoundError) throw tampered('is missing from the blob store');
        throw e;
      }
      return checkedBytes(body, component.size, hash, tampered);
    },
    done: () => {
      const digest = hash.digest('hex');
      if (digest !== component.sha256) throw tampered(`has SHA-256 ${digest}, ${component.sha256} recorded`);
    },
  };
}

/**
 * A stored file's bytes, counted and hashed as they pass. A generator of the module, not one
 * declared per entry: V8 gives every generator function created at run time a map of its own in
 * the old generation, which holds it and what it closes over until a full collection.
 */
async function* checkedBytes(
  body: Readable,
  size: number,
  hash: Hash,
  tampered: (why: string) => DomainError,
): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > size) throw tampered(`is longer than its recorded ${size} bytes`);
    hash.update(chunk);
    yield chunk;
  }
  if (n !== size) throw tampered(`has ${n} bytes, ${size} recorded`);
}

const ROME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The wall-clock time in Rome (zip entries keep local MS-DOS times). */
function romeParts(at: Date): ZipOptions['modifiedAt'] {
  const p = Object.fromEntries(ROME.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p['year']),
    month: Number(p['month']),
    day: Number(p['day']),
    hour: Number(p['hour']),
    minute: Number(p['minute']),
    second: Number(p['second']),
  };
}
