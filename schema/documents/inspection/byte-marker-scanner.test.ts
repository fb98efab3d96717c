import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ByteMarkerScanner } from './byte-marker-scanner.js';

/** Deterministic filler without the letters of the patterns (so no accidental match). */
function filler(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < length; i++) {
    if (i % 32 === 0) block = createHash('sha256').update(block).digest();
    out[i] = 0x30 + ((block[i % 32] ?? 0) % 10); // digits only
  }
  return out;
}

function feed(scanner: ByteMarkerScanner, bytes: Buffer, chunkSize: number): void {
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.update(bytes.subarray(i, i + chunkSize));
}

describe('ByteMarkerScanner', () => {
  const pattern = Buffer.from('pdfaid:part');
  const before = filler(1000, 'before');
  const stream = Buffer.concat([before, pattern, Buffer.from('="2" rest'), filler(500, 'after')]);

  it('finds a pattern and what follows it whatever the chunk boundaries', () => {
    for (let chunkSize = 1; chunkSize <= 40; chunkSize++) {
      const scanner = new ByteMarkerScanner([{ name: 'part', pattern, captureAfter: 6 }]);
      feed(scanner, stream, chunkSize);
      const hit = scanner.hit('part');
      assert.equal(hit?.offset, before.length, `chunk size ${chunkSize}`);
      assert.equal(hit?.following.toString('latin1'), '="2" r', `chunk size ${chunkSize}`);
    }
  });

  it('keeps only the first occurrence and reports absent markers as undefined', () => {
    const twice = Buffer.concat([stream, pattern, Buffer.from('="3"')]);
    const scanner = new ByteMarkerScanner([
      { name: 'part', pattern, captureAfter: 4 },
      { name: 'missing', pattern: Buffer.from('/ByteRange'), captureAfter: 0 },
    ]);
    feed(scanner, twice, 7);
    assert.equal(scanner.hit('part')?.offset, before.length);
    assert.equal(scanner.hit('part')?.following.toString('latin1'), '="2"');
    assert.equal(scanner.hit('missing'), undefined);
  });

  it('captures fewer bytes when the stream ends right after the pattern', () => {
    const scanner = new ByteMarkerScanner([{ name: 'part', pattern, captureAfter: 10 }]);
    feed(scanner, Buffer.concat([before, pattern, Buffer.from('="1')]), 3);
    assert.equal(scanner.hit('part')?.following.toString('latin1'), '="1');
  });

  it('rejects an empty pattern', () => {
    assert.throws(
      () => new ByteMarkerScanner([{ name: 'x', pattern: Buffer.alloc(0), captureAfter: 0 }]),
      RangeError,
    );
  });
});
