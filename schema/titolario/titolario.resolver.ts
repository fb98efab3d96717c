import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AnyAuthenticated, Requires } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { TITOLARIO_MANAGE } from './permissions.js';
import { readableNode, readableVersion } from './titolario-access.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import { MAX_SUGGESTIONS, MAX_VERSIONS_PER_AOO } from './titolario-limits.js';
import { ClassificationSuggestion, classificationSuggestions } from './titolario-suggestions.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';
import {
  AddTitolarioIndexTermInput,
  AddTitolarioNodeInput,
  CreateTitolarioDraftInput,
  ImportTitolarioInput,
  PublishTitolarioVersionInput,
  UpdateTitolarioDraftInput,
  UpdateTitolarioIndexTermInput,
  UpdateTitolarioNodeInput,
} from './titolario.inputs.js';
import * as titolario from './titolario.service.js';
import { TitolarioFormat } from './titolario-transfer.js';

@Resolver()
export class TitolarioResolver {
  @Query(() => TitolarioVersion, {
    nullable: true,
    description:
      'The titolario of an AOO in force on a day (default: today, Europe/Rome): the published version with its tree; null before the first takes effect. Any member of the AOO reads it',
  })
  @AnyAuthenticated()
  titolario(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('at', () => String, { nullable: true, description: 'The day (YYYY-MM-DD); left out, today' })
    at: string | null,
  ): Promise<TitolarioVersion | null> {
    return titolario.titolarioAt(ctx, aooId, at);
  }

  @Query(() => [TitolarioVersion], {
    description: `The titolario versions of an AOO, newest validFrom first (at most ${MAX_VERSIONS_PER_AOO}); drafts only for TITOLARIO_MANAGE`,
  })
  @ListSize({ maxItems: MAX_VERSIONS_PER_AOO })
  @AnyAuthenticated()
  titolarioVersions(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
  ): Promise<TitolarioVersion[]> {
    return titolario.versionsOf(ctx, aooId);
  }

  @Query(() => TitolarioVersion, {
    description: 'A titolario version by id (a draft only for TITOLARIO_MANAGE)',
  })
  @AnyAuthenticated()
  titolarioVersion(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<TitolarioVersion> {
    return readableVersion(ctx, id);
  }

  @Query(() => TitolarioNode, {
    description:
      'A titolario node by id, e.g. the classification of a fascicolo (of a draft only for TITOLARIO_MANAGE)',
  })
  @AnyAuthenticated()
  titolarioNode(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Its id' }) id: string,
  ): Promise<TitolarioNode> {
    return readableNode(ctx, id);
  }

  @Mutation(() => TitolarioVersion, {
    description:
      'Prepare a new titolario version as a draft, empty or copied from another version of the AOO',
  })
  @Requires(TITOLARIO_MANAGE)
  createTitolarioDraft(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The draft' }) input: CreateTitolarioDraftInput,
  ): Promise<TitolarioVersion> {
    return titolario.createDraft(ctx, input);
  }

  @Mutation(() => TitolarioVersion, { description: "Change a draft's label or validFrom" })
  @Requires(TITOLARIO_MANAGE)
  updateTitolarioDraft(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The changes' }) input: UpdateTitolarioDraftInput,
  ): Promise<TitolarioVersion> {
    return titolario.updateDraft(ctx, input);
  }

  @Mutation(() => ID, { description: 'Discard a draft with its nodes and index terms; returns its id' })
  @Requires(TITOLARIO_MANAGE)
  deleteTitolarioDraft(
    @Ctx() ctx: RequestContext,
    @Arg('versionId', () => ID, { description: 'The draft' }) versionId: string,
  ): Promise<string> {
    return titolario.deleteDraft(ctx, versionId);
  }

  @Mutation(() => TitolarioNode, { description: 'Add a titolo, classe or sottoclasse to a draft' })
  @Requires(TITOLARIO_MANAGE)
  addTitolarioNode(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The node' }) input: AddTitolarioNodeInput,
  ): Promise<TitolarioNode> {
    return titolario.addNode(ctx, input);
  }

  @Mutation(() => TitolarioNode, { description: "Change a draft node's code or description" })
  @Requires(TITOLARIO_MANAGE)
  updateTitolarioNode(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The changes' }) input: UpdateTitolarioNodeInput,
  ): Promise<TitolarioNode> {
    return titolario.updateNode(ctx, input);
  }

  @Mutation(() => ID, { description: 'Remove a draft node with its subtree and index terms; returns its id' })
  @Requires(TITOLARIO_MANAGE)
  removeTitolarioNode(
    @Ctx() ctx: RequestContext,
    @Arg('nodeId', () => ID, { description: 'The node' }) nodeId: string,
  ): Promise<string> {
    return titolario.removeNode(ctx, nodeId);
  }

  @Mutation(() => TitolarioIndexTerm, { description: 'Add a voce di indice (with variants) to a draft node' })
  @Requires(TITOLARIO_MANAGE)
  addTitolarioIndexTerm(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The index term' }) input: AddTitolarioIndexTermInput,
  ): Promise<TitolarioIndexTerm> {
    return titolario.addIndexTerm(ctx, input);
  }

  @Mutation(() => TitolarioIndexTerm, { description: 'Change an index term of a draft' })
  @Requires(TITOLARIO_MANAGE)
  updateTitolarioIndexTerm(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The changes' }) input: UpdateTitolarioIndexTermInput,
  ): Promise<TitolarioIndexTerm> {
    return titolario.updateIndexTerm(ctx, input);
  }

  @Mutation(() => ID, { description: 'Remove an index term of a draft; returns its id' })
  @Requires(TITOLARIO_MANAGE)
  removeTitolarioIndexTerm(
    @Ctx() ctx: RequestContext,
    @Arg('indexTermId', () => ID, { description: 'The index term' }) indexTermId: string,
  ): Promise<string> {
    return titolario.removeIndexTerm(ctx, indexTermId);
  }

  @Mutation(() => TitolarioVersion, {
    description:
      'Approve and publish a draft: immutable from now on, in force from its validFrom, which must be a 1 January after today (Europe/Rome)',
  })
  @Requires(TITOLARIO_MANAGE)
  publishTitolarioVersion(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The draft and its approval' }) input: PublishTitolarioVersionInput,
  ): Promise<TitolarioVersion> {
    return titolario.publish(ctx, input);
  }

  @Query(() => String, {
    description:
      'A titolario version as a file (JSON or CSV, README "Titolario import and export"): importTitolario reads it back',
  })
  @AnyAuthenticated()
  titolarioExport(
    @Ctx() ctx: RequestContext,
    @Arg('versionId', () => ID, { description: 'The version' }) versionId: string,
    @Arg('format', () => TitolarioFormat, { description: 'JSON or CSV' }) format: TitolarioFormat,
  ): Promise<string> {
    return titolario.exportVersion(ctx, versionId, format);
  }

  @Mutation(() => TitolarioVersion, {
    description:
      'Import a titolario file (JSON or CSV) as a new draft: all or nothing; with errors nothing is imported and TITOLARIO_IMPORT_INVALID lists every one (extensions.errors: line, field, message)',
  })
  @Requires(TITOLARIO_MANAGE)
  importTitolario(
    @Ctx() ctx: RequestContext,
    @Arg('input', { description: 'The file and the draft to make of it' }) input: ImportTitolarioInput,
  ): Promise<TitolarioVersion> {
    return titolario.importDraft(ctx, input);
  }

  @Query(() => [ClassificationSuggestion], {
    description:
      'Nodes of the titolario in force that may classify a free text (e.g. an oggetto), best first: descriptions and voci di indice compared by Italian word stem, accents ignored',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_SUGGESTIONS })
  @AnyAuthenticated()
  classificationSuggestions(
    @Ctx() ctx: RequestContext,
    @Arg('aooId', () => ID, { description: 'The AOO' }) aooId: string,
    @Arg('text', { description: 'The text to classify, e.g. "richiesta di licenza edilizia"' }) text: string,
    @Arg('at', () => String, {
      nullable: true,
      description: 'The day whose titolario applies (YYYY-MM-DD); left out, today',
    })
    at: string | null,
    @Arg('first', () => Int, {
      defaultValue: 5,
      description: `How many suggestions, 1 to ${MAX_SUGGESTIONS}`,
    })
    first: number,
    @Arg('leavesOnly', { defaultValue: false, description: 'Only leaf nodes (where fascicoli are opened)' })
    leavesOnly: boolean,
  ): Promise<ClassificationSuggestion[]> {
    return classificationSuggestions(ctx, { aooId, text, at, first, leavesOnly });
  }
}
