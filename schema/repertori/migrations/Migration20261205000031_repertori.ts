import { Migration } from '@mikro-orm/migrations';

/**
 * Repertori (DOMAIN §4): series of documents of the same form per AOO, and their entries,
 * numbered per repertorio and Europe/Rome year by the numbering module. The register is legal
 * evidence, so the database itself keeps it: an entry's number, year, date and document never
 * change, no entry is ever deleted, an annulment happens once and stays; a repertorio keeps its
 * AOO and code and cannot be deleted once it has entries.
 */
export class Migration20261205000031_repertori extends Migration {
  override up(): void {
    this.addSql(`
      create table repertorio (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        code varchar(40) not null check (code ~ '^[A-Z][A-Z0-9_]{0,39}$'),
        name varchar(200) not null check (length(btrim(name)) > 0),
        active boolean not null default true,
        created_at timestamptz not null,
        created_by uuid not null references app_user (id),
        constraint repertorio_code_unique unique (aoo_id, code)
      );

      create table repertorio_entry (
        id uuid primary key,
        repertorio_id uuid not null references repertorio (id) on delete restrict,
        aoo_id uuid not null references aoo (id),
        document_id uuid not null references document (id) on delete restrict,
        number integer not null check (number >= 1),
        year integer not null check (year between 1900 and 9999),
        date date not null,
        registered_at timestamptz not null,
        registered_by uuid not null references app_user (id),
        state varchar(12) not null default 'REGISTRATO' check (state in ('REGISTRATO', 'ANNULLATO')),
        annulled_at timestamptz null,
        annulled_by uuid null references app_user (id),
        annulment_reason varchar(2000) null,
        constraint repertorio_entry_number_unique unique (repertorio_id, year, number),
        -- The date is the Italian civil day of the registration, the year that day's year.
        constraint repertorio_entry_date_of_registration
          check (date = (registered_at at time zone 'Europe/Rome')::date and year = extract(year from date)),
        constraint repertorio_entry_annulment check (
          (state = 'REGISTRATO' and annulled_at is null and annulled_by is null and annulment_reason is null)
          or (state = 'ANNULLATO' and annulled_at is not null and annulled_by is not null
              and length(btrim(annulment_reason)) > 0))
      );
      -- A document stands once in a repertorio (again only after its entry is annulled).
      create unique index repertorio_entry_document_once on repertorio_entry (repertorio_id, document_id)
        where state = 'REGISTRATO';
      create index repertorio_entry_document on repertorio_entry (document_id);
      create index repertorio_entry_listing on repertorio_entry (repertorio_id, year, number);
      create index repertorio_entry_by_date on repertorio_entry (repertorio_id, date);

      -- The entry's repertorio is of the entry's AOO, and so is its document.
      create function repertorio_entry_same_aoo() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from repertorio r where r.id = new.repertorio_id and r.aoo_id = new.aoo_id) then
          raise exception 'a repertorio entry belongs to the AOO of its repertorio';
        end if;
        if not exists (select 1 from document d where d.id = new.document_id and d.aoo_id = new.aoo_id) then
          raise exception 'a repertorio entry names a document of its own AOO';
        end if;
        return new;
      end $$;
      create trigger repertorio_entry_same_aoo before insert on repertorio_entry
        for each row execute function repertorio_entry_same_aoo();

      create function repertorio_entry_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          raise exception 'repertorio entries are never deleted (annul them)';
        end if;
        if tg_op = 'DELETE' then
          raise exception 'repertorio entries are never deleted (annul them): entry %/% of repertorio %',
            old.number, old.year, old.repertorio_id;
        end if;
        if (new.id, new.repertorio_id, new.aoo_id, new.document_id, new.number, new.year, new.date,
            new.registered_at, new.registered_by)
           is distinct from
           (old.id, old.repertorio_id, old.aoo_id, old.document_id, old.number, old.year, old.date,
            old.registered_at, old.registered_by) then
          raise exception 'a repertorio entry is immutable: number, year, date and document never change (entry %/%)',
            old.number, old.year;
        end if;
        if old.state = 'ANNULLATO' and
           (new.state, new.annulled_at, new.annulled_by, new.annulment_reason)
           is distinct from (old.state, old.annulled_at, old.annulled_by, old.annulment_reason) then
          raise exception 'an annulled repertorio entry stays annulled as it was (entry %/%)', old.number, old.year;
        end if;
        return new;
      end $$;
      create trigger repertorio_entry_immutable before update or delete on repertorio_entry
        for each row execute function repertorio_entry_immutable();
      create trigger repertorio_entry_no_truncate before truncate on repertorio_entry
        for each statement execute function repertorio_entry_immutable();

      -- A repertorio keeps its AOO and code (entries and counters name it); it is deactivated, not deleted.
      create function repertorio_identity() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          if exists (select 1 from repertorio_entry e where e.repertorio_id = old.id) then
            raise exception 'repertorio % has entries: it is deactivated, never deleted', old.code;
          end if;
          return old;
        end if;
        if (new.id, new.aoo_id, new.code, new.created_at, new.created_by)
           is distinct from (old.id, old.aoo_id, old.code, old.created_at, old.created_by) then
          raise exception 'a repertorio keeps its AOO and code (%)', old.code;
        end if;
        return new;
      end $$;
      create trigger repertorio_identity before update or delete on repertorio
        for each row execute function repertorio_identity();
    `);
  }
}
