export interface GraphqlResponse<TData> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** A small GraphQL-over-HTTP client bound to one caller (or to nobody). */
export class GraphqlClient {
  constructor(
    readonly url: string,
    readonly token: string | undefined,
  ) {}

  async request<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
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
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphqlResponse<TData>, 'status'>;
    return { status: res.status, ...body };
  }

  /** The data of a request that must succeed; throws with the errors otherwise. */
  async data<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<TData> {
    const r = await this.request<TData>(query, variables);
    if (r.errors?.length || r.data === undefined || r.data === null) {
      throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.errors)}`);
    }
    return r.data;
  }
}
