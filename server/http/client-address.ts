import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config.js';

/** Whether the hop at `address` (`hop` 0: the socket's peer) may name the client in X-Forwarded-For. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY compiled once, as Express compiles its "trust proxy" setting: off (only the
 * socket's address counts), a hop count, or a list of addresses, subnets and proxy-addr's
 * names (loopback, linklocal, uniquelocal). Express is given this same function, so HTTP and
 * WebSocket answer the same client address.
 */
export function compileTrustProxy(setting: Config['trustProxy']): TrustProxy {
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting.split(',').map((v) => v.trim()));
}

/**
 * The client address the audit trail records for a request that Express does not see (the
 * WebSocket upgrade): what req.ip is for HTTP, computed by the same library with the same trust.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string | null {
  return req.socket.remoteAddress === undefined ? null : proxyaddr(req, trust);
}
