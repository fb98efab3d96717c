import { Migration } from '@mikro-orm/migrations';

/**
 * The emergency register (001 §6.9, DOMAIN §5). A session records cause, start and end of the
 * outage and the authorising act; at most one is open per AOO and sessions do not overlap; its start never follows its
 * opening and its end never precedes its start; once closed it stays as it was, and nothing is
 * deleted. Each record recovered from it keeps its emergency number (per AOO and year, unique)
 * and date, inside the session, linked to the protocol registration made in the same
 * transaction; those links are written once.
 */
export class Migration20261205000071_emergenza extends Migration {
  override up(): void {
    this.addSql(`
      create table emergency_register (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        cause varchar(2000) not null check (length(btrim(cause)) > 0),
        authorisation varchar(500) not null check (length(btrim(authorisation)) > 0),
        started_at timestamptz not null,
        ended_at timestamptz null,
        opened_at timestamptz not null,
        opened_by uuid not null references app_user (id),
        closed_at timestamptz null,
        closed_by uuid null references app_user (id),
        -- The outage already happened or is happening: it never starts after it is recorded.
        constraint emergency_register_start_not_future check (started_at <= opened_at),
        constraint emergency_register_end_after_start check (ended_at is null or ended_at >= started_at),
        constraint emergency_register_end_not_future check (ended_at is null or ended_at <= closed_at),
        constraint emergency_register_closing check (
          (ended_at is null and closed_at is null and closed_by is null)
          or (ended_at is not null and closed_at is not null and closed_by is not null))
      );
      -- At most one open emergency register per AOO.
      create unique index emergency_register_one_open on emergency_register (aoo_id) where ended_at is null;
      create index emergency_register_by_aoo on emergency_register (aoo_id, started_at);

      create function emergency_register_guard() returns trigger language plpgsql as $$
      begin
        if tg_op in ('DELETE', 'TRUNCATE') then
          raise exception 'emergency registers are never deleted';
        end if;
        if old.ended_at is not null then
          raise exception 'a closed emergency register stays as it was (register %)', old.id;
        end if;
        if (new.id, new.aoo_id, new.cause, new.authorisation, new.started_at, new.opened_at, new.opened_by)
           is distinct from
           (old.id, old.aoo_id, old.cause, old.authorisation, old.started_at, old.opened_at, old.opened_by) then
          raise exception 'an emergency register changes only by being closed (register %)', old.id;
        end if;
        return new;
      end $$;
      -- Sessions of an AOO follow one another: a new one starts no earlier than the end of the
      -- previous ones (an emergency date belongs to one session only).
      create function emergency_register_no_overlap() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from emergency_register g
                    where g.aoo_id = new.aoo_id and g.id <> new.id and g.ended_at > new.started_at) then
          raise exception 'emergency registers of an AOO do not overlap: this one starts before the end of an earlier one';
        end if;
        return new;
      end $$;
      create trigger emergency_register_no_overlap before insert on emergency_register
        for each row execute function emergency_register_no_overlap();

      create trigger emergency_register_guard before update or delete on emergency_register
        for each row execute function emergency_register_guard();
      create trigger emergency_register_no_truncate before truncate on emergency_register
        for each statement execute function emergency_register_guard();

      create table emergency_registration (
        record_id uuid primary key references protocol_record (id) on delete restrict,
        register_id uuid not null references emergency_register (id) on delete restrict,
        aoo_id uuid not null references aoo (id),
        emergency_year integer not null check (emergency_year between 1900 and 9999),
        emergency_number integer not null check (emergency_number >= 1),
        emergency_at timestamptz not null,
        imported_at timestamptz not null,
        imported_by uuid not null references app_user (id),
        constraint emergency_registration_number_unique unique (aoo_id, emergency_year, emergency_number),
        constraint emergency_registration_year
          check (emergency_year = extract(year from (emergency_at at time zone 'Europe/Rome')))
      );
      create index emergency_registration_register on emergency_registration (register_id, emergency_year, emergency_number);

      -- The link is made with the registration (same transaction), to a closed register of the
      -- same AOO, dated inside the session.
      create function emergency_registration_check() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from emergency_register g
                        where g.id = new.register_id and g.aoo_id = new.aoo_id and g.ended_at is not null
                          and new.emergency_at between g.started_at and g.ended_at) then
          raise exception 'an emergency registration is dated inside a closed emergency register of its AOO';
        end if;
        if not exists (select 1 from protocol_record r
                        where r.id = new.record_id and r.aoo_id = new.aoo_id
                          and r.registered_txid = txid_current()) then
          raise exception 'an emergency registration is recorded with its protocol registration, in the same AOO';
        end if;
        return new;
      end $$;
      create trigger emergency_registration_check before insert on emergency_registration
        for each row execute function emergency_registration_check();

      create function emergency_registration_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'emergency registrations are never changed or deleted (%)', tg_op;
      end $$;
      create trigger emergency_registration_immutable before update or delete on emergency_registration
        for each row execute function emergency_registration_append_only();
      create trigger emergency_registration_no_truncate before truncate on emergency_registration
        for each statement execute function emergency_registration_append_only();
    `);
  }
}
