import { createHash } from 'node:crypto';
import {
  CreateDocumentDocument,
  type CreateDocumentInput,
  type CreateDocumentMutation,
} from '../../clients/sdk/generated/graphql.js';
import type { GraphqlResponse, Operation } from './graphql-client.js';
import type { TestEnv } from './test-env.js';

/** Test support for the file and document suites: uploads, downloads, GraphQL, row counts. */

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface UploadedFile {
  id: string;
  sha256: string;
  size: number;
  mediaType: string;
}

export interface HttpOutcome<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** `POST /files` with a raw body; `name: null` leaves X-File-Name out, `token: null` the bearer. */
export async function postFile(
  env: TestEnv,
  token: string | null,
  bytes: Buffer,
  name: string | null = 'file.bin',
  contentType = 'application/octet-stream',
): Promise<HttpOutcome<Record<string, unknown>>> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (name !== null) headers['x-file-name'] = encodeURIComponent(name);
  const res = await fetch(`${env.baseUrl}/files`, { method: 'POST', headers, body: bytes });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** An upload that must succeed (201). */
export async function upload(
  env: TestEnv,
  username: string,
  bytes: Buffer,
  name = 'file.bin',
): Promise<UploadedFile> {
  const r = await postFile(env, await env.tokenFor(username), bytes, name);
  if (r.status !== 201) throw new Error(`upload failed (${r.status}): ${JSON.stringify(r.body)}`);
  return r.body as unknown as UploadedFile;
}

/** `GET /files/:id` (or a signed link, absolute or a path), with a bearer token when given; the body as bytes. */
export async function download(
  env: TestEnv,
  pathOrId: string,
  options: { token?: string; range?: string; method?: 'GET' | 'HEAD' } = {},
): Promise<HttpOutcome<Buffer>> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.range) headers['range'] = options.range;
  const url = /^https?:/.test(pathOrId)
    ? pathOrId
    : pathOrId.startsWith('/')
      ? `${env.baseUrl}${pathOrId}`
      : `${env.baseUrl}/files/${pathOrId}`;
  const res = await fetch(url, { method: options.method ?? 'GET', headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** One GraphQL request as `username`. */
export async function gql<T = Record<string, unknown>, V = Record<string, unknown>>(
  env: TestEnv,
  username: string,
  operation: Operation<T, V>,
  variables?: V,
): Promise<GraphqlResponse<T>> {
  return (await env.asUser(username)).request<T, V>(operation, variables);
}

/**
 * The error of a plain-HTTP answer (file routes, 401s, 404s), which uses the GraphQL error
 * shape `{ errors: [{ message, extensions: { code, requestId, … } }] }`: message and extensions.
 */
export function httpError(body: unknown): Record<string, unknown> {
  const first = (body as { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> })
    .errors?.[0];
  return { message: first?.message, ...first?.extensions };
}

/**
 * An answer as text with the given ids and every request id replaced by placeholders: what a
 * hidden record's answer is compared with a missing record's by.
 */
export function comparable(value: unknown, ...ids: string[]): string {
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  for (const id of ids) text = text.replaceAll(id, '<id>');
  return text.replace(/"requestId":"[^"]*"/g, '"requestId":"<request>"');
}

/** The first error's extensions.code, or undefined when there was none. */
export function errorCode(r: GraphqlResponse<unknown>): unknown {
  return r.errors?.[0]?.extensions?.['code'];
}

export async function sql<T = Record<string, unknown>>(
  env: TestEnv,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return env.query<T>(text, params);
}

export async function count(env: TestEnv, text: string, params: unknown[] = []): Promise<number> {
  const rows = await sql<{ n: string }>(env, `select count(*) as n from (${text}) t`, params);
  return Number(rows[0]?.n);
}

/** Every key under the final prefix of the environment's blob store. */
export async function storedKeys(env: TestEnv): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of env.platform.blobs.list()) keys.push(b.key);
  return keys.sort();
}

export interface DemoIds {
  aooId: string;
  uor: Record<string, string>;
  user: Record<string, string>;
}

export async function demoIds(env: TestEnv): Promise<DemoIds> {
  const [aoo] = await sql<{ id: string }>(env, `select id from aoo where code = 'ADEMO01'`);
  if (!aoo) throw new Error('no demo AOO');
  const uors = await sql<{ id: string; code: string }>(env, 'select id, code from uor where aoo_id = $1', [
    aoo.id,
  ]);
  const users = await sql<{ id: string; username: string }>(env, 'select id, username from app_user');
  return {
    aooId: aoo.id,
    uor: Object.fromEntries(uors.map((u) => [u.code, u.id])),
    user: Object.fromEntries(users.map((u) => [u.username, u.id])),
  };
}

export type CreatedDocument = CreateDocumentMutation['createDocument'];

/** createDocument that must succeed (a test oggetto unless given). */
export async function createDocument(
  env: TestEnv,
  username: string,
  input: Omit<CreateDocumentInput, 'oggetto'> & Partial<Pick<CreateDocumentInput, 'oggetto'>>,
): Promise<CreatedDocument> {
  const r = await gql(env, username, CreateDocumentDocument, {
    input: { oggetto: 'Documento di prova', attachments: [], ...input },
  });
  if (r.errors?.length || !r.data) throw new Error(`createDocument failed: ${JSON.stringify(r.errors)}`);
  return r.data.createDocument;
}

/** Distinct bytes per call (so uploads do not share a blob unless a test wants them to). */
let serial = 0;
export function uniqueBytes(label: string, size = 64): Buffer {
  serial += 1;
  const head = Buffer.from(`${label} #${serial} ${process.hrtime.bigint()}\n`);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x61)]);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The audited downloads of a file, oldest first. */
export function downloadsOf(
  env: TestEnv,
  fileId: string,
): Promise<Array<{ actor_id: string; aoo_id: string | null }>> {
  return sql(
    env,
    `select actor_id, aoo_id from audit_event where operation = 'file.download' and target_id = $1 order by id`,
    [fileId],
  );
}
