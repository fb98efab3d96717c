import { Readable } from 'node:stream';
import { zipStream } from '../sip/index.js';

/** A zip of small files in memory, for RecDIPRapportiVersSync answers (the SIP's own zip writer). */
export async function storedZip(files: Array<{ name: string; data: Buffer }>, at: Date): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = zipStream(
    files.map((f) => ({ name: f.name, size: f.data.length, open: () => Readable.from([f.data]) })),
    {
      modifiedAt: {
        year: at.getUTCFullYear(),
        month: at.getUTCMonth() + 1,
        day: at.getUTCDate(),
        hour: at.getUTCHours(),
        minute: at.getUTCMinutes(),
        second: at.getUTCSeconds(),
      },
    },
  );
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
