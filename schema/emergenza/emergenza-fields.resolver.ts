import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { Aoo, orgLoaders, User } from '../organisation/index.js';
import { ProtocolRecord } from '../protocollo/index.js';
import { MAX_EMERGENCY_RECORDS } from './emergency-file.js';
import { EmergencyPeriod, MAX_EMERGENCY_PERIODS } from './emergency-period.entity.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import { EmergencyRegistration } from './emergency-registration.entity.js';
import { emergenzaLoaders } from './emergenza-loaders.js';

const AFTER = /^(\d{4})\/(\d{1,9})$/;

@Resolver(() => EmergencyRegister)
export class EmergencyRegisterFieldsResolver {
  @FieldResolver(() => Aoo, { nullable: true, description: 'The AOO' })
  @AnyAuthenticated()
  aoo(@Root() g: EmergencyRegister, @Ctx() ctx: RequestContext): Promise<Aoo | null> {
    return orgLoaders.aoo(ctx).load(g.aooId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who opened it; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  openedBy(@Root() g: EmergencyRegister, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(g.openedById);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who closed it; null while open or when the caller cannot see that user',
  })
  @AnyAuthenticated()
  async closedBy(@Root() g: EmergencyRegister, @Ctx() ctx: RequestContext): Promise<User | null> {
    return g.closedById === null ? null : orgLoaders.user(ctx).load(g.closedById);
  }

  @FieldResolver(() => [EmergencyPeriod], {
    description:
      'The authorised periods (001 §6.9), in order: the opening (first 24 hours from the start), then each extension by the RGD (at most one week each)',
  })
  @ListSize({ maxItems: MAX_EMERGENCY_PERIODS })
  @AnyAuthenticated()
  periods(@Root() g: EmergencyRegister, @Ctx() ctx: RequestContext): Promise<EmergencyPeriod[]> {
    return emergenzaLoaders.periods(ctx).load(g.id);
  }

  @FieldResolver(() => Date, {
    description: 'End of the last authorised period: the register may be used, and closed, up to then',
  })
  @AnyAuthenticated()
  async authorisedUntil(@Root() g: EmergencyRegister, @Ctx() ctx: RequestContext): Promise<Date> {
    const periods = await emergenzaLoaders.periods(ctx).load(g.id);
    const last = periods[periods.length - 1];
    if (!last) throw new Error(`emergency register ${g.id} has no authorised period`);
    return last.until;
  }

  @FieldResolver(() => [EmergencyRegistration], {
    description:
      'The records imported from this session whose documents the caller sees, in emergency order (year, number), a page at a time',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_EMERGENCY_RECORDS })
  @AnyAuthenticated()
  async registrations(
    @Root() g: EmergencyRegister,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 100, description: `Page size, 1 to ${MAX_EMERGENCY_RECORDS}` })
    first: number,
    @Arg('after', () => String, {
      nullable: true,
      description: 'Only those after this emergency number, as YEAR/NUMBER (e.g. 2026/100)',
    })
    after: string | null,
  ): Promise<EmergencyRegistration[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_EMERGENCY_RECORDS) {
      throw new InvalidInputError('first', `must be 1 to ${MAX_EMERGENCY_RECORDS}`);
    }
    const cursor = after ?? null; // left out, the argument arrives undefined
    const m = cursor === null ? null : AFTER.exec(cursor);
    if (cursor !== null && !m) throw new InvalidInputError('after', 'must be YEAR/NUMBER, e.g. 2026/100');
    if (ctx.user === null) return [];
    return emergenzaLoaders.registrationsPage(ctx, first, m ? [Number(m[1]), Number(m[2])] : null).load(g.id);
  }
}

@Resolver(() => EmergencyPeriod)
export class EmergencyPeriodFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who recorded it (the RGD); null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  recordedBy(@Root() p: EmergencyPeriod, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(p.recordedById);
  }
}

/** Reached through a visible record (or its register listed with record visibility). */
@Resolver(() => EmergencyRegistration)
export class EmergencyRegistrationFieldsResolver {
  @FieldResolver(() => EmergencyRegister, {
    description: 'The emergency register session it was captured in',
  })
  @AnyAuthenticated()
  async register(@Root() e: EmergencyRegistration, @Ctx() ctx: RequestContext): Promise<EmergencyRegister> {
    const g = await emergenzaLoaders.register(ctx).load(e.registerId);
    if (!g) throw new Error(`emergency register ${e.registerId} of record ${e.recordId} is missing`);
    return g;
  }

  @FieldResolver(() => ProtocolRecord, {
    description: 'The ordinary protocol registration it received at import',
  })
  @AnyAuthenticated()
  async record(@Root() e: EmergencyRegistration, @Ctx() ctx: RequestContext): Promise<ProtocolRecord> {
    const r = await emergenzaLoaders.record(ctx).load(e.recordId);
    if (!r) throw new Error(`protocol record ${e.recordId} is missing`);
    return r;
  }
}

@Resolver(() => ProtocolRecord)
export class ProtocolRecordEmergencyResolver {
  @FieldResolver(() => EmergencyRegistration, {
    nullable: true,
    description:
      'For a record recovered from the emergency register: its emergency number, year and date (the legally relevant date) and the session; null otherwise',
  })
  @AnyAuthenticated()
  emergency(@Root() r: ProtocolRecord, @Ctx() ctx: RequestContext): Promise<EmergencyRegistration | null> {
    return emergenzaLoaders.registrationOfRecord(ctx).load(r.id);
  }
}
