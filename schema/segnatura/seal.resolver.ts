import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { RequiresOrPlatformAdmin } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ORG_READ } from '../organisation/index.js';
import { SEGNATURA_SEAL_MANAGE } from './permissions.js';
import * as seals from './seal.service.js';
import { SegnaturaSeal, SegnaturaSealSource, SetSegnaturaSealInput } from './seal.types.js';

function pem(der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

function toGraphql(v: seals.SealView): SegnaturaSeal {
  return Object.assign(new SegnaturaSeal(), {
    aooId: v.aooId,
    source: v.source as SegnaturaSealSource,
    subject: v.subject,
    issuer: v.issuer,
    serialNumber: v.serialNumber,
    notBefore: v.notBefore,
    notAfter: v.notAfter,
    certificateSha256: v.certificateSha256,
    certificatePem: pem(v.certificateDer),
    configuredAt: v.configuredAt,
  });
}

@Resolver()
export class SegnaturaSealResolver {
  @Query(() => SegnaturaSeal, {
    nullable: true,
    description: "The AOO's segnatura seal (its certificate), null when none is set; never the key",
  })
  @RequiresOrPlatformAdmin(SEGNATURA_SEAL_MANAGE, ORG_READ)
  async segnaturaSeal(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<SegnaturaSeal | null> {
    const v = await seals.readSeal(ctx, aooId);
    return v && toGraphql(v);
  }

  @Mutation(() => SegnaturaSeal, {
    description: "Set or replace the AOO's segnatura seal from a PKCS#12 keystore (audited)",
  })
  @RequiresOrPlatformAdmin(SEGNATURA_SEAL_MANAGE)
  async setSegnaturaSeal(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('input', { description: 'The keystore and its password' }) input: SetSegnaturaSealInput,
  ): Promise<SegnaturaSeal> {
    return toGraphql(await seals.setSealFromPkcs12(ctx, aooId, input.pkcs12, input.password));
  }

  @Mutation(() => SegnaturaSeal, {
    description:
      'Generate a development seal (self-signed, not qualified) for the AOO, replacing any other (audited)',
  })
  @RequiresOrPlatformAdmin(SEGNATURA_SEAL_MANAGE)
  async generateDevelopmentSegnaturaSeal(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<SegnaturaSeal> {
    return toGraphql(await seals.generateDevelopmentSealFor(ctx, aooId));
  }
}
