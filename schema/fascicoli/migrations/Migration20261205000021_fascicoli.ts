import { Migration } from '@mikro-orm/migrations';

/**
 * Fascicoli, their life history and the filing history of documents in them. The database
 * keeps the legal invariants itself: number, year, classification, parent and opening date
 * never change; a closed fascicolo has its closing date and takes no filing; a parent never
 * closes over an open child; history rows are append-only and fascicoli are never deleted.
 */
export class Migration20261205000021_fascicoli extends Migration {
  override up(): void {
    this.addSql(`
      create table fascicolo (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        parent_id uuid null references fascicolo (id),
        level int not null check (level between 1 and 3),
        classification_id uuid not null references titolario_node (id),
        numbering_node_id uuid not null references titolario_node (id),
        classification_code text not null check (length(classification_code) between 1 and 200),
        classification_sort text not null,
        year int not null check (year between 1900 and 9999),
        number int not null check (number >= 1),
        number_path text not null check (number_path ~ '^[0-9]+(\\.[0-9]+){0,2}$'),
        kind text not null check (kind in ('AFFARE', 'ATTIVITA', 'PROCEDIMENTO_AMMINISTRATIVO', 'PERSONA_FISICA', 'PERSONA_GIURIDICA')),
        oggetto text not null check (length(oggetto) between 1 and 2000),
        uor_id uuid not null references uor (id),
        rpa_id uuid not null references app_user (id),
        participating_administrations text[] not null default '{}',
        confidentiality text not null check (confidentiality in ('ORDINARIO', 'RISERVATO', 'SEGRETO')),
        physical_location text null check (length(physical_location) <= 1000),
        annual_repeat boolean not null default false,
        repeated_from_id uuid null unique references fascicolo (id),
        state text not null default 'OPEN' check (state in ('OPEN', 'CLOSED')),
        opening_date date not null,
        opened_at timestamptz not null,
        opened_by uuid null references app_user (id),
        closing_date date null,
        closed_at timestamptz null,
        check ((parent_id is null) = (level = 1)),
        check ((state = 'CLOSED') = (closing_date is not null and closed_at is not null))
      );
      -- The repertorio dei fascicoli: one number per (AOO, node, year); a chain under each parent.
      create unique index fascicolo_number_uq on fascicolo (aoo_id, numbering_node_id, year, number) where parent_id is null;
      create unique index fascicolo_child_number_uq on fascicolo (parent_id, number) where parent_id is not null;
      create index fascicolo_aoo_uor_idx on fascicolo (aoo_id, uor_id);
      create index fascicolo_list_idx on fascicolo (aoo_id, opened_at desc, id desc);
      create index fascicolo_repertorio_idx on fascicolo (aoo_id, year, classification_sort, number) where parent_id is null;
      create index fascicolo_classification_idx on fascicolo (classification_id);
      -- Full-text on oggetto in Italian, accents ignored (the titolario's search configuration).
      create index fascicolo_oggetto_fts_idx on fascicolo using gin (to_tsvector('titolario_italian'::regconfig, oggetto));

      create table fascicolo_history (
        seq bigint generated always as identity primary key,
        fascicolo_id uuid not null references fascicolo (id),
        action text not null check (action in ('OPENED', 'CLOSED', 'REOPENED', 'TRANSFERRED')),
        at timestamptz not null,
        actor_id uuid null references app_user (id),
        reason text null check (length(reason) <= 2000),
        from_uor_id uuid null references uor (id),
        to_uor_id uuid null references uor (id),
        from_rpa_id uuid null references app_user (id),
        to_rpa_id uuid null references app_user (id),
        check (action <> 'REOPENED' or length(trim(reason)) > 0),
        check (action <> 'TRANSFERRED' or (to_uor_id is not null and to_rpa_id is not null))
      );
      create index fascicolo_history_idx on fascicolo_history (fascicolo_id, seq);

      create table fascicolo_filing (
        seq bigint generated always as identity primary key,
        fascicolo_id uuid not null references fascicolo (id),
        document_id uuid not null references document (id),
        action text not null check (action in ('FILE', 'UNFILE')),
        is_primary boolean not null,
        at timestamptz not null,
        actor_id uuid null references app_user (id),
        check (action = 'FILE' or not is_primary)
      );
      create index fascicolo_filing_idx on fascicolo_filing (fascicolo_id, document_id, seq desc);
      create index fascicolo_filing_document_idx on fascicolo_filing (document_id, seq desc);

      -- What is filed now: the last step of each (fascicolo, document) pair, when it is a filing.
      create view fascicolo_filing_current as
        select fascicolo_id, document_id, is_primary, at as filed_at, actor_id from (
          select distinct on (fascicolo_id, document_id) fascicolo_id, document_id, action, is_primary, at, actor_id
            from fascicolo_filing order by fascicolo_id, document_id, seq desc) last_step
         where action = 'FILE';

      create function fascicolo_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          raise exception 'fascicoli are never deleted';
        end if;
        if tg_op = 'DELETE' then
          raise exception 'fascicolo % is never deleted', old.id;
        end if;
        if tg_op = 'UPDATE' and (new.id, new.aoo_id, new.parent_id, new.level, new.classification_id,
            new.numbering_node_id, new.classification_code, new.classification_sort, new.year, new.number,
            new.number_path, new.opening_date, new.opened_at, new.opened_by, new.repeated_from_id)
          is distinct from (old.id, old.aoo_id, old.parent_id, old.level, old.classification_id,
            old.numbering_node_id, old.classification_code, old.classification_sort, old.year, old.number,
            old.number_path, old.opening_date, old.opened_at, old.opened_by, old.repeated_from_id) then
          raise exception 'fascicolo %: number, year, classification, parent and opening date never change', old.id;
        end if;
        if new.state = 'CLOSED' and (tg_op = 'INSERT' or old.state = 'OPEN') and exists (
            select 1 from fascicolo c where c.parent_id = new.id and c.state = 'OPEN') then
          raise exception 'fascicolo % cannot close while a sottofascicolo is open', new.id;
        end if;
        if new.state = 'OPEN' and (tg_op = 'INSERT' or old.state = 'CLOSED') and new.parent_id is not null and exists (
            select 1 from fascicolo p where p.id = new.parent_id and p.state = 'CLOSED') then
          raise exception 'fascicolo %: its parent is closed', new.id;
        end if;
        return new;
      end $$;
      create trigger fascicolo_guard before insert or update or delete on fascicolo
        for each row execute function fascicolo_guard();
      create trigger fascicolo_no_truncate before truncate on fascicolo
        for each statement execute function fascicolo_guard();

      create function fascicolo_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: history is never changed or deleted', tg_table_name;
      end $$;
      create trigger fascicolo_history_append_only before update or delete on fascicolo_history
        for each row execute function fascicolo_append_only();
      create trigger fascicolo_history_no_truncate before truncate on fascicolo_history
        for each statement execute function fascicolo_append_only();
      create trigger fascicolo_filing_append_only before update or delete on fascicolo_filing
        for each row execute function fascicolo_append_only();
      create trigger fascicolo_filing_no_truncate before truncate on fascicolo_filing
        for each statement execute function fascicolo_append_only();

      create function fascicolo_filing_check() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from fascicolo f where f.id = new.fascicolo_id and f.state = 'CLOSED') then
          raise exception 'fascicolo % is closed: nothing is filed or unfiled', new.fascicolo_id;
        end if;
        if not exists (select 1 from fascicolo f join document d on d.aoo_id = f.aoo_id
                        where f.id = new.fascicolo_id and d.id = new.document_id) then
          raise exception 'document % is not of the AOO of fascicolo %', new.document_id, new.fascicolo_id;
        end if;
        if new.action = 'FILE' and new.is_primary and exists (
            select 1 from fascicolo_filing_current c where c.document_id = new.document_id and c.is_primary) then
          raise exception 'document % already has a primary fascicolo', new.document_id;
        end if;
        return new;
      end $$;
      create trigger fascicolo_filing_check before insert on fascicolo_filing
        for each row execute function fascicolo_filing_check();
    `);
  }
}
