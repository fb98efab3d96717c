import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/** A form field or a file part of a multipart/form-data body, in the order they are sent. */
export type FormPart =
  | { kind: 'field'; name: string; value: string }
  | {
      kind: 'file';
      name: string;
      filename: string;
      mediaType: string;
      size: number;
      open(): Promise<Readable>;
    };

// RFC 7578 §4.2: quoted names; a quote or a line break would end the header, so they are escaped.
function quoted(value: string): string {
  return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

function head(boundary: string, part: FormPart): Buffer {
  const disposition =
    part.kind === 'field'
      ? `form-data; name=${quoted(part.name)}`
      : `form-data; name=${quoted(part.name)}; filename=${quoted(part.filename)}`;
  const type =
    part.kind === 'field' ? 'text/plain; charset=UTF-8' : part.mediaType || 'application/octet-stream';
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${type}\r\n\r\n`,
    'utf8',
  );
}

/**
 * A multipart/form-data body produced part by part: fields from memory, files piped chunk by
 * chunk from their streams (opened only when their turn comes), so a component of any size
 * crosses with a bounded amount of memory. The length is known beforehand from the declared
 * sizes (servlet containers prefer Content-Length to chunked uploads); a file whose stream
 * yields another number of bytes aborts the body.
 */
export function multipartBody(parts: FormPart[]): {
  contentType: string;
  length: number;
  chunks: () => AsyncGenerator<Buffer>;
} {
  const boundary = `----dms-conservazione-${randomBytes(16).toString('hex')}`;
  const heads = parts.map((p) => head(boundary, p));
  const tail = Buffer.from(`--${boundary}--\r\n`, 'utf8');
  const bodies = parts.map((p) => (p.kind === 'field' ? Buffer.byteLength(p.value, 'utf8') : p.size));
  const length = heads.reduce((sum, h, i) => sum + h.length + (bodies[i] ?? 0) + 2, 0) + tail.length;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    chunks: () => bodyChunks(parts, heads, tail),
  };
}

/**
 * The body's bytes, part by part. A generator of the module, not one declared inside
 * multipartBody: V8 gives every generator function created at run time a map of its own in the
 * old generation, which holds the function and so everything it closes over (the request's XML,
 * the parts) until a full collection: each call's body promoted, for nothing.
 */
async function* bodyChunks(parts: FormPart[], heads: Buffer[], tail: Buffer): AsyncGenerator<Buffer> {
  for (const [i, part] of parts.entries()) {
    const partHead = heads[i];
    if (partHead) yield partHead;
    if (part.kind === 'field') yield Buffer.from(part.value, 'utf8');
    else {
      let sent = 0;
      const stream = await part.open();
      try {
        for await (const chunk of stream) {
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          sent += buffer.length;
          if (sent > part.size) break;
          yield buffer;
        }
      } finally {
        stream.destroy();
      }
      if (sent !== part.size)
        throw new Error(
          `The component ${part.name} (${part.filename}) has ${sent > part.size ? 'more' : 'fewer'} bytes than its declared size ${part.size}`,
        );
    }
    yield Buffer.from('\r\n');
  }
  yield tail;
}
