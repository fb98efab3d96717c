import { Migration } from '@mikro-orm/migrations';

/**
 * Authorised periods of the emergency register (001 §6.9): the opening covers the first 24
 * hours from the start of the outage; beyond that the RGD authorises further periods of at most
 * one week each, each starting where the previous ended, with its authorising act. Periods are
 * append-only, extensions only while the register is open, and a register is closed no later
 * than the end of its last period (so the records imported from it, dated inside start..end,
 * lie in authorised periods). Every register has its opening period (checked at commit).
 *
 * Sessions recorded before this rule get one opening period that covers them as they were (24
 * hours, or up to their recorded end when longer): their end was accepted under the old rule.
 */
export class Migration20261205000072_emergency_periods extends Migration {
  override up(): void {
    this.addSql(`
      create table emergency_period (
        id uuid primary key,
        register_id uuid not null references emergency_register (id) on delete restrict,
        sequence integer not null check (sequence >= 1),
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        authorisation varchar(500) not null check (length(btrim(authorisation)) > 0),
        recorded_at timestamptz not null,
        recorded_by uuid not null references app_user (id),
        constraint emergency_period_sequence_unique unique (register_id, sequence),
        constraint emergency_period_not_empty check (ends_at > starts_at)
      );

      insert into emergency_period (id, register_id, sequence, starts_at, ends_at, authorisation, recorded_at, recorded_by)
      select gen_random_uuid(), g.id, 1, g.started_at,
             greatest(g.started_at + interval '24 hours', coalesce(g.ended_at, g.started_at)),
             g.authorisation, g.opened_at, g.opened_by
        from emergency_register g;

      create function emergency_period_check() returns trigger language plpgsql as $$
      declare
        g emergency_register%rowtype;
        previous_end timestamptz;
      begin
        select * into g from emergency_register where id = new.register_id for update;
        if not found then
          raise exception 'an authorised period belongs to an emergency register written before it (register %)', new.register_id;
        end if;
        if new.sequence = 1 then
          if new.starts_at <> g.started_at or new.ends_at <> g.started_at + interval '24 hours' then
            raise exception 'the opening period of an emergency register covers the first 24 hours from its start (register %)', g.id;
          end if;
          return new;
        end if;
        if g.ended_at is not null then
          raise exception 'a closed emergency register is not extended (register %)', g.id;
        end if;
        select ends_at into previous_end from emergency_period
         where register_id = new.register_id and sequence = new.sequence - 1;
        if previous_end is null or new.starts_at <> previous_end then
          raise exception 'an extension of an emergency register starts where the previous period ended (register %)', g.id;
        end if;
        if new.ends_at > new.starts_at + interval '7 days' then
          raise exception 'an extension of an emergency register covers at most one week (register %)', g.id;
        end if;
        return new;
      end $$;
      create trigger emergency_period_check before insert on emergency_period
        for each row execute function emergency_period_check();

      create function emergency_period_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'authorised periods of the emergency register are never changed or deleted (%)', tg_op;
      end $$;
      create trigger emergency_period_immutable before update or delete on emergency_period
        for each row execute function emergency_period_append_only();
      create trigger emergency_period_no_truncate before truncate on emergency_period
        for each statement execute function emergency_period_append_only();

      -- A register ends within its authorised periods.
      create function emergency_register_end_authorised() returns trigger language plpgsql as $$
      begin
        if new.ended_at is not null and new.ended_at > coalesce(
             (select max(ends_at) from emergency_period where register_id = new.id), new.started_at) then
          raise exception 'an emergency register ends within its authorised periods (register %)', new.id;
        end if;
        return new;
      end $$;
      create trigger emergency_register_end_authorised before update on emergency_register
        for each row execute function emergency_register_end_authorised();

      -- Every register has its opening period, written in the same transaction.
      create function emergency_register_has_opening() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from emergency_period where register_id = new.id and sequence = 1) then
          raise exception 'an emergency register is opened with its opening period (register %)', new.id;
        end if;
        return null;
      end $$;
      create constraint trigger emergency_register_has_opening after insert on emergency_register
        deferrable initially deferred for each row execute function emergency_register_has_opening();
    `);
  }
}
