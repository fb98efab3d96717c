import { Grants } from '../auth/grants.js';
import type { Principal } from '../auth/principal.js';
import { createContext } from '../context.js';
import type { Platform } from '../platform.js';
import { appendAudit } from './audit-log.js';

export interface SessionOrigin {
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
}

/**
 * Authentication events of the audit trail (DOMAIN §7), in the platform-level chain: a refused
 * credential (a bad, expired or unknown token, on HTTP or a WebSocket), and the opening of a live
 * session (a WebSocket authenticated on connection_init: what a login is to a headless API whose
 * tokens come from the identity provider). Written on their own, outside any request's work; a
 * failure to write is logged and does not change the answer (nothing is served either way).
 */
export async function auditAuthentication(
  platform: Platform,
  origin: SessionOrigin,
  event: {
    operation: 'auth.refused' | 'auth.session-open';
    user: Principal | null;
    target: string;
    facts: object;
  },
): Promise<void> {
  const ctx = createContext(platform, event.user, Grants.NONE, { ...origin, baseUrl: '' });
  try {
    await appendAudit(ctx, ctx.em, {
      aooId: null,
      operation: event.operation,
      targetType: 'Session',
      targetId: event.target.slice(0, 64),
      changes: { ...event.facts },
    });
    platform.auditSealer.kick();
  } catch (err) {
    platform.logger.error(
      { err, operation: event.operation },
      'the authentication event could not be audited',
    );
  }
}
