import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { PROTOCOL_ANNUL, PROTOCOL_MANAGE, PROTOCOL_REGISTER } from './permissions.js';
import * as changes from './protocol-changes.service.js';
import { listRecords, MAX_RECORD_PAGE } from './protocol-list.js';
import { ProtocolRecordConnection } from './protocol-list.types.js';
import { ProtocolAnnotation, ProtocolVersion } from './protocol-parts.entity.js';
import { ProtocolRecord } from './protocol-record.entity.js';
import { readSegnatura } from './protocol-segnatura.js';
import { ProtocolSegnatura } from './protocol-segnatura.types.js';
import { registerProtocol } from './protocol-registration.service.js';
import {
  AnnotateProtocolInput,
  AnnulProtocolInput,
  ProtocolRecordFilter,
  RegisterProtocolInput,
  UpdateProtocolFieldsInput,
} from './protocollo.inputs.js';

@Resolver()
export class ProtocolloResolver {
  @Query(() => ProtocolRecord, {
    description: 'A registration whose document the caller may see; every viewing is audited',
  })
  @AnyAuthenticated()
  protocolRecord(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<ProtocolRecord> {
    return changes.readRecord(ctx, id);
  }

  @Query(() => ProtocolSegnatura, {
    nullable: true,
    description:
      'The sealed segnatura informatica of a registration whose document the caller may see (any other id is NOT_FOUND, like a missing one); null when the AOO had no seal configured (or none valid) at registration (the seal is an AOO setup step: setSegnaturaSeal); every viewing is audited',
  })
  @AnyAuthenticated()
  segnatura(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The registration' }) id: string,
  ): Promise<ProtocolSegnatura | null> {
    return readSegnatura(ctx, id);
  }

  @Query(() => ProtocolRecordConnection, {
    description:
      'Registrations whose documents the caller may see, a page at a time (Relay connection), newest first unless orderBy says otherwise',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_RECORD_PAGE })
  @AnyAuthenticated()
  protocolRecords(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ProtocolRecordFilter, {
      nullable: true,
      description: 'Conditions the records must meet',
    })
    filter: ProtocolRecordFilter | null,
    @Arg('orderBy', () => OrderDirection, {
      defaultValue: OrderDirection.DESC,
      description: 'Register order (registration time): DESC newest first, ASC oldest first',
    })
    orderBy: OrderDirection,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_RECORD_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<ProtocolRecord>> {
    return listRecords(ctx, { first, after, direction: orderBy, filter });
  }

  @Query(() => [ProtocolVersion], {
    description: 'The versions of the managed fields of a registration, oldest first (1 = as registered)',
  })
  @ListSize({ maxItems: changes.MAX_VERSIONS })
  @AnyAuthenticated()
  protocolHistory(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The registration' }) id: string,
  ): Promise<ProtocolVersion[]> {
    return changes.recordHistory(ctx, id);
  }

  @Mutation(() => ProtocolRecord, {
    description:
      "Register a document in the protocol of its AOO: the next number of the AOO's register and year, gap-free; the registratura never changes",
  })
  @Requires(PROTOCOL_REGISTER)
  registerProtocol(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The registration' }) input: RegisterProtocolInput,
  ): Promise<ProtocolRecord> {
    return registerProtocol(ctx, input);
  }

  @Mutation(() => ProtocolRecord, {
    description:
      'Change managed fields (UOR, RPA, classification, fascicolo, optional fields, CC, links): a new version in the history',
  })
  @Requires(PROTOCOL_MANAGE)
  updateProtocolFields(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The registration and the changes' }) input: UpdateProtocolFieldsInput,
  ): Promise<ProtocolRecord> {
    return changes.updateProtocolFields(ctx, input);
  }

  @Mutation(() => ProtocolAnnotation, {
    description:
      'Append an annotation (correction or note) to a registration; the registratura never changes',
  })
  @Requires(PROTOCOL_MANAGE)
  annotateProtocol(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The registration and the text' }) input: AnnotateProtocolInput,
  ): Promise<ProtocolAnnotation> {
    return changes.annotateProtocol(ctx, input);
  }

  @Mutation(() => ProtocolRecord, {
    description:
      'Annul a registration with reason and authorising act: it stays in the sequence, ANNULLATO, readable',
  })
  @Requires(PROTOCOL_ANNUL)
  annulProtocol(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The registration, reason and authorisation' }) input: AnnulProtocolInput,
  ): Promise<ProtocolRecord> {
    return changes.annulProtocol(ctx, input);
  }
}
