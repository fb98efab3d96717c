import { Migration } from '@mikro-orm/migrations';

/** Organisation: administrations, AOOs, UORs, users and memberships. */
export class Migration20261123000001_organisation extends Migration {
  override up(): void {
    this.addSql(`
      create table administration (
        id uuid primary key,
        ipa_code varchar(32) not null check (ipa_code ~ '^[A-Za-z0-9_]{1,32}$'),
        name varchar(300) not null check (length(trim(name)) > 0),
        tax_code varchar(16) null,
        created_at timestamptz not null default now(),
        constraint administration_ipa_code_unique unique (ipa_code)
      );

      create table app_user (
        id uuid primary key,
        username varchar(64) not null check (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
        given_name varchar(100) not null,
        family_name varchar(100) not null,
        email varchar(254) null,
        subject varchar(255) not null,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        deactivated_at timestamptz null,
        constraint app_user_username_unique unique (username),
        constraint app_user_subject_unique unique (subject)
      );

      create table aoo (
        id uuid primary key,
        administration_id uuid not null references administration (id),
        code varchar(16) not null check (code ~ '^[A-Za-z0-9_]{1,16}$'),
        name varchar(300) not null check (length(trim(name)) > 0),
        pec_address varchar(254) not null,
        register_code varchar(16) not null,
        rgd_id uuid null references app_user (id),
        created_at timestamptz not null default now(),
        constraint aoo_code_unique unique (administration_id, code)
      );

      create table uor (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        code varchar(32) not null check (length(trim(code)) > 0),
        name varchar(300) not null check (length(trim(name)) > 0),
        parent_id uuid null references uor (id),
        head_id uuid null references app_user (id),
        email varchar(254) null,
        active_from date not null,
        active_to date null check (active_to is null or active_to >= active_from),
        created_at timestamptz not null default now(),
        constraint uor_code_unique unique (aoo_id, code),
        constraint uor_not_own_parent check (parent_id is null or parent_id <> id)
      );
      create index uor_parent_idx on uor (parent_id);

      create table membership (
        id uuid primary key,
        user_id uuid not null references app_user (id),
        uor_id uuid not null references uor (id),
        profile text not null check (profile in ('SYSTEM_ADMIN','RGD','PROTOCOLLISTA','RPA','TOTAL_VISIBILITY','READ_ONLY')),
        created_at timestamptz not null default now(),
        ended_at timestamptz null
      );
      create unique index membership_active_unique on membership (user_id, uor_id, profile) where ended_at is null;
      create index membership_user_idx on membership (user_id);

      -- Users and UORs that ever acted are deactivated, never deleted.
      create function forbid_delete() returns trigger language plpgsql as $$
      begin
        raise exception 'rows of % are never deleted (deactivate instead)', tg_table_name using errcode = '55000';
      end $$;
      create trigger app_user_no_delete before delete on app_user for each row execute function forbid_delete();
      create trigger uor_no_delete before delete on uor for each row execute function forbid_delete();
      create trigger membership_no_delete before delete on membership for each row execute function forbid_delete();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table membership; drop table uor; drop table aoo; drop table app_user; drop table administration;
      drop function forbid_delete();
    `);
  }
}
