import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Agent, request as httpRequest } from 'node:http';

export interface GraphqlResponse<TData> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/**
 * A typed operation from clients/sdk, or a query string where the raw text is what a test is
 * about (malformed, invalid or over-limit documents).
 */
export type Operation<TData, TVars> = TypedDocumentNode<TData, TVars> | string;

const printed = new WeakMap<object, string>();

function source<TData, TVars>(operation: Operation<TData, TVars>): string {
  if (typeof operation === 'string') return operation;
  let text = printed.get(operation);
  if (text === undefined) printed.set(operation, (text = print(operation)));
  return text;
}

/**
 * A small GraphQL-over-HTTP client bound to one caller (or to nobody). With `agent` (a keep-alive
 * node:http Agent) it posts through node:http instead of fetch: benchmarks use it as a light load
 * generator, whose CPU (a third of fetch's a request) is not taken from the server it measures on
 * the same machine.
 */
export class GraphqlClient {
  constructor(
    readonly url: string,
    readonly token: string | undefined,
    readonly agent?: Agent,
  ) {}

  async request<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    operation: Operation<TData, TVars>,
    variables?: TVars,
    headers: Record<string, string> = {},
  ): Promise<GraphqlResponse<TData>> {
    const all = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...headers,
    };
    const body = JSON.stringify({ query: source(operation), variables });
    if (this.agent) return post<TData>(this.url, this.agent, all, body);
    const res = await fetch(this.url, { method: 'POST', headers: all, body });
    const answer = (await res.json()) as Omit<GraphqlResponse<TData>, 'status'>;
    return { status: res.status, ...answer };
  }

  /** The data of a request that must succeed; throws with the errors otherwise. */
  async data<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    operation: Operation<TData, TVars>,
    variables?: TVars,
  ): Promise<TData> {
    const r = await this.request<TData, TVars>(operation, variables);
    if (r.errors?.length || r.data === undefined || r.data === null) {
      throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.errors)}`);
    }
    return r.data;
  }
}

/** One POST through node:http on a keep-alive agent; the answer's JSON with its status. */
function post<TData>(
  url: string,
  agent: Agent,
  headers: Record<string, string>,
  body: string,
): Promise<GraphqlResponse<TData>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<
              GraphqlResponse<TData>,
              'status'
            >;
            resolve({ status: res.statusCode ?? 0, ...answer });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
