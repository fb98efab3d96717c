import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { RACCOGLITORE_MANAGE, RACCOGLITORE_READ } from './permissions.js';
import { RaccoglitoreConnection } from './raccoglitore-connections.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import {
  CreateRaccoglitoreInput,
  RaccoglitoreFilter,
  UpdateRaccoglitoreInput,
} from './raccoglitore.inputs.js';
import { listRaccoglitori, MAX_RACCOGLITORE_PAGE } from './raccoglitore-list.js';
import * as raccoglitori from './raccoglitore.service.js';

@Resolver()
export class RaccoglitoreResolver {
  @Query(() => Raccoglitore, {
    description: 'A raccoglitore of a UOR the caller reads; any other id answers NOT_FOUND',
  })
  @Requires(RACCOGLITORE_READ, RACCOGLITORE_MANAGE)
  raccoglitore(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<Raccoglitore> {
    return raccoglitori.readRaccoglitore(ctx, id);
  }

  @Query(() => RaccoglitoreConnection, {
    description: 'Raccoglitori of an AOO the caller may see, by name, a page at a time (Relay connection)',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_RACCOGLITORE_PAGE })
  @Requires(RACCOGLITORE_READ, RACCOGLITORE_MANAGE)
  raccoglitori(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO whose raccoglitori to list' }) aooId: string,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_RACCOGLITORE_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
    @Arg('filter', () => RaccoglitoreFilter, { nullable: true, description: 'Conditions they must meet' })
    filter: RaccoglitoreFilter | null,
  ): Promise<ConnectionShape<Raccoglitore>> {
    return listRaccoglitori(ctx, aooId, { first, after, filter });
  }

  @Mutation(() => Raccoglitore, { description: 'Create an open raccoglitore owned by a UOR' })
  @Requires(RACCOGLITORE_MANAGE)
  createRaccoglitore(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The raccoglitore' }) input: CreateRaccoglitoreInput,
  ): Promise<Raccoglitore> {
    return raccoglitori.createRaccoglitore(ctx, input);
  }

  @Mutation(() => Raccoglitore, { description: 'Rename or describe an open raccoglitore' })
  @Requires(RACCOGLITORE_MANAGE)
  updateRaccoglitore(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The raccoglitore' }) id: string,
    @Arg('input', { description: 'What changes' }) input: UpdateRaccoglitoreInput,
  ): Promise<Raccoglitore> {
    return raccoglitori.updateRaccoglitore(ctx, id, input);
  }

  @Mutation(() => Raccoglitore, {
    description:
      'Close a raccoglitore: it stays readable with its documents and history, and changes no more',
  })
  @Requires(RACCOGLITORE_MANAGE)
  closeRaccoglitore(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The raccoglitore' }) id: string,
  ): Promise<Raccoglitore> {
    return raccoglitori.closeRaccoglitore(ctx, id);
  }

  @Mutation(() => Raccoglitore, {
    description:
      'Add a document the caller sees (of the same AOO) to an open raccoglitore; recorded in its history',
  })
  @Requires(RACCOGLITORE_MANAGE)
  addDocumentToRaccoglitore(
    @Ctx() ctx: RequestContext,
    @Arg('raccoglitoreId', () => ID, { description: 'The raccoglitore' }) raccoglitoreId: string,
    @Arg('documentId', () => ID, { description: 'The document' }) documentId: string,
  ): Promise<Raccoglitore> {
    return raccoglitori.addDocumentToRaccoglitore(ctx, raccoglitoreId, documentId);
  }

  @Mutation(() => Raccoglitore, {
    description: 'Remove a document from an open raccoglitore; the history keeps both steps',
  })
  @Requires(RACCOGLITORE_MANAGE)
  removeDocumentFromRaccoglitore(
    @Ctx() ctx: RequestContext,
    @Arg('raccoglitoreId', () => ID, { description: 'The raccoglitore' }) raccoglitoreId: string,
    @Arg('documentId', () => ID, { description: 'The document' }) documentId: string,
  ): Promise<Raccoglitore> {
    return raccoglitori.removeDocumentFromRaccoglitore(ctx, raccoglitoreId, documentId);
  }
}
