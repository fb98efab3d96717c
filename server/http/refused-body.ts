import type { IncomingMessage } from 'node:http';

/** How long, and how much, a refused body is still read before its connection is closed anyway. */
const LINGER_MS = 5_000;
const LINGER_BYTES = 1024 * 1024;

/**
 * After a request was answered before its body was read (an upload refused as too large or of
 * the wrong kind, or by a typed error mid-body): what the client is still sending is read and
 * discarded, so that it gets the answer. Closing the connection at once (Connection: close) had
 * the kernel reset it at the client's next write, and a client that had not read the answer yet
 * saw "connection reset" instead of the 413. Past LINGER_MS or LINGER_BYTES the connection is
 * closed anyway, as web servers' lingering close does; a body that ends in time leaves the
 * connection open for the client's next request.
 */
export function discardRefusedBody(req: IncomingMessage): void {
  if (req.readableEnded) return;
  let discarded = 0;
  const close = (): void => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) close();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  // A reader set up for the body and never started (an upload refused before it began) would
  // hold the body back once its buffer filled: it is let go, and the rest read here.
  req.unpipe();
  req.resume();
}
