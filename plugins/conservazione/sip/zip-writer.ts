import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

/**
 * A streaming zip writer (PKWARE APPNOTE 6.3): STORE only (documents are mostly compressed
 * formats already, and storing keeps the package fast and its entries byte-identical to the
 * blobs), every entry with a data descriptor (the CRC-32 is known only after the bytes went
 * by), UTF-8 names (flag bit 11), ZIP64 extra fields and end records when a size, an offset or
 * the entry count passes the classic limits. Nothing is buffered beyond one chunk of one entry:
 * the central directory keeps ~100 bytes per entry.
 */

export interface ZipEntry {
  /** Path inside the zip, '/'-separated, UTF-8. */
  name: string;
  /** The exact number of bytes `open` yields (a different count fails the stream). */
  size: number;
  open(): Promise<AsyncIterable<Buffer | Uint8Array>> | AsyncIterable<Buffer | Uint8Array>;
  /** Called with the bytes' count once the entry is written; throw to fail the stream (a digest check). */
  done?: () => void;
}

export interface ZipOptions {
  /** Modification time written on every entry (MS-DOS date and time, as the zip format keeps it). */
  modifiedAt: { year: number; month: number; day: number; hour: number; minute: number; second: number };
  /**
   * Sizes and offsets at or above this value are written as ZIP64 (default 0xFFFFFFFF, the
   * format's limit); entry counts at or above `zip64EntryThreshold` (default 0xFFFF). Lower
   * values let tests exercise the ZIP64 path on small data.
   */
  zip64Threshold?: number;
  zip64EntryThreshold?: number;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;
// Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8.
const FLAGS = 0x0808;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

interface CentralRecord {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  zip64Entry: boolean;
}

function dosTime(t: ZipOptions['modifiedAt']): { time: number; date: number } {
  return {
    time: (t.hour << 11) | (t.minute << 5) | Math.floor(t.second / 2),
    date: ((Math.max(1980, t.year) - 1980) << 9) | (t.month << 5) | t.day,
  };
}

/** The zip as a byte stream; pulls each entry's bytes only when the consumer reads. */
export function zipStream(
  entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>,
  options: ZipOptions,
): Readable {
  return Readable.from(zipChunks(entries, options), { objectMode: false });
}

async function* zipChunks(
  entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>,
  options: ZipOptions,
): AsyncGenerator<Buffer> {
  const threshold = options.zip64Threshold ?? MAX32;
  const entryThreshold = options.zip64EntryThreshold ?? MAX16;
  const { time, date } = dosTime(options.modifiedAt);
  const central: CentralRecord[] = [];
  let offset = 0;

  for await (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    if (name.length > MAX16) throw new Error(`zip entry name too long: ${entry.name.slice(0, 80)}…`);
    // Decided before the bytes: the declared size is checked against what streams.
    const zip64Entry = entry.size >= threshold;
    const header = localHeader(name, time, date, zip64Entry);
    const entryOffset = offset;
    yield header;
    offset += header.length;

    let crc = 0;
    let written = 0;
    for await (const chunk of await entry.open()) {
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (buf.length === 0) continue;
      crc = crc32(buf, crc);
      written += buf.length;
      if (written > entry.size)
        throw new Error(`zip entry ${entry.name}: more than the declared ${entry.size} bytes`);
      yield buf;
    }
    if (written !== entry.size)
      throw new Error(`zip entry ${entry.name}: ${written} bytes, ${entry.size} declared`);
    entry.done?.();
    offset += written;

    const descriptor = dataDescriptor(crc, written, zip64Entry);
    yield descriptor;
    offset += descriptor.length;
    central.push({ name, crc, size: written, offset: entryOffset, zip64Entry });
  }

  const cdOffset = offset;
  for (const record of central) {
    const header = centralHeader(record, time, date, threshold);
    yield header;
    offset += header.length;
  }
  const cdSize = offset - cdOffset;
  const zip64End = central.length >= entryThreshold || cdOffset >= threshold || cdSize >= threshold;
  if (zip64End) {
    const zip64EndOffset = offset;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(ZIP64_END, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE(45, 12); // version made by: 4.5 (ZIP64)
    record.writeUInt16LE(45, 14); // version needed
    record.writeUInt32LE(0, 16); // this disk
    record.writeUInt32LE(0, 20); // disk of the central directory
    record.writeBigUInt64LE(BigInt(central.length), 24);
    record.writeBigUInt64LE(BigInt(central.length), 32);
    record.writeBigUInt64LE(BigInt(cdSize), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    yield record;
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_LOCATOR, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
    locator.writeUInt32LE(1, 16); // total disks
    yield locator;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  const count = zip64End && central.length >= entryThreshold ? MAX16 : Math.min(central.length, MAX16);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(zip64End && cdSize >= threshold ? MAX32 : cdSize, 12);
  end.writeUInt32LE(zip64End && cdOffset >= threshold ? MAX32 : cdOffset, 16);
  yield end;
}

function localHeader(name: Buffer, time: number, date: number, zip64: boolean): Buffer {
  // A ZIP64 entry announces itself with a ZIP64 extra (sizes zero: they are in the descriptor).
  const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
  }
  const h = Buffer.alloc(30);
  h.writeUInt32LE(LOCAL_HEADER, 0);
  h.writeUInt16LE(zip64 ? 45 : 20, 4);
  h.writeUInt16LE(FLAGS, 6);
  h.writeUInt16LE(0, 8); // STORE
  h.writeUInt16LE(time, 10);
  h.writeUInt16LE(date, 12);
  h.writeUInt32LE(0, 14); // CRC, sizes: in the data descriptor
  h.writeUInt32LE(zip64 ? MAX32 : 0, 18);
  h.writeUInt32LE(zip64 ? MAX32 : 0, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, name, extra]);
}

function dataDescriptor(crc: number, size: number, zip64: boolean): Buffer {
  if (zip64) {
    const d = Buffer.alloc(24);
    d.writeUInt32LE(DATA_DESCRIPTOR, 0);
    d.writeUInt32LE(crc >>> 0, 4);
    d.writeBigUInt64LE(BigInt(size), 8);
    d.writeBigUInt64LE(BigInt(size), 16);
    return d;
  }
  const d = Buffer.alloc(16);
  d.writeUInt32LE(DATA_DESCRIPTOR, 0);
  d.writeUInt32LE(crc >>> 0, 4);
  d.writeUInt32LE(size, 8);
  d.writeUInt32LE(size, 12);
  return d;
}

function centralHeader(r: CentralRecord, time: number, date: number, threshold: number): Buffer {
  // The ZIP64 extra holds, in this order, only the fields whose classic slot says 0xFFFFFFFF.
  const bigSize = r.zip64Entry || r.size >= threshold;
  const bigOffset = r.offset >= threshold;
  const fields: number[] = [];
  if (bigSize) fields.push(r.size, r.size);
  if (bigOffset) fields.push(r.offset);
  const extra = Buffer.alloc(fields.length > 0 ? 4 + fields.length * 8 : 0);
  if (fields.length > 0) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(fields.length * 8, 2);
    fields.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  }
  const zip64 = fields.length > 0;
  const h = Buffer.alloc(46);
  h.writeUInt32LE(CENTRAL_HEADER, 0);
  h.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), 4); // made by: Unix, version
  h.writeUInt16LE(zip64 ? 45 : 20, 6);
  h.writeUInt16LE(FLAGS, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(time, 12);
  h.writeUInt16LE(date, 14);
  h.writeUInt32LE(r.crc >>> 0, 16);
  h.writeUInt32LE(bigSize ? MAX32 : r.size, 20);
  h.writeUInt32LE(bigSize ? MAX32 : r.size, 24);
  h.writeUInt16LE(r.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment
  h.writeUInt16LE(0, 34); // disk
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external: a regular file, rw-r--r--
  h.writeUInt32LE(bigOffset ? MAX32 : r.offset, 42);
  return Buffer.concat([h, r.name, extra]);
}
