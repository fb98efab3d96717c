import { readFileSync } from 'node:fs';
import { memoryPages, type XMLFileInfo } from 'xmllint-wasm';
import { runXmllint } from './xmllint-pool.js';

/**
 * Validation against the conservator's XSDs (xsd/, copied unchanged from ParER SacER and UNI
 * SInCRO) by libxml2 in WebAssembly, in process and offline, in pooled validators that compile
 * the module once (xmllint-pool.ts); documents still go in batches, one run for many files.
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
 * Bytes of XML per xmllint call: the files and their trees live in the instance's memory
 * together, and every call's memory stays mapped in its validator until that thread collects it.
 * 256 KiB (~60 requests of 4 KB) keeps both validators' memory near 60 MiB for a package of
 * 2,000 documents (2 MiB batches: 115 MiB and more), at the same speed (~1 s per 2,000).
 */
export const VALIDATION_BATCH_BYTES = 256 * 1024;

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
    while (
      end < docs.length &&
      (end === start || bytes + (docs[end]?.xml.length ?? 0) <= VALIDATION_BATCH_BYTES)
    ) {
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
  const files: Array<{ fileName: string; contents: string }> = [];
  for (let i = start; i < end; i++) files.push({ fileName: fileOf(i), contents: docs[i]?.xml ?? '' });
  const xsd = schemaFile(schema);
  // Room for the documents, their trees and the schema (the default ceiling is 32 MiB).
  const needed = Math.ceil((64 * 1024 * 1024 + bytes * 12) / (64 * 1024));
  const run = await runXmllint(
    [...files, xsd],
    ['--schema', xsd.fileName, '--noout', ...files.map((f) => f.fileName)],
    {
      initialPages: memoryPages.defaultInitialMemoryPages,
      maxPages: Math.min(memoryPages.max, Math.max(memoryPages.defaultMaxMemoryPages, needed)),
    },
  );
  if (run.exitCode === 0) return;
  if (run.exitCode !== 3 && run.exitCode !== 4) {
    throw new Error(`xmllint failed (exit ${run.exitCode}): ${run.stderr.trim().slice(0, 500)}`);
  }
  const byFile = new Map<string, number>();
  for (let i = start; i < end; i++) byFile.set(fileOf(i), i);
  let attributed = false;
  for (const line of run.stderr.split('\n')) {
    const m = /^(doc\d+\.xml):(\d+): (.*)$/.exec(line);
    const index = m ? byFile.get(m[1] ?? '') : undefined;
    if (!m || index === undefined) continue;
    results[index]?.errors.push(`line ${m[2] ?? '?'}: ${m[3] ?? ''}`);
    attributed = true;
  }
  if (!attributed) {
    // Invalid without a located message (an unreadable schema, an out-of-memory): every document
    // of the batch is reported, never passed.
    const reason = run.stderr.trim() || 'xmllint reported the batch invalid without a message';
    for (let i = start; i < end; i++) results[i]?.errors.push(reason);
  }
}
