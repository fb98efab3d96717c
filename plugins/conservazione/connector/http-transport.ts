import http from 'node:http';
import https from 'node:https';
import { ConservatorResponseInvalid, ConservatorUnavailable } from './connector.errors.js';
import { multipartBody, type FormPart } from './multipart-body.js';
import { MAX_RESPONSE_BYTES } from './response-read.js';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** A failure while producing our own request body (a component unreadable or of another size): not the conservator's fault. */
class BodyError extends Error {}

/**
 * POSTs a multipart form, streaming file parts, and reads the whole answer up to
 * MAX_RESPONSE_BYTES. Transport failures (refused, reset, timeout, abort) become
 * ConservatorUnavailable; an answer over the limit is ConservatorResponseInvalid; a failure
 * reading our own components is rethrown as it is.
 *
 * What a call allocates should die with it (a transfer makes thousands): its timer is cleared
 * when it ends (AbortSignal.timeout's stays armed, holding its signal, for the whole timeout),
 * and the body is written by a plain loop rather than a stream pipeline, whose objects were
 * measured to outlive the call and reach V8's old generation (~10 KiB a call).
 */
export async function postMultipart(
  url: URL,
  parts: FormPart[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timer = new AbortController();
  const clock = setTimeout(() => timer.abort(), timeoutMs);
  const combined = signal ? AbortSignal.any([timer.signal, signal]) : timer.signal;
  const body = multipartBody(parts);
  const client = url.protocol === 'https:' ? https : http;
  const request = client.request(url, {
    method: 'POST',
    headers: {
      'content-type': body.contentType,
      'content-length': String(body.length),
      accept: 'application/xml',
    },
    signal: combined,
    // A connection per call: calls are minutes apart, and a pooled socket the conservator has
    // meanwhile closed would fail the next call for nothing.
    agent: false,
  });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    // 'on', not 'once': a late socket error after the answer must not go unhandled.
    request.on('error', reject);
  });
  // The conservator may answer (and close) before reading the whole body: the answer wins.
  const sent = writeBody(request, body.chunks()).catch((error: unknown) => error);
  try {
    const response = await answered;
    const bytes = await readLimited(response);
    const failure = await Promise.race([sent, Promise.resolve(undefined)]);
    if (failure instanceof BodyError) throw failure;
    return {
      status: response.statusCode ?? 0,
      contentType: String(response.headers['content-type'] ?? ''),
      body: bytes,
    };
  } catch (error) {
    request.destroy();
    const sendFailure = await Promise.race([sent, new Promise((r) => setTimeout(r, 0, undefined))]);
    if (sendFailure instanceof BodyError) throw new Error(sendFailure.message, { cause: sendFailure.cause });
    if (error instanceof ConservatorResponseInvalid || error instanceof BodyError) throw error;
    if (timer.signal.aborted)
      throw new ConservatorUnavailable(
        `The conservator did not answer within ${timeoutMs / 1000} s (${url.origin})`,
      );
    if (signal?.aborted)
      throw new ConservatorUnavailable('The request to the conservator was aborted (shutdown)');
    const e = error as NodeJS.ErrnoException;
    throw new ConservatorUnavailable(
      `The conservator at ${url.origin} could not be reached: ${e.code ? `${e.code} ` : ''}${e.message}`,
      { cause: error },
    );
  } finally {
    clearTimeout(clock);
  }
}

/**
 * Writes the body's chunks into the request as it drains, then ends it; stops (closing the
 * component being read) once the request is closed: answered early, reset, aborted. A failure
 * producing the body destroys the request with a BodyError, which it also throws.
 */
async function writeBody(request: http.ClientRequest, chunks: AsyncGenerator<Buffer>): Promise<void> {
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  request.once('close', onClose);
  // Until the request can take more, or is closed (a closed request never drains).
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        request.off('drain', done);
        request.off('close', done);
        resolve();
      };
      request.on('drain', done);
      request.on('close', done);
    });
  try {
    for await (const chunk of chunks) {
      if (closed) return;
      if (!request.write(chunk)) await drained();
    }
  } catch (error) {
    const failure = new BodyError((error as Error).message, { cause: error });
    request.destroy(failure);
    throw failure;
  } finally {
    request.off('close', onClose);
  }
  if (!closed) request.end();
}

async function readLimited(response: http.IncomingMessage): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    response.destroy();
    throw new ConservatorResponseInvalid(
      `The conservator's answer is ${declared} bytes, more than the limit of ${MAX_RESPONSE_BYTES}`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > MAX_RESPONSE_BYTES) {
      response.destroy();
      throw new ConservatorResponseInvalid(
        `The conservator's answer is larger than the limit of ${MAX_RESPONSE_BYTES} bytes`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
