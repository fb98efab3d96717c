import { readFileSync } from 'node:fs';
import { memoryPages, validateXML, type XMLFileInfo } from 'xmllint-wasm';

/**
 * Validation against the conservator's XSDs (xsd/, copied unchanged from ParER SacER and UNI
 * SInCRO) by libxml2 in WebAssembly, in process and offline. Each validateXML call starts a fresh
 * instance (100-400 ms), so documents go in batches: one call validates many files.
 */

export type ConservationSchema =
  | 'versamento'
  | 'pindex'
  | 'indice-fascicolo'
  | 'response-versamento'
  | 'response-stato'
  | 'request-stato'
  | 'rapporto-fascicolo';

const SCHEMA_FILES: Record<ConservationSchema, string> = {
  versamento: 'WSRequestVersamento.xsd',
  pindex: 'Unisincro_PIndex.xsd',
  'indice-fascicolo': 'WSRequestIndiceSIPFascicolo.xsd',
  'response-versamento': 'WSResponseVersamento.xsd',
  'response-stato': 'WSResponseStato.xsd',
  'request-stato': 'WSRequestStato_1.3.xsd',
  'rapporto-fascicolo': 'WSResponseRapportoVersamentoFascicolo.xsd',
};

// dist/plugins/conservazione/sip/ → the source tree's plugins/conservazione/sip/xsd/ (the Dockerfile copies it).
const XSD_DIR = new URL('../../../../plugins/conservazione/sip/xsd/', import.meta.url);

/**
 * Bytes of XML per xmllint call: the files live in the instance's memory together. 4 MiB keeps
 * a call's memory near 55 MiB (2,000 requests of 5 KB: 3 calls, ~3 s on this machine).
 */
const BATCH_BYTES = 2 * 1024 * 1024;

const loaded = new Map<ConservationSchema, XMLFileInfo>();

function schemaFile(schema: ConservationSchema): XMLFileInfo {
  let file = loaded.get(schema);
  if (!file) {
    // None of these schemas imports another: nothing to preload.
    file = {
      fileName: SCHEMA_FILES[schema],
      contents: readFileSync(new URL(SCHEMA_FILES[schema], XSD_DIR), 'utf8'),
    };
    loaded.set(schema, file);
  }
  return file;
}

/**
 * Validates every document against one schema; the result lists each document with xmllint's
 * messages (`line N: reason`), empty when valid. Names are the caller's (any text): the files
 * get neutral names inside xmllint, which reads names as paths and options.
 */
export async function validateConservationXml(
  docs: ReadonlyArray<{ name: string; xml: string }>,
  schema: ConservationSchema,
): Promise<Array<{ name: string; errors: string[] }>> {
  const results = docs.map((d) => ({ name: d.name, errors: [] as string[] }));
  let start = 0;
  while (start < docs.length) {
    let end = start;
    let bytes = 0;
    while (end < docs.length && (end === start || bytes + (docs[end]?.xml.length ?? 0) <= BATCH_BYTES)) {
      bytes += docs[end]?.xml.length ?? 0;
      end += 1;
    }
    await validateBatch(docs, start, end, bytes, schema, results);
    start = end;
  }
  return results;
}

async function validateBatch(
  docs: ReadonlyArray<{ name: string; xml: string }>,
  start: number,
  end: number,
  bytes: number,
  schema: ConservationSchema,
  results: Array<{ name: string; errors: string[] }>,
): Promise<void> {
  const fileOf = (i: number) => `doc${i}.xml`;
  const xml: XMLFileInfo[] = [];
  for (let i = start; i < end; i++) xml.push({ fileName: fileOf(i), contents: docs[i]?.xml ?? '' });
  // Room for the documents, their trees and the schema (the default ceiling is 32 MiB).
  const needed = Math.ceil((64 * 1024 * 1024 + bytes * 12) / (64 * 1024));
  const result = await validateXML({
    xml,
    schema: schemaFile(schema),
    maxMemoryPages: Math.min(memoryPages.max, Math.max(memoryPages.defaultMaxMemoryPages, needed)),
  });
  if (result.valid) return;
  const byFile = new Map<string, number>();
  for (let i = start; i < end; i++) byFile.set(fileOf(i), i);
  let attributed = false;
  for (const e of result.errors) {
    const index = e.loc ? byFile.get(e.loc.fileName) : undefined;
    if (index === undefined) continue;
    results[index]?.errors.push(`line ${e.loc?.lineNumber ?? '?'}: ${e.message}`);
    attributed = true;
  }
  if (!attributed) {
    // Invalid without a located message (an unreadable schema, an out-of-memory): every document
    // of the batch is reported, never passed.
    const reason = result.rawOutput.trim() || 'xmllint reported the batch invalid without a message';
    for (let i = start; i < end; i++) results[i]?.errors.push(reason);
  }
}
