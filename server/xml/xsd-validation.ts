import { memoryPages } from 'xmllint-wasm';
import { runXmllint } from './xmllint-pool.js';

/**
 * Validation against XSDs by libxml2 in WebAssembly (the xmllint-wasm package: the same engine as
 * Debian's xmllint), in process and offline, in pooled validators that compile the module once
 * (xmllint-pool.ts). Documents go in batches: one run validates many files.
 */

/** A file xmllint reads: its name is the path the schemas' imports and includes use. */
export interface XsdFile {
  fileName: string;
  contents: string;
}

/** The schema applied, and the schemas it imports, under the names of its schemaLocations. */
export interface XsdSet {
  schema: XsdFile;
  preload?: readonly XsdFile[];
}

/**
 * Bytes of XML per xmllint call: the files and their trees live in the instance's memory
 * together, and every call's memory stays mapped in its validator until that thread collects it.
 * 256 KiB (~60 ParER requests of 4 KB) keeps both validators' memory near 60 MiB for a package of
 * 2,000 documents (2 MiB batches: 115 MiB and more), at the same speed (~1 s per 2,000).
 */
export const XSD_BATCH_BYTES = 256 * 1024;

/**
 * Validates every document against one schema; the result lists each document with xmllint's
 * messages (`line N: reason`), empty when valid. Names are the caller's (any text): the files
 * get neutral names inside xmllint, which reads names as paths and options. A run that fails
 * without saying where (an unreadable schema, out of memory) reports every document of its
 * batch: nothing passes unvalidated.
 */
export async function validateAgainstXsd(
  docs: ReadonlyArray<{ name: string; xml: string }>,
  xsd: XsdSet,
): Promise<Array<{ name: string; errors: string[] }>> {
  const results = docs.map((d) => ({ name: d.name, errors: [] as string[] }));
  let start = 0;
  while (start < docs.length) {
    let end = start;
    let bytes = 0;
    while (end < docs.length && (end === start || bytes + (docs[end]?.xml.length ?? 0) <= XSD_BATCH_BYTES)) {
      bytes += docs[end]?.xml.length ?? 0;
      end += 1;
    }
    await validateBatch(docs, start, end, bytes, xsd, results);
    start = end;
  }
  return results;
}

async function validateBatch(
  docs: ReadonlyArray<{ name: string; xml: string }>,
  start: number,
  end: number,
  bytes: number,
  xsd: XsdSet,
  results: Array<{ name: string; errors: string[] }>,
): Promise<void> {
  const fileOf = (i: number) => `doc${i}.xml`;
  const files: XsdFile[] = [];
  for (let i = start; i < end; i++) files.push({ fileName: fileOf(i), contents: docs[i]?.xml ?? '' });
  // Room for the documents, their trees and the schemas (the default ceiling is 32 MiB).
  const needed = Math.ceil((64 * 1024 * 1024 + bytes * 12) / (64 * 1024));
  const run = await runXmllint(
    [...files, xsd.schema, ...(xsd.preload ?? [])],
    ['--schema', xsd.schema.fileName, '--noout', ...files.map((f) => f.fileName)],
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
    const reason = run.stderr.trim() || 'xmllint reported the batch invalid without a message';
    for (let i = start; i < end; i++) results[i]?.errors.push(reason);
  }
}
