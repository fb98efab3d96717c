import { Migration } from '@mikro-orm/migrations';

/**
 * The titolario of each AOO, versioned (DOMAIN §2). The database keeps the rules that protect
 * classifications made under a version: one version per (AOO, validFrom), always a 1 January
 * after the approval; codes unique per parent and paths unique per version; a node's level,
 * path, AOO and version agree with its parent's; a published version and its nodes and index
 * terms never change again (a classification points to them for decades).
 */
export class Migration20261205000011_titolario extends Migration {
  override up(): void {
    this.addSql(`
      create table titolario_version (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        label varchar(200) not null check (length(trim(label)) > 0),
        valid_from date not null check (extract(month from valid_from) = 1 and extract(day from valid_from) = 1),
        state varchar(10) not null default 'DRAFT' check (state in ('DRAFT', 'PUBLISHED')),
        approved_at timestamptz null,
        approval_act varchar(1000) null,
        published_by uuid null references app_user (id),
        created_at timestamptz not null,
        constraint titolario_version_aoo_valid_from_unique unique (aoo_id, valid_from),
        -- Never retroactive: in force from a 1 January of a year after the approval day (Rome).
        constraint titolario_version_published_approved check (
          state = 'DRAFT' or (approved_at is not null
            and extract(year from valid_from) > extract(year from (approved_at at time zone 'Europe/Rome'))))
      );
      create index titolario_version_in_force_idx on titolario_version (aoo_id, valid_from desc) where state = 'PUBLISHED';

      create table titolario_node (
        id uuid primary key,
        version_id uuid not null references titolario_version (id),
        aoo_id uuid not null references aoo (id),
        parent_id uuid null references titolario_node (id) on delete cascade,
        level int not null check (level between 1 and 8),
        code varchar(10) not null,
        full_code varchar(200) not null,
        description varchar(1000) not null check (length(trim(description)) > 0),
        leaf boolean not null default true,
        sort_key varchar(200) not null,
        constraint titolario_node_level_parent check ((parent_id is null) = (level = 1)),
        constraint titolario_node_code_form check (
          case when level = 1 then code ~ '^(X{0,3})(IX|IV|V?I{0,3})$' and code <> ''
               else code ~ '^[1-9][0-9]{0,3}$' end),
        constraint titolario_node_full_code_unique unique (version_id, full_code)
      );
      -- Code unique per parent; titoli (no parent) unique per version.
      create unique index titolario_node_code_unique on titolario_node (version_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), code);
      create index titolario_node_parent_idx on titolario_node (parent_id, sort_key);
      create index titolario_node_version_sort_idx on titolario_node (version_id, sort_key);
      create index titolario_node_aoo_full_code_idx on titolario_node (aoo_id, full_code text_pattern_ops);

      -- A node agrees with its parent: same version and AOO, one level down, path = parent's path/code.
      create function titolario_node_consistent() returns trigger language plpgsql as $$
      declare p titolario_node;
      declare v titolario_version;
      begin
        select * into v from titolario_version where id = new.version_id;
        if v.aoo_id <> new.aoo_id then
          raise exception 'titolario node % is not of the AOO of its version', new.id using errcode = '23514';
        end if;
        if new.parent_id is null then
          if new.full_code <> new.code then
            raise exception 'a titolo''s path is its code (node %)', new.id using errcode = '23514';
          end if;
        else
          select * into p from titolario_node where id = new.parent_id;
          if p.version_id <> new.version_id or p.aoo_id <> new.aoo_id or new.level <> p.level + 1
             or new.full_code <> p.full_code || '/' || new.code then
            raise exception 'titolario node % does not agree with its parent %', new.id, new.parent_id using errcode = '23514';
          end if;
        end if;
        return new;
      end $$;
      create constraint trigger titolario_node_consistent after insert or update on titolario_node
        deferrable initially deferred for each row execute function titolario_node_consistent();

      create table titolario_index_term (
        id uuid primary key,
        node_id uuid not null references titolario_node (id) on delete cascade,
        version_id uuid not null references titolario_version (id),
        term varchar(300) not null check (length(trim(term)) > 0),
        variants text[] not null default '{}'
      );
      create index titolario_index_term_node_idx on titolario_index_term (node_id);
      create index titolario_index_term_version_idx on titolario_index_term (version_id);

      -- Published versions are immutable, with their nodes and index terms (errcode 55000, like
      -- the other immutability triggers of the platform).
      create function titolario_version_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          if old.state = 'PUBLISHED' then
            raise exception 'titolario version % is published and immutable', old.id using errcode = '55000';
          end if;
          return old;
        end if;
        if old.state = 'PUBLISHED' then
          raise exception 'titolario version % is published and immutable', old.id using errcode = '55000';
        end if;
        if new.aoo_id <> old.aoo_id then
          raise exception 'a titolario version stays in its AOO' using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger titolario_version_immutable before update or delete on titolario_version
        for each row execute function titolario_version_immutable();

      create function titolario_content_immutable() returns trigger language plpgsql as $$
      declare vid uuid;
      begin
        if tg_op = 'TRUNCATE' then
          raise exception 'titolario contents are never truncated' using errcode = '55000';
        end if;
        vid := case when tg_op = 'DELETE' then old.version_id else new.version_id end;
        if exists (select 1 from titolario_version where id = vid and state = 'PUBLISHED')
           or (tg_op = 'UPDATE' and exists (select 1 from titolario_version where id = old.version_id and state = 'PUBLISHED')) then
          raise exception 'titolario version % is published: its nodes and index terms are immutable', vid using errcode = '55000';
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;
      create trigger titolario_node_immutable before insert or update or delete on titolario_node
        for each row execute function titolario_content_immutable();
      create trigger titolario_index_term_immutable before insert or update or delete on titolario_index_term
        for each row execute function titolario_content_immutable();
      create trigger titolario_node_no_truncate before truncate on titolario_node
        for each statement execute function titolario_content_immutable();
      create trigger titolario_index_term_no_truncate before truncate on titolario_index_term
        for each statement execute function titolario_content_immutable();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table titolario_index_term;
      drop table titolario_node;
      drop table titolario_version;
      drop function titolario_content_immutable();
      drop function titolario_version_immutable();
      drop function titolario_node_consistent();
    `);
  }
}
