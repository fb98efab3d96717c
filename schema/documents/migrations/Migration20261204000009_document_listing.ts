import { Migration } from '@mikro-orm/migrations';

/**
 * Paging and searching documents: keyset indexes for the two sort orders, and a trigram index
 * for "text in the oggetto", accent- and case-insensitive (unaccent must be wrapped in an
 * IMMUTABLE function to be indexed). pg_trgm and unaccent are trusted extensions: the owner of
 * the database may create them.
 */
export class Migration20261204000009_document_listing extends Migration {
  override up(): void {
    this.addSql(`
      create extension if not exists pg_trgm;
      create extension if not exists unaccent;
      create function dms_unaccent(text) returns text language sql immutable parallel safe strict
        as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$;
      create index document_aoo_created_idx on document (aoo_id, created_at, id);
      create index document_aoo_oggetto_idx on document (aoo_id, oggetto, id);
      create index document_oggetto_trgm_idx on document using gin (lower(dms_unaccent(oggetto)) gin_trgm_ops);
    `);
  }

  override down(): void {
    this.addSql(`
      drop index document_oggetto_trgm_idx;
      drop index document_aoo_oggetto_idx;
      drop index document_aoo_created_idx;
      drop function dms_unaccent(text);
    `);
  }
}
