import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { zipStream, type ZipEntry } from '../../plugins/conservazione/sip/index.js';

const run = promisify(execFile);

const MODIFIED = { year: 2026, month: 12, day: 5, hour: 9, minute: 30, second: 12 };

/** Python's zipfile reads the archive: every entry's name, size, CRC check (testzip) and SHA-256. */
const READ_ZIP = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    out = {"bad": bad, "entries": []}
    for i in z.infolist():
        out["entries"].append([i.filename, i.file_size, hashlib.sha256(z.read(i)).hexdigest(), i.date_time[:5]])
    print(json.dumps(out))
`;

const COUNT_ZIP = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = z.namelist()
    print(len(names), names[0], names[-1], z.read(names[-1]).decode())
`;

function bytesEntry(name: string, bytes: Buffer, chunk = 7): ZipEntry {
  return {
    name,
    size: bytes.length,
    open: () => {
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
      return Readable.from(parts);
    },
  };
}

/**
 * The SIP's zip writer against independent readers (python3 zipfile, Info-ZIP unzip -t): STORE
 * with data descriptors, UTF-8 names, the ZIP64 path forced on small data by a threshold, more
 * than 65535 entries for real, and a size that differs from the declared one failing the stream.
 */
describe('conservazione SIP zip writer', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sip-zip-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const files = [
    bytesEntry('PIndex.xml', Buffer.from('<?xml version="1.0"?><x/>')),
    bytesEntry('PG-2026-0000001/Relazione tecnica àèìòù €.pdf', Buffer.alloc(100_000, 0x25)),
    bytesEntry('PG-2026-0000001/vuoto.txt', Buffer.alloc(0)),
    bytesEntry('PG-2026-0000001/allegato.bin', Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251))),
  ];
  const expected = async () =>
    Promise.all(
      files.map(async (f) => {
        const h = createHash('sha256');
        for await (const c of await f.open()) h.update(c);
        return [f.name, f.size, h.digest('hex')];
      }),
    );

  for (const [label, threshold, entryThreshold] of [
    ['classic', undefined, undefined],
    ['ZIP64 forced for every size, offset and the count', 0, 0],
    ['ZIP64 for the large entry and later offsets only', 50_000, undefined],
  ] as const) {
    it(`writes a zip python and unzip read back (${label})`, async () => {
      const file = path.join(dir, `${label.replace(/\W+/g, '-')}.zip`);
      await pipeline(
        zipStream(files, {
          modifiedAt: MODIFIED,
          ...(threshold !== undefined ? { zip64Threshold: threshold } : {}),
          ...(entryThreshold !== undefined ? { zip64EntryThreshold: entryThreshold } : {}),
        }),
        createWriteStream(file),
      );
      const { stdout } = await run('python3', ['-c', READ_ZIP, file]);
      const read = JSON.parse(stdout) as {
        bad: string | null;
        entries: Array<[string, number, string, number[]]>;
      };
      assert.equal(read.bad, null, 'every CRC-32 matches');
      assert.deepEqual(
        read.entries.map((e) => e.slice(0, 3)),
        await expected(),
      );
      assert.deepEqual(read.entries[0]?.[3], [2026, 12, 5, 9, 30]);
      const test = await run('unzip', ['-t', file]);
      assert.match(test.stdout, /No errors detected/);
      if (threshold === 0) {
        const { stdout: info } = await run('zipinfo', ['-v', file]);
        assert.match(info, /zip64|Zip64|ZIP64/i, 'the zip64 end record is there');
      }
    });
  }

  it('writes more than 65535 entries (ZIP64 end of central directory)', async () => {
    const file = path.join(dir, 'many.zip');
    const n = 65_600;
    function* many(): Generator<ZipEntry> {
      for (let i = 0; i < n; i++) yield bytesEntry(`e/${i}.txt`, Buffer.from(String(i)));
    }
    await pipeline(zipStream(many(), { modifiedAt: MODIFIED }), createWriteStream(file));
    const { stdout } = await run('python3', ['-c', COUNT_ZIP, file]);
    assert.equal(stdout.trim(), `${n} e/0.txt e/${n - 1}.txt ${n - 1}`);
  });

  it('fails the stream when an entry has another size than declared', async () => {
    const liar: ZipEntry = { ...bytesEntry('a.bin', Buffer.alloc(10)), size: 11 };
    await assert.rejects(
      pipeline(zipStream([liar], { modifiedAt: MODIFIED }), createWriteStream(path.join(dir, 'liar.zip'))),
      /10 bytes, 11 declared/,
    );
  });
});
