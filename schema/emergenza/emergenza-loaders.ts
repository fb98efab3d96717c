import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { ProtocolRecord, recordVisibilitySql } from '../protocollo/index.js';
import { EmergencyPeriod } from './emergency-period.entity.js';
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
  /** The authorised periods of each register, in order. */
  periods: (ctx: RequestContext) =>
    loader(
      ctx,
      'emergenza.periods',
      () =>
        new DataLoader<string, EmergencyPeriod[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              EmergencyPeriod,
              { registerId: { $in: [...ids] } },
              { orderBy: { registerId: 'asc', sequence: 'asc' } },
            ),
            ids,
            (p) => p.registerId,
          ),
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
  /**
   * A page of the imported records of each register asked (same first/after), whose documents
   * the caller sees, in emergency order: one statement for all the registers of a list.
   */
  registrationsPage: (ctx: RequestContext, first: number, after: [number, number] | null) =>
    loader(
      ctx,
      `emergenza.registrations/${first}/${after?.join('/') ?? ''}`,
      () =>
        new DataLoader<string, EmergencyRegistration[]>(async (registerIds) => {
          const v = recordVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<{ record_id: string }>>(
            `select record_id from (
               select e.record_id, row_number() over (
                        partition by e.register_id order by e.emergency_year, e.emergency_number) as n
                 from emergency_registration e join protocol_record r on r.id = e.record_id
                where e.register_id = any(?::uuid[])${after ? ' and (e.emergency_year, e.emergency_number) > (?, ?)' : ''}
                  and ${v.sql}) t
              where n <= ?`,
            [`{${registerIds.join(',')}}`, ...(after ?? []), ...v.params, first],
          );
          const found = await ctx.em.find(
            EmergencyRegistration,
            { recordId: { $in: rows.map((r) => r.record_id) } },
            { orderBy: { year: 'asc', number: 'asc' } },
          );
          return grouped(found, registerIds, (e) => e.registerId);
        }),
    ),
};
