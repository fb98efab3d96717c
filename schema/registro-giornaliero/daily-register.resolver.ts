import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { listDailyRegisters, readDailyRegister } from './daily-register-read.service.js';
import { DailyRegister } from './daily-register.entity.js';
import { registerSealPath, registerXmlPath } from './daily-register.routes.js';
import { AUDIT_READ } from '../audit/index.js';
import { DAILY_REGISTER_READ } from './permissions.js';
import { ListSize } from '../../server/graphql/list-size.js';

@Resolver(() => DailyRegister)
export class DailyRegisterResolver {
  @Query(() => [DailyRegister], {
    description:
      "The AOO's daily protocol registers, newest first (DAILY_REGISTER_READ or AUDIT_READ in the AOO)",
  })
  @ListSize({ pageArg: 'first', maxItems: 366 })
  @Requires(DAILY_REGISTER_READ, AUDIT_READ)
  dailyRegisters(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('from', () => String, { nullable: true, description: 'First day, YYYY-MM-DD (inclusive)' })
    from?: string | null,
    @Arg('to', () => String, { nullable: true, description: 'Last day, YYYY-MM-DD (inclusive)' })
    to?: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many (default 31, at most 366)' })
    first?: number | null,
  ): Promise<DailyRegister[]> {
    return listDailyRegisters(ctx, aooId, { from, to, first });
  }

  @Query(() => DailyRegister, {
    nullable: true,
    description: "The AOO's register of one day (null: not produced yet); an audited viewing",
  })
  @Requires(DAILY_REGISTER_READ, AUDIT_READ)
  dailyRegister(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('day', { description: 'The Italian calendar day, YYYY-MM-DD' }) day: string,
  ): Promise<DailyRegister | null> {
    return readDailyRegister(ctx, aooId, day);
  }

  @FieldResolver(() => String, {
    description: 'Absolute URL of the XML: GET it with the same bearer token; each download is audited',
  })
  @Requires(DAILY_REGISTER_READ, AUDIT_READ)
  xmlUrl(@Root() r: DailyRegister, @Ctx() ctx: RequestContext): string {
    return `${ctx.baseUrl}${registerXmlPath(r.id)}`;
  }

  @FieldResolver(() => String, {
    description:
      'Absolute URL of the detached CAdES-BES seal (.p7s, DER) of the XML: GET it with the same bearer token',
  })
  @Requires(DAILY_REGISTER_READ, AUDIT_READ)
  signatureUrl(@Root() r: DailyRegister, @Ctx() ctx: RequestContext): string {
    return `${ctx.baseUrl}${registerSealPath(r.id)}`;
  }
}
