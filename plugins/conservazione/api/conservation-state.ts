import DataLoader from 'dataloader';
import { Field, ID, ObjectType } from 'type-graphql';
import { AnyAuthenticated } from '../../../server/auth/access.js';
import { loader, type RequestContext } from '../../../server/context.js';
import { pgArray } from '../../../server/db/sql-array.js';
import { ConservationColour, ConservationReason } from '../package/index.js';

/**
 * Where a document or a fascicolo stands at the conservator, as its readers see it beside the
 * record (they passed its row visibility): the colour, the package that carries it, when the
 * outcome came and the conservator's reasons.
 */
@ObjectType({ simpleResolvers: true, description: 'Where a document or fascicolo stands at the conservator' })
@AnyAuthenticated()
export class ConservationState {
  @Field(() => ConservationColour, {
    description:
      'Green once conserved; otherwise the colour of its latest package (orange waiting, red rejected)',
  })
  colour!: ConservationColour;

  @Field(() => ID, {
    description: 'The package this state comes from (conservationPackage gives it to the archivist)',
  })
  packageId!: string;

  @Field(() => ID, { nullable: true, description: "The document's item in that package (documents only)" })
  itemId!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the outcome arrived (null while orange)' })
  outcomeAt!: Date | null;

  @Field(() => [ConservationReason], {
    description: "The conservator's reasons: why it was rejected, or its warnings (empty when none)",
  })
  reasons!: ConservationReason[];
}

interface ReasonRow {
  code: string;
  message: string;
  componentId?: string | null;
}

const reasonsOf = (raw: unknown): ConservationReason[] =>
  (Array.isArray(raw) ? (raw as ReasonRow[]) : []).map((r) => ({
    code: String(r.code),
    message: String(r.message),
    componentId: r.componentId ?? null,
  }));

/**
 * Per-request loaders of the conservation state: one statement per field per request level,
 * whatever the number of documents or fascicoli listed. Callers pass only ids the caller sees.
 */
export const conservationStateLoaders = {
  /** A document's state: its green item if conserved (final), else its latest item's (a resend's before the package it resent). */
  ofDocument: (ctx: RequestContext) =>
    loader(
      ctx,
      'conservazione.stateOfDocument',
      () =>
        new DataLoader<string, ConservationState | null>(async (ids) => {
          const rows = await ctx.em.execute<
            Array<{
              document_id: string;
              id: string;
              package_id: string;
              colour: ConservationColour;
              outcome_at: Date | null;
              reasons: unknown;
            }>
          >(
            `select distinct on (i.document_id) i.document_id, i.id, i.package_id, i.colour, i.outcome_at, i.reasons
               from conservation_item i join conservation_package p on p.id = i.package_id
              where i.document_id = any(?::uuid[])
              order by i.document_id, (i.colour = 'GREEN') desc,
                       exists (select 1 from conservation_package r where r.resent_from_id = p.id),
                       p.created_at desc, p.id desc`,
            [pgArray(ids)],
          );
          const by = new Map(
            rows.map((r) => [
              r.document_id,
              {
                colour: r.colour,
                packageId: r.package_id,
                itemId: r.id,
                outcomeAt: r.outcome_at === null ? null : new Date(r.outcome_at),
                reasons: reasonsOf(r.reasons),
              } satisfies ConservationState,
            ]),
          );
          return ids.map((id) => by.get(id) ?? null);
        }),
    ),

  /**
   * A fascicolo's state: its latest FASCICOLO package not resent (a resend names the fascicolo
   * too, so a rejected package resent gives way to its resend, even one made in the same
   * instant), with the reasons of its rejected documents.
   */
  ofFascicolo: (ctx: RequestContext) =>
    loader(
      ctx,
      'conservazione.stateOfFascicolo',
      () =>
        new DataLoader<string, ConservationState | null>(async (ids) => {
          const rows = await ctx.em.execute<
            Array<{
              fascicolo_id: string;
              id: string;
              colour: ConservationColour;
              colour_changed_at: Date;
              reasons: unknown;
            }>
          >(
            `select l.fascicolo_id, l.id, l.colour, l.colour_changed_at,
                    coalesce((select jsonb_agg(r order by i.position)
                                from conservation_item i cross join lateral jsonb_array_elements(i.reasons) r
                               where i.package_id = l.id and i.colour = 'RED'), '[]'::jsonb) as reasons
               from (select distinct on (p.fascicolo_id) p.fascicolo_id, p.id, p.colour, p.colour_changed_at
                       from conservation_package p
                      where p.kind = 'FASCICOLO' and p.fascicolo_id = any(?::uuid[])
                        and not exists (select 1 from conservation_package r where r.resent_from_id = p.id)
                      order by p.fascicolo_id, p.created_at desc, p.id desc) l`,
            [pgArray(ids)],
          );
          const by = new Map(
            rows.map((r) => [
              r.fascicolo_id,
              {
                colour: r.colour,
                packageId: r.id,
                itemId: null,
                outcomeAt: r.colour === ConservationColour.ORANGE ? null : new Date(r.colour_changed_at),
                reasons: reasonsOf(r.reasons),
              } satisfies ConservationState,
            ]),
          );
          return ids.map((id) => by.get(id) ?? null);
        }),
    ),
};
