import { inflateRawSync } from 'node:zlib';

/**
 * The entries of a small zip held in memory (RecDIPRapportiVersSync answers a zip of a unit's
 * rapporti di versamento, a few KiB; the whole answer is already capped by the caller). Stored
 * and deflated entries only; anything else throws with the reason.
 */
export function readZipEntries(zip: Buffer, maxEntryBytes: number): Array<{ name: string; data: Buffer }> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new Error('not a zip (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: Array<{ name: string; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50)
      throw new Error('the zip central directory is damaged');
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const next = offset + 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (size > maxEntryBytes) throw new Error(`the zip entry ${name} is larger than ${maxEntryBytes} bytes`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50)
      throw new Error(`the zip entry ${name} has no local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    if (raw.length !== compressed) throw new Error(`the zip entry ${name} is truncated`);
    let data: Buffer;
    if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw, { maxOutputLength: maxEntryBytes });
    else throw new Error(`the zip entry ${name} uses compression method ${method}`);
    entries.push({ name, data });
    offset = next;
  }
  return entries;
}
