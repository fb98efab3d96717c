import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { Connection, type ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { ObjectType } from 'type-graphql';
import {
  CorrespondentFilter,
  CreateCorrespondentInput,
  ImportIpaInput,
  UpdateCorrespondentInput,
} from './correspondent.inputs.js';
import { Correspondent, IpaImportResult } from './correspondent.types.js';
import { listCorrespondents, MAX_CORRESPONDENT_PAGE } from './correspondent-list.js';
import * as rubrica from './correspondent.service.js';
import { importIpa } from './ipa-import.service.js';
import { RUBRICA_MANAGE, RUBRICA_READ } from './permissions.js';

@ObjectType({ simpleResolvers: true, description: 'A page of a correspondents directory' })
export class CorrespondentConnection extends Connection(Correspondent, 'Correspondent') {}

@Resolver()
export class CorrespondentResolver {
  @Query(() => Correspondent, {
    description: 'An entry of a directory the caller reads; any other id answers NOT_FOUND',
  })
  @Requires(RUBRICA_READ, RUBRICA_MANAGE)
  correspondent(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<Correspondent> {
    return rubrica.findVisibleCorrespondent(ctx, id);
  }

  @Query(() => CorrespondentConnection, {
    description:
      'Entries of an AOO’s directory by name (accents and case ignored), searched by name words or by code, a page at a time (Relay connection)',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_CORRESPONDENT_PAGE })
  @Requires(RUBRICA_READ, RUBRICA_MANAGE)
  correspondents(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO whose directory to search' }) aooId: string,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_CORRESPONDENT_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
    @Arg('filter', () => CorrespondentFilter, { nullable: true, description: 'Conditions they must meet' })
    filter: CorrespondentFilter | null,
  ): Promise<ConnectionShape<Correspondent>> {
    return listCorrespondents(ctx, aooId, { first, after, filter });
  }

  @Mutation(() => Correspondent, {
    description:
      'Insert a correspondent (checked codes; CORRESPONDENT_DUPLICATE names an existing entry with the same key)',
  })
  @Requires(RUBRICA_MANAGE)
  createCorrespondent(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The correspondent' }) input: CreateCorrespondentInput,
  ): Promise<Correspondent> {
    return rubrica.createCorrespondent(ctx, input);
  }

  @Mutation(() => Correspondent, { description: 'Edit an active correspondent: the change is a new version' })
  @Requires(RUBRICA_MANAGE)
  updateCorrespondent(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The correspondent' }) id: string,
    @Arg('input', { description: 'What changes' }) input: UpdateCorrespondentInput,
  ): Promise<Correspondent> {
    return rubrica.updateCorrespondent(ctx, id, input);
  }

  @Mutation(() => Correspondent, {
    description: 'Deactivate a correspondent (entries are never deleted): it stays readable with its history',
  })
  @Requires(RUBRICA_MANAGE)
  deactivateCorrespondent(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The correspondent' }) id: string,
  ): Promise<Correspondent> {
    return rubrica.setCorrespondentActive(ctx, id, false);
  }

  @Mutation(() => Correspondent, { description: 'Reactivate a deactivated correspondent' })
  @Requires(RUBRICA_MANAGE)
  reactivateCorrespondent(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The correspondent' }) id: string,
  ): Promise<Correspondent> {
    return rubrica.setCorrespondentActive(ctx, id, true);
  }

  @Mutation(() => IpaImportResult, {
    description:
      'Import an IPA open-data file (administrations, AOOs or UOs) into a directory: upsert by IPA code (+AOO/UO code), a new version only where something changed; all or nothing: with errors nothing is imported and IPA_IMPORT_INVALID lists every one (extensions.errors: line, field, message)',
  })
  @Requires(RUBRICA_MANAGE)
  importIpaCorrespondents(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The AOO and the file text' }) input: ImportIpaInput,
  ): Promise<IpaImportResult> {
    return importIpa(ctx, input);
  }
}
