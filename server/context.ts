import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditRow } from './audit/audit-log.js';
import { Grants } from './auth/grants.js';
import type { Principal } from './auth/principal.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Platform } from './platform.js';

/**
 * Everything one request (or one WebSocket event, or one job) works with: its own EntityManager
 * fork, the caller and their effective grants, a clock, and per-request DataLoaders.
 */
export interface RequestContext {
  em: EntityManager;
  user: Principal | null;
  grants: Grants;
  clock: Clock;
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  /** Where the client reached the server (scheme://host), for the absolute links it is given. */
  baseUrl: string;
  logger: Logger;
  platform: Platform;
  /** Per-request DataLoaders, created lazily by the modules that need them. */
  loaders: Map<string, unknown>;
  /** The WebSocket a subscription runs on, so a subscriber who lost their rights can be let go. */
  connection?: { close(code: number, reason: string): void };
  /**
   * The audited viewings of a GraphQL request, queued by auditRead and written in one INSERT
   * before its answer is sent (response-plugin.ts); absent elsewhere: viewings are written at
   * once.
   */
  auditedReads?: AuditRow[];
  /**
   * Work the platform does on its own (a job, an event handler): `user` is who caused it (for the
   * audit trail), not whose rights apply; services decide what a system context may do.
   */
  system?: boolean;
}

export interface ContextOrigin {
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  /** scheme://host as the request came in; PUBLIC_URL, when configured, takes precedence. */
  baseUrl: string;
}

export function createContext(
  platform: Platform,
  user: Principal | null,
  grants: Grants,
  origin: ContextOrigin,
): RequestContext {
  return {
    em: platform.orm.em.fork(),
    user,
    grants: user ? grants : Grants.NONE,
    clock: platform.clock,
    requestId: origin.requestId,
    clientIp: origin.clientIp,
    userAgent: origin.userAgent,
    baseUrl: platform.config.publicUrl ?? origin.baseUrl,
    logger: platform.logger.child({ requestId: origin.requestId, user: user?.username }),
    platform,
    loaders: new Map(),
  };
}

/** Who and which request a piece of system work comes from (serialisable: jobs carry it). */
export interface SystemOrigin {
  actorId: string | null;
  requestId: string;
  /** What runs: a job name, an event handler, a CLI command (shown as the audit row's agent). */
  agent: string;
}

/** A context for work the platform does on its own behalf, linked to the request that caused it. */
export async function systemContext(platform: Platform, origin: SystemOrigin): Promise<RequestContext> {
  const em = platform.orm.em.fork();
  const actor = origin.actorId ? await platform.identity.findActive(em, { id: origin.actorId }) : null;
  const ctx = createContext(platform, actor, Grants.NONE, {
    requestId: origin.requestId,
    clientIp: null,
    userAgent: origin.agent,
    baseUrl: platform.config.publicUrl ?? '',
  });
  return { ...ctx, em, system: true };
}

/** The per-request loader registered under `key`, created on first use. */
export function loader<T>(ctx: RequestContext, key: string, create: () => T): T {
  let l = ctx.loaders.get(key) as T | undefined;
  if (l === undefined) {
    l = create();
    ctx.loaders.set(key, l);
  }
  return l;
}
