import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { byId } from '../../server/graphql/loader-helpers.js';
import { ProtocolRecord } from '../protocollo/index.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import { EmergencyRegistration } from './emergency-registration.entity.js';

/**
 * Per-request loaders: one query per field and level. Callers pass only ids reached through
 * something visible (a visible record's emergency registration, that registration's register).
 */
export const emergenzaLoaders = {
  registrationOfRecord: (ctx: RequestContext) =>
    loader(
      ctx,
      'emergenza.registration-of-record',
      () =>
        new DataLoader<string, EmergencyRegistration | null>(async (ids) => {
          const rows = await ctx.em.find(EmergencyRegistration, { recordId: { $in: [...ids] } });
          const map = new Map(rows.map((r) => [r.recordId, r]));
          return ids.map((id) => map.get(id) ?? null);
        }),
    ),
  register: (ctx: RequestContext) =>
    loader(
      ctx,
      'emergenza.register',
      () =>
        new DataLoader<string, EmergencyRegister | null>(async (ids) =>
          byId(await ctx.em.find(EmergencyRegister, { id: { $in: [...ids] } }), ids),
        ),
    ),
  record: (ctx: RequestContext) =>
    loader(
      ctx,
      'emergenza.record',
      () =>
        new DataLoader<string, ProtocolRecord | null>(async (ids) =>
          byId(await ctx.em.find(ProtocolRecord, { id: { $in: [...ids] } }), ids),
        ),
    ),
};
