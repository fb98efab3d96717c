import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql/language/printer';
import { createClient, type Client } from 'graphql-ws';

/**
 * The whole client of the page: the SDK's typed operations (clients/sdk/generated) sent with
 * fetch over HTTP and with graphql-ws over WebSocket, the token in the Authorization header and
 * in connectionParams. Result and variable types come from the operation, so a schema change
 * that breaks the page breaks its build.
 */

/** A GraphQL error as the API reports it: `extensions.code` says what went wrong. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
}

/** Printed once per document: the SDK's documents are ASTs, the wire takes text. */
const printed = new WeakMap<object, string>();
function textOf(document: TypedDocumentNode<unknown, never> | TypedDocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/** Why the live connection stopped or paused, for the header's indicator. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveHandlers {
  onState(state: LiveState): void;
  /** The token is missing, expired or refused (4401, 4403): the user must sign in again. */
  onSignedOut(reason: string): void;
}

export class Api {
  private readonly ws: Client;

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
    live: LiveHandlers,
  ) {
    let everConnected = false;
    this.ws = createClient({
      url: endpoint.replace(/^http/, 'ws'),
      connectionParams: { authorization: `Bearer ${token}` },
      // Reconnect after drops (network, server restart); subscriptions are resent as they were.
      retryAttempts: Infinity,
      shouldRetry: (event) => !isAuthClose(event),
      lazy: true,
      keepAlive: 20_000,
      on: {
        connecting: () => live.onState(everConnected ? 'reconnecting' : 'connecting'),
        connected: () => {
          everConnected = true;
          live.onState('live');
        },
        closed: (event) => {
          if (isAuthClose(event)) live.onSignedOut(closeReason(event));
          else live.onState('reconnecting');
        },
      },
    });
  }

  /** One query or mutation over HTTP; GraphQL errors become an ApiError. */
  async request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TData> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query: textOf(document), variables }),
    });
    const body = (await response.json()) as GraphqlResponse<TData>;
    const first = body.errors?.[0];
    if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR', response.status);
    if (!body.data) throw new ApiError(`No data (HTTP ${response.status})`, 'ERROR', response.status);
    return body.data;
  }

  /** A subscription over the shared socket; returns the function that ends it. */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    sink: { next(data: TData): void; error?(error: ApiError): void },
  ): () => void {
    return this.ws.subscribe<TData>(
      { query: textOf(document), variables },
      {
        next: (result) => {
          if (result.data) sink.next(result.data);
          const first = result.errors?.[0];
          const code = first?.extensions?.['code'];
          if (first) sink.error?.(new ApiError(first.message, typeof code === 'string' ? code : 'ERROR', 0));
        },
        error: (e) => sink.error?.(new ApiError(describe(e), 'SUBSCRIPTION_ERROR', 0)),
        complete: () => undefined,
      },
    );
  }

  dispose(): void {
    void this.ws.dispose();
  }
}

/** 4401: token missing or expired; 4403: invalid token or deactivated user (see the README). */
function isAuthClose(event: unknown): boolean {
  return event instanceof CloseEvent && (event.code === 4401 || event.code === 4403);
}

function closeReason(event: unknown): string {
  return event instanceof CloseEvent && event.reason ? event.reason : 'sessione terminata';
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e instanceof CloseEvent) return `connessione chiusa (${e.code})`;
  if (Array.isArray(e)) return e.map((x: { message?: string }) => x.message ?? '').join('; ');
  return 'errore sconosciuto';
}
