import { Migration } from '@mikro-orm/migrations';

/**
 * Classification suggestions: node descriptions and index terms (with their variants) searched
 * in Italian, accents ignored ("attivita" finds "attività", "edilizia" finds "licenze
 * edilizie"). A text search configuration copying `italian` puts the unaccent dictionary before
 * the Italian stemmer; to_tsvector with a fixed configuration is immutable, so the vectors are
 * generated columns. The variants list needs an IMMUTABLE wrapper (array_to_string is only
 * STABLE) to take part in a generated column.
 */
export class Migration20261205000012_titolario_search extends Migration {
  override up(): void {
    this.addSql(`
      create extension if not exists unaccent;
      create text search configuration titolario_italian (copy = italian);
      alter text search configuration titolario_italian
        alter mapping for hword, hword_part, word with public.unaccent, italian_stem;

      create function titolario_term_text(term text, variants text[]) returns text
        language sql immutable parallel safe
        as $$ select term || ' ' || coalesce(array_to_string(variants, ' '), '') $$;

      alter table titolario_node add column search tsvector
        generated always as (to_tsvector('titolario_italian'::regconfig, description)) stored;
      alter table titolario_index_term add column search tsvector
        generated always as (to_tsvector('titolario_italian'::regconfig, titolario_term_text(term, variants))) stored;

      create index titolario_node_search_idx on titolario_node using gin (search);
      create index titolario_index_term_search_idx on titolario_index_term using gin (search);
    `);
  }

  override down(): void {
    this.addSql(`
      alter table titolario_index_term drop column search;
      alter table titolario_node drop column search;
      drop function titolario_term_text(text, text[]);
      drop text search configuration titolario_italian;
    `);
  }
}
