import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import WebSocket from 'ws';

export interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A raw graphql-transport-ws connection, so tests can see close codes and every frame. */
export class RawWsClient {
  readonly messages: WsMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(new Uint8Array(data));
      this.messages.push(JSON.parse(bytes.toString('utf8')) as WsMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** `headers` go on the upgrade request (e.g. X-Forwarded-For, as a proxy adds it). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<RawWsClient> {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    const client = new RawWsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(message: WsMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Starts a subscription with a typed operation from clients/sdk. */
  subscribe<TData, TVars>(id: string, document: TypedDocumentNode<TData, TVars>, variables?: TVars): void {
    this.send({ id, type: 'subscribe', payload: { query: print(document), variables } });
  }

  init(authorization?: string): void {
    this.send({ type: 'connection_init', payload: authorization ? { authorization } : {} });
  }

  /** Resolves with the first message matching, waiting up to timeoutMs. */
  async next(match: (m: WsMessage) => boolean, timeoutMs = 5000): Promise<WsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** How the server closed the socket, failing after timeoutMs if it stays open. */
  async closedWithin(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the socket stayed open for ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.socket.close();
  }
}
