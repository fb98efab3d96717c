import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { importRecords } from './emergency-import.service.js';
import { EmergencyImportResult } from './emergency-import.types.js';
import { EmergencyRegister } from './emergency-register.entity.js';
import {
  closeRegister,
  extendRegister,
  findVisibleRegister,
  listRegisters,
  MAX_EMERGENCY_REGISTERS,
  openRegister,
} from './emergency-register.service.js';
import {
  CloseEmergencyRegisterInput,
  ExtendEmergencyRegisterInput,
  ImportEmergencyRecordsInput,
  OpenEmergencyRegisterInput,
} from './emergenza.inputs.js';
import { EMERGENCY_REGISTER } from './permissions.js';

@Resolver()
export class EmergenzaResolver {
  @Query(() => [EmergencyRegister], {
    description: `The emergency register sessions of an AOO the caller sees, newest first (at most ${MAX_EMERGENCY_REGISTERS})`,
  })
  @ListSize({ maxItems: MAX_EMERGENCY_REGISTERS })
  @AnyAuthenticated()
  emergencyRegisters(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<EmergencyRegister[]> {
    return listRegisters(ctx, aooId);
  }

  @Query(() => EmergencyRegister, {
    description: 'An emergency register session of an AOO the caller sees (any other id is NOT_FOUND)',
  })
  @AnyAuthenticated()
  emergencyRegister(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<EmergencyRegister> {
    return findVisibleRegister(ctx, ctx.em, id);
  }

  @Mutation(() => EmergencyRegister, {
    description:
      'Open the emergency register of an AOO (001 §6.9): cause, start of the outage (now or past) and authorising act; one open at a time (EMERGENCY_REGISTER_ALREADY_OPEN)',
  })
  @Requires(EMERGENCY_REGISTER)
  openEmergencyRegister(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The opening' }) input: OpenEmergencyRegisterInput,
  ): Promise<EmergencyRegister> {
    return openRegister(ctx, input);
  }

  @Mutation(() => EmergencyRegister, {
    description:
      'Authorise a further period of an open emergency register (001 §6.9): from the end of the last authorised period, at most one week, with the authorising act; the opening covers only the first 24 hours',
  })
  @Requires(EMERGENCY_REGISTER)
  extendEmergencyRegister(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The extension' }) input: ExtendEmergencyRegisterInput,
  ): Promise<EmergencyRegister> {
    return extendRegister(ctx, input);
  }

  @Mutation(() => EmergencyRegister, {
    description:
      'Close an open emergency register with the time the service came back (not before the start, not in the future, within the authorised periods: EMERGENCY_PERIOD_EXCEEDED)',
  })
  @Requires(EMERGENCY_REGISTER)
  closeEmergencyRegister(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The closing' }) input: CloseEmergencyRegisterInput,
  ): Promise<EmergencyRegister> {
    return closeRegister(ctx, input);
  }

  @Mutation(() => EmergencyImportResult, {
    description:
      'Import the records captured in a closed emergency register (JSON or CSV, README "Emergency register"): all or nothing; each gets an ordinary protocol number (also needs PROTOCOL_REGISTER) and keeps its emergency number and date; with errors nothing is imported, no number is taken and EMERGENCY_IMPORT_INVALID lists every one (extensions.errors: line, number, field, message)',
  })
  @Requires(EMERGENCY_REGISTER)
  importEmergencyRecords(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The register and the file' }) input: ImportEmergencyRecordsInput,
  ): Promise<EmergencyImportResult> {
    return importRecords(ctx, input);
  }
}
