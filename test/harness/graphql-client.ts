import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

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

/** A small GraphQL-over-HTTP client bound to one caller (or to nobody). */
export class GraphqlClient {
  constructor(
    readonly url: string,
    readonly token: string | undefined,
  ) {}

  async request<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    operation: Operation<TData, TVars>,
    variables?: TVars,
    headers: Record<string, string> = {},
  ): Promise<GraphqlResponse<TData>> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query: source(operation), variables }),
    });
    const body = (await res.json()) as Omit<GraphqlResponse<TData>, 'status'>;
    return { status: res.status, ...body };
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
