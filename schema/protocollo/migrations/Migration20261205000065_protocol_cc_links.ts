import { Migration } from '@mikro-orm/migrations';

/**
 * CC (per conoscenza) and links to other records (collegamenti) of a registration (DOMAIN §5):
 * managed optional fields, so their current state is a table each (queryable: "my records as
 * CC" reads protocol_cc by user and office) and every version's full lists are columns of
 * protocol_version (a history query returns comparable versions).
 * - protocol_cc: exactly one of an office (UOR) or a user, of the record's AOO (the user active
 *   with an open membership in it when added), each at most once per record;
 * - protocol_link: to another record of the same AOO, never to itself, once per pair.
 */
export class Migration20261205000065_protocol_cc_links extends Migration {
  override up(): void {
    this.addSql(`
      create table protocol_cc (
        seq bigint generated always as identity primary key,
        record_id uuid not null references protocol_record (id) on delete restrict,
        uor_id uuid null references uor (id),
        user_id uuid null references app_user (id),
        added_at timestamptz not null,
        added_by uuid not null references app_user (id),
        constraint protocol_cc_exactly_one check (num_nonnulls(uor_id, user_id) = 1)
      );
      create unique index protocol_cc_uor_once on protocol_cc (record_id, uor_id) where uor_id is not null;
      create unique index protocol_cc_user_once on protocol_cc (record_id, user_id) where user_id is not null;
      -- "My records as CC": by user, and by office.
      create index protocol_cc_by_user on protocol_cc (user_id, record_id) where user_id is not null;
      create index protocol_cc_by_uor on protocol_cc (uor_id, record_id) where uor_id is not null;

      create function protocol_cc_same_aoo() returns trigger language plpgsql as $$
      declare
        aoo uuid;
      begin
        select r.aoo_id into aoo from protocol_record r where r.id = new.record_id;
        if new.uor_id is not null and not exists (
             select 1 from uor u where u.id = new.uor_id and u.aoo_id = aoo) then
          raise exception 'a record is sent in CC to offices of its own AOO' using errcode = '23514';
        end if;
        if new.user_id is not null and not exists (
             select 1 from app_user u where u.id = new.user_id and u.active and exists (
               select 1 from membership m join uor o on o.id = m.uor_id
                where m.user_id = u.id and m.ended_at is null and o.aoo_id = aoo)) then
          raise exception 'a record is sent in CC to active users of its own AOO' using errcode = '23514';
        end if;
        return new;
      end $$;
      create trigger protocol_cc_same_aoo before insert or update on protocol_cc
        for each row execute function protocol_cc_same_aoo();

      create table protocol_link (
        seq bigint generated always as identity,
        record_id uuid not null references protocol_record (id) on delete restrict,
        linked_record_id uuid not null references protocol_record (id) on delete restrict,
        kind varchar(20) not null check (kind in ('PRECEDENTE', 'RISPOSTA_A', 'RIFERIMENTO')),
        added_at timestamptz not null,
        added_by uuid not null references app_user (id),
        primary key (record_id, linked_record_id),
        constraint protocol_link_not_self check (record_id <> linked_record_id)
      );
      create index protocol_link_reverse on protocol_link (linked_record_id, record_id);

      create function protocol_link_same_aoo() returns trigger language plpgsql as $$
      begin
        if (select aoo_id from protocol_record where id = new.record_id)
           is distinct from (select aoo_id from protocol_record where id = new.linked_record_id) then
          raise exception 'a record links only to records of its own AOO' using errcode = '23514';
        end if;
        return new;
      end $$;
      create trigger protocol_link_same_aoo before insert or update on protocol_link
        for each row execute function protocol_link_same_aoo();

      -- Every version's full lists ([{uorId}|{userId}], [{recordId, kind}]); earlier versions had none.
      alter table protocol_version
        add column cc jsonb not null default '[]' check (jsonb_typeof(cc) = 'array'),
        add column links jsonb not null default '[]' check (jsonb_typeof(links) = 'array');
    `);
  }
}
