import { Migration } from '@mikro-orm/migrations';

/**
 * The append-only audit table (the audit issue adds the per-AOO hash chain over it) and the
 * platform-administrator flag, the only right that is not scoped to an AOO.
 */
export class Migration20261123000002_audit_platform_admin extends Migration {
  override up(): void {
    this.addSql(`
      alter table app_user add column platform_admin boolean not null default false;
      -- Deferred: a user and the AOO it is created in may be inserted in either order in one transaction.
      alter table app_user add column created_in_aoo_id uuid null references aoo (id) deferrable initially deferred;

      create table audit_event (
        id bigint generated always as identity primary key,
        occurred_at timestamptz not null default clock_timestamp(),
        aoo_id uuid null references aoo (id),
        actor_id uuid null references app_user (id),
        actor_username varchar(64) null,
        request_id varchar(128) null,
        client_ip varchar(64) null,
        user_agent varchar(512) null,
        operation varchar(64) not null,
        target_type varchar(64) not null,
        target_id varchar(64) null,
        changes jsonb not null default '{}'::jsonb
      );
      create index audit_event_target_idx on audit_event (target_type, target_id);
      create index audit_event_aoo_idx on audit_event (aoo_id, id);

      create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only' using errcode = '55000';
      end $$;
      create trigger audit_event_no_update before update or delete on audit_event
        for each row execute function audit_event_append_only();
      -- The UOR hierarchy stays a tree within one AOO, whatever writes to it.
      create function uor_tree_check() returns trigger language plpgsql as $$
      declare
        cur uuid := new.parent_id;
        steps int := 0;
      begin
        if new.parent_id is not null and (select aoo_id from uor where id = new.parent_id) <> new.aoo_id then
          raise exception 'the parent UOR must belong to the same AOO' using errcode = '23514';
        end if;
        while cur is not null loop
          if cur = new.id then
            raise exception 'UOR % would become its own ancestor', new.code using errcode = '23514';
          end if;
          select parent_id into cur from uor where id = cur;
          steps := steps + 1;
          if steps > 1000 then raise exception 'UOR hierarchy deeper than 1000 levels'; end if;
        end loop;
        return new;
      end $$;
      create trigger uor_tree_check before insert or update of parent_id, aoo_id on uor
        for each row execute function uor_tree_check();

      create trigger audit_event_no_truncate before truncate on audit_event
        for each statement execute function audit_event_append_only();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table audit_event; drop function audit_event_append_only();
      drop trigger uor_tree_check on uor; drop function uor_tree_check();
      alter table app_user drop column created_in_aoo_id; alter table app_user drop column platform_admin;
    `);
  }
}
