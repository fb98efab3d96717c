import { Migration } from '@mikro-orm/migrations';

/**
 * The correspondents directory (rubrica, DOMAIN §5) of each AOO. An entry is never deleted: it is
 * deactivated instead. Every write to an entry is a new version: the database itself copies the
 * row into `correspondent_version` (append-only) on each insert and update, and refuses an update
 * that does not advance the version by one, so no path, SQL included, changes an entry without
 * leaving its history.
 */
export class Migration20261205000051_rubrica extends Migration {
  override up(): void {
    this.addSql(`
      create table correspondent (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        kind text not null check (kind in ('PERSONA_FISICA', 'PERSONA_GIURIDICA', 'AMMINISTRAZIONE_ITALIANA', 'AMMINISTRAZIONE_ESTERA')),
        version int not null check (version >= 1),
        active boolean not null,
        last_change text not null check (last_change in ('CREATED', 'UPDATED', 'DEACTIVATED', 'REACTIVATED', 'IMPORTED')),
        display_name text not null check (length(display_name) between 1 and 400),
        name text null check (length(name) <= 200),
        surname text null check (length(surname) <= 200),
        denominazione text null check (length(denominazione) <= 400),
        codice_fiscale text null check (codice_fiscale ~ '^([A-Z0-9]{16}|[0-9]{11})$'),
        partita_iva text null check (partita_iva ~ '^[0-9]{11}$'),
        ipa_code text null check (length(ipa_code) between 1 and 20),
        aoo_code text null check (length(aoo_code) between 1 and 20),
        uo_code text null check (length(uo_code) between 1 and 20),
        country text null check (length(country) <= 100),
        address text null check (length(address) <= 400),
        postal_code text null check (length(postal_code) <= 20),
        city text null check (length(city) <= 200),
        province text null check (length(province) <= 100),
        email text null check (length(email) <= 254),
        pec text null check (length(pec) <= 254),
        notes text null check (length(notes) <= 2000),
        created_at timestamptz not null,
        created_by uuid not null references app_user (id),
        updated_at timestamptz not null,
        updated_by uuid not null references app_user (id),
        -- Search ignores case and accents; the list is ordered the same way.
        sort_name text generated always as (lower(dms_unaccent(display_name))) stored,
        search_text text generated always as (lower(dms_unaccent(
          display_name || ' ' || coalesce(name, '') || ' ' || coalesce(surname, '') || ' ' || coalesce(denominazione, '')))) stored,
        constraint correspondent_ipa_only_for_administrations
          check ((ipa_code is null and aoo_code is null and uo_code is null) or kind = 'AMMINISTRAZIONE_ITALIANA'),
        constraint correspondent_ipa_code_required check (kind <> 'AMMINISTRAZIONE_ITALIANA' or ipa_code is not null)
      );
      create index correspondent_aoo_sort on correspondent (aoo_id, sort_name, id);
      create index correspondent_search_trgm on correspondent using gin (search_text gin_trgm_ops);
      create index correspondent_cf on correspondent (aoo_id, codice_fiscale) where codice_fiscale is not null;
      create index correspondent_piva on correspondent (aoo_id, partita_iva) where partita_iva is not null;
      create index correspondent_pec on correspondent (aoo_id, lower(pec)) where pec is not null;
      -- One entry per IPA administration, AOO and UO in an AOO's directory.
      create unique index correspondent_ipa_key on correspondent
        (aoo_id, ipa_code, coalesce(aoo_code, ''), coalesce(uo_code, '')) where ipa_code is not null;

      create table correspondent_version (
        correspondent_id uuid not null references correspondent (id),
        version int not null,
        change text not null,
        at timestamptz not null,
        actor_id uuid not null references app_user (id),
        data jsonb not null,
        primary key (correspondent_id, version)
      );

      create function correspondent_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'correspondents are never deleted (%): deactivate them', old.id using errcode = '55000';
        end if;
        if new.id <> old.id or new.aoo_id <> old.aoo_id or new.kind <> old.kind
           or new.created_at <> old.created_at or new.created_by <> old.created_by then
          raise exception 'the identity of correspondent % never changes', old.id using errcode = '55000';
        end if;
        if new.version <> old.version + 1 then
          raise exception 'correspondent % goes from version % to %: each change is the next version',
            old.id, old.version, new.version using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger correspondent_guard before update or delete on correspondent
        for each row execute function correspondent_guard();
      create function correspondent_no_truncate() returns trigger language plpgsql as $$
      begin
        raise exception '% is never emptied: the directory keeps its history', tg_table_name using errcode = '55000';
      end $$;
      create trigger correspondent_no_truncate before truncate on correspondent
        for each statement execute function correspondent_no_truncate();

      -- The history is written by the database on every write of an entry, whatever the path.
      create function correspondent_record_version() returns trigger language plpgsql as $$
      begin
        insert into correspondent_version (correspondent_id, version, change, at, actor_id, data)
        values (new.id, new.version, new.last_change, new.updated_at, new.updated_by,
                to_jsonb(new) - 'sort_name' - 'search_text');
        return null;
      end $$;
      create trigger correspondent_record_version after insert or update on correspondent
        for each row execute function correspondent_record_version();

      create function correspondent_version_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'correspondent_version is append-only: the directory keeps its history' using errcode = '55000';
      end $$;
      create trigger correspondent_version_no_change before update or delete on correspondent_version
        for each row execute function correspondent_version_append_only();
      create trigger correspondent_version_no_truncate before truncate on correspondent_version
        for each statement execute function correspondent_version_append_only();
    `);
  }
}
