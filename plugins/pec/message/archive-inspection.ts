import type { PecParseLimits } from './parsed-message.js';

/**
 * Archive bombs among the attachments. An archive is never expanded here: a zip is judged on
 * what its central directory declares (entries, uncompressed sizes), a gzip on its ISIZE
 * trailer. Whoever later opens the archive must still bound the real expansion; this only makes
 * a hostile archive visible to the operator before anyone does.
 */

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;

function isZip(bytes: Buffer): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    (bytes[2] === 3 || bytes[2] === 5) &&
    (bytes[3] === 4 || bytes[3] === 6)
  );
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

interface ZipDirectory {
  entries: number;
  directorySize: number;
  directoryOffset: number;
}

function findDirectory(zip: Buffer): ZipDirectory | string {
  // The EOCD record is 22 bytes plus a comment of at most 65535.
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= floor; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return 'no end-of-central-directory record (truncated or not a zip)';
  let entries = zip.readUInt16LE(eocd + 10);
  let directorySize = zip.readUInt32LE(eocd + 12);
  let directoryOffset = zip.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && zip.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (record < 0 || record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_EOCD) {
      return 'a zip64 locator points outside the archive';
    }
    entries = Number(zip.readBigUInt64LE(record + 32));
    directorySize = Number(zip.readBigUInt64LE(record + 40));
    directoryOffset = Number(zip.readBigUInt64LE(record + 48));
  }
  return { entries, directorySize, directoryOffset };
}

/** Declared uncompressed size of one central directory entry (zip64 extra field when 0xFFFFFFFF). */
function entrySizes(
  zip: Buffer,
  at: number,
): { compressed: number; uncompressed: number; length: number } | null {
  if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_HEADER) return null;
  let compressed = zip.readUInt32LE(at + 20);
  let uncompressed = zip.readUInt32LE(at + 24);
  const nameLength = zip.readUInt16LE(at + 28);
  const extraLength = zip.readUInt16LE(at + 30);
  const commentLength = zip.readUInt16LE(at + 32);
  const length = 46 + nameLength + extraLength + commentLength;
  if (at + length > zip.length) return null;
  let extra = at + 46 + nameLength;
  const extraEnd = extra + extraLength;
  while (extra + 4 <= extraEnd) {
    const id = zip.readUInt16LE(extra);
    const size = zip.readUInt16LE(extra + 2);
    if (id === 0x0001) {
      let field = extra + 4;
      // APPNOTE 4.5.3: only the values that overflowed are present, uncompressed first.
      if (uncompressed === 0xffffffff && field + 8 <= extraEnd) {
        uncompressed = Number(zip.readBigUInt64LE(field));
        field += 8;
      }
      if (compressed === 0xffffffff && field + 8 <= extraEnd) compressed = Number(zip.readBigUInt64LE(field));
    }
    extra += 4 + size;
  }
  return { compressed, uncompressed, length };
}

function inspectZip(name: string, zip: Buffer, limits: PecParseLimits): string[] {
  const directory = findDirectory(zip);
  if (typeof directory === 'string') return [`attachment "${name}": zip not readable: ${directory}`];
  if (directory.entries > limits.maxArchiveEntries) {
    return [
      `attachment "${name}": zip declares ${directory.entries} entries (limit ${limits.maxArchiveEntries}): possible archive bomb, not expanded`,
    ];
  }
  let total = 0;
  let at = directory.directoryOffset;
  for (let i = 0; i < directory.entries; i++) {
    const entry = entrySizes(zip, at);
    if (!entry) return [`attachment "${name}": zip central directory is damaged at entry ${i + 1}`];
    total += entry.uncompressed;
    at += entry.length;
  }
  const problems: string[] = [];
  const ratio = total / Math.max(1, zip.length);
  if (total > limits.maxArchiveUncompressedBytes) {
    problems.push(
      `attachment "${name}": zip declares ${total} bytes uncompressed (limit ${limits.maxArchiveUncompressedBytes}): possible archive bomb, not expanded`,
    );
  }
  if (ratio > limits.maxArchiveRatio) {
    problems.push(
      `attachment "${name}": zip expands ${Math.round(ratio)}:1 (${zip.length} → ${total} bytes, limit ${limits.maxArchiveRatio}:1): possible archive bomb, not expanded`,
    );
  }
  return problems;
}

function inspectGzip(name: string, gzip: Buffer, limits: PecParseLimits): string[] {
  // ISIZE is the uncompressed length modulo 2^32 (RFC 1952 §2.3.1): a floor, not the truth.
  const declared = gzip.readUInt32LE(gzip.length - 4);
  const ratio = declared / gzip.length;
  const problems: string[] = [];
  if (declared > limits.maxArchiveUncompressedBytes) {
    problems.push(
      `attachment "${name}": gzip declares ${declared} bytes uncompressed (limit ${limits.maxArchiveUncompressedBytes}): possible archive bomb, not expanded`,
    );
  }
  if (ratio > limits.maxArchiveRatio) {
    problems.push(
      `attachment "${name}": gzip expands ${Math.round(ratio)}:1 (${gzip.length} → ${declared} bytes, limit ${limits.maxArchiveRatio}:1): possible archive bomb, not expanded`,
    );
  }
  return problems;
}

/** Problems of an archive attachment (zip or gzip by their magic bytes); [] for anything else. */
export function inspectArchive(name: string, bytes: Buffer, limits: PecParseLimits): string[] {
  if (isZip(bytes)) return inspectZip(name, bytes, limits);
  if (isGzip(bytes)) return inspectGzip(name, bytes, limits);
  return [];
}
