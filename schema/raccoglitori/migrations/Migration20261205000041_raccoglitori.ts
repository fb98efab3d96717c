import { Migration } from '@mikro-orm/migrations';

/**
 * Raccoglitori (001 §4.8): named containers of documents of one AOO, owned by a UOR, with no
 * classification and no number. Membership is history: one row per addition or removal, never
 * changed or deleted. The database itself keeps that history coherent: for each raccoglitore and
 * document the rows are versions 1, 2, 3… with no gap, odd ones additions and even ones
 * removals, so a document can be neither added twice in a row nor removed when absent, whatever
 * writes to the table.
 */
export class Migration20261205000041_raccoglitori extends Migration {
  override up(): void {
    this.addSql(`
      create table raccoglitore (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        uor_id uuid not null,
        name text not null check (length(name) between 1 and 200),
        description text null check (length(description) <= 2000),
        state text not null check (state in ('OPEN', 'CLOSED')),
        created_at timestamptz not null,
        created_by uuid not null references app_user (id),
        updated_at timestamptz not null,
        closed_at timestamptz null,
        closed_by uuid null references app_user (id),
        constraint raccoglitore_uor_in_aoo foreign key (uor_id, aoo_id) references uor (id, aoo_id),
        constraint raccoglitore_closed_coherent check ((state = 'CLOSED') = (closed_at is not null and closed_by is not null))
      );
      -- The name identifies an open raccoglitore in its AOO (case ignored); closed ones free it.
      create unique index raccoglitore_open_name on raccoglitore (aoo_id, lower(name)) where state = 'OPEN';
      create index raccoglitore_aoo_name on raccoglitore (aoo_id, name, id);

      -- A closed raccoglitore stays closed, in its AOO and UOR.
      create function raccoglitore_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'raccoglitori are never deleted (%)', old.id using errcode = '55000';
        end if;
        if new.id <> old.id or new.aoo_id <> old.aoo_id or new.created_at <> old.created_at
           or new.created_by <> old.created_by then
          raise exception 'the identity of raccoglitore % never changes', old.id using errcode = '55000';
        end if;
        if old.state = 'CLOSED' and (new.state <> 'CLOSED' or new.name <> old.name
           or new.description is distinct from old.description or new.uor_id <> old.uor_id
           or new.closed_at <> old.closed_at) then
          raise exception 'raccoglitore % is closed', old.id using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger raccoglitore_guard before update or delete on raccoglitore
        for each row execute function raccoglitore_guard();

      create table raccoglitore_document_event (
        id bigint generated always as identity primary key,
        raccoglitore_id uuid not null references raccoglitore (id),
        document_id uuid not null references document (id),
        version int not null check (version >= 1),
        action text not null check (action = case when version % 2 = 1 then 'ADDED' else 'REMOVED' end),
        at timestamptz not null,
        actor_id uuid not null references app_user (id),
        unique (raccoglitore_id, document_id, version)
      );
      create index raccoglitore_document_event_document on raccoglitore_document_event (document_id);

      create function raccoglitore_document_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'raccoglitore_document_event is append-only: membership is history' using errcode = '55000';
      end $$;
      create trigger raccoglitore_document_event_no_change before update or delete on raccoglitore_document_event
        for each row execute function raccoglitore_document_event_append_only();
      create trigger raccoglitore_document_event_no_truncate before truncate on raccoglitore_document_event
        for each statement execute function raccoglitore_document_event_append_only();

      -- Versions follow each other without gaps; additions only into an open raccoglitore, of a
      -- document of the same AOO.
      create function raccoglitore_document_event_check() returns trigger language plpgsql as $$
      declare
        last int;
        r raccoglitore%rowtype;
      begin
        select * into r from raccoglitore where id = new.raccoglitore_id;
        if r.state <> 'OPEN' then
          raise exception 'raccoglitore % is closed', new.raccoglitore_id using errcode = '55000';
        end if;
        if (select aoo_id from document where id = new.document_id) <> r.aoo_id then
          raise exception 'document % belongs to another AOO than raccoglitore %', new.document_id, r.id
            using errcode = '23514';
        end if;
        select max(version) into last from raccoglitore_document_event
          where raccoglitore_id = new.raccoglitore_id and document_id = new.document_id;
        if new.version <> coalesce(last, 0) + 1 then
          raise exception 'membership of document % in raccoglitore % goes from version % to %',
            new.document_id, new.raccoglitore_id, coalesce(last, 0), new.version using errcode = '23514';
        end if;
        return new;
      end $$;
      create trigger raccoglitore_document_event_check before insert on raccoglitore_document_event
        for each row execute function raccoglitore_document_event_check();
    `);
  }
}
