import type { Readable } from 'node:stream';

/** What a part of a multipart/form-data body declares in its headers. */
export interface PartHead {
  name: string;
  /** Present for a file part (possibly empty). */
  filename: string | null;
  contentType: string | null;
}

/** Receives a part's bytes as they arrive; nothing is buffered for file parts. */
export interface PartSink {
  write(chunk: Buffer): void;
  end(): void;
}

export class MultipartError extends Error {}

const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary of a `multipart/form-data; boundary=…` content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

function parseHead(raw: string): PartHead {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-type') contentType = value;
    if (header === 'content-disposition') {
      if (!/^form-data\b/i.test(value)) throw new MultipartError(`a part is "${value}", not form-data`);
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1] ?? null;
      filename =
        /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1] ?? null;
    }
  }
  if (name === null) throw new MultipartError('a part has no Content-Disposition name');
  return { name, filename, contentType };
}

/**
 * Streams a multipart/form-data body (RFC 7578) part by part: for each part `open` returns the
 * sink its bytes go to, chunk by chunk as they arrive, so a part of any size is never held
 * whole. Only the tail that could hold the start of a delimiter is kept between chunks.
 */
export async function parseMultipart(
  body: Readable,
  boundary: string,
  open: (head: PartHead) => PartSink,
): Promise<void> {
  const first = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';
  let buffer: Buffer = Buffer.alloc(0);
  // Widened on purpose: step() moves it, which the compiler's narrowing does not see.
  let state = 'preamble' as State;
  let sink: PartSink | null = null;

  const step = (): boolean => {
    switch (state) {
      case 'preamble': {
        // The first delimiter may open the body without the CRLF that precedes the others.
        const at = buffer.indexOf(first);
        if (at < 0) {
          buffer = buffer.subarray(Math.max(0, buffer.length - first.length));
          return false;
        }
        buffer = buffer.subarray(at + first.length);
        state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (buffer.length < 2) return false;
        const two = buffer.subarray(0, 2).toString('latin1');
        if (two === '--') {
          state = 'done';
          return false;
        }
        if (two !== '\r\n') throw new MultipartError('a delimiter is not followed by CRLF');
        buffer = buffer.subarray(2);
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffer.length > MAX_HEADER_BYTES) throw new MultipartError('part headers larger than 16 KiB');
          return false;
        }
        sink = open(parseHead(buffer.subarray(0, end).toString('utf8')));
        buffer = buffer.subarray(end + 4);
        state = 'body';
        return true;
      }
      case 'body': {
        const at = buffer.indexOf(delimiter);
        if (at < 0) {
          // Keep what could be the beginning of a delimiter split across chunks.
          const keep = Math.min(buffer.length, delimiter.length - 1);
          if (buffer.length > keep) sink?.write(buffer.subarray(0, buffer.length - keep));
          buffer = buffer.subarray(buffer.length - keep);
          return false;
        }
        if (at > 0) sink?.write(buffer.subarray(0, at));
        sink?.end();
        sink = null;
        buffer = buffer.subarray(at + delimiter.length);
        state = 'after-delimiter';
        return true;
      }
      case 'done':
        return false;
    }
  };

  for await (const chunk of body) {
    if (state === 'done') continue; // the epilogue is ignored
    buffer = buffer.length === 0 ? (chunk as Buffer) : Buffer.concat([buffer, chunk as Buffer]);
    while (step()) {
      /* advance while the buffer holds a whole token */
    }
  }
  if (state !== 'done') throw new MultipartError('the body ended before the closing delimiter');
}
