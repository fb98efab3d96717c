import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
 */
export async function postMultipart(
  url: URL,
  parts: FormPart[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
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
  async function* produce(): AsyncGenerator<Buffer> {
    try {
      yield* body.chunks();
    } catch (error) {
      throw new BodyError((error as Error).message, { cause: error });
    }
  }
  // The conservator may answer (and close) before reading the whole body: the answer wins.
  const sent = pipeline(Readable.from(produce()), request).catch((error: unknown) => error);
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
    if (timeout.aborted)
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
  }
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
