import { Migration } from '@mikro-orm/migrations';

/**
 * The daily registers (001 §6.8): one row per AOO and Italian calendar day, unique, so producing a
 * day twice (the job and `dms daily-register` at once, or a re-run) leaves one register. What it
 * records never changes; only the conservation state moves on (the conservation plugin reads
 * READY_FOR_CONSERVATION and moves it forward). Never deleted.
 */
export class Migration20261205000095_registro_giornaliero extends Migration {
  override up(): void {
    this.addSql(`
      create table daily_register (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        day date not null,
        identifier varchar(80) not null,
        document_id uuid not null references document (id),
        xml_file_id uuid not null references stored_file (id),
        signature_file_id uuid not null references stored_file (id),
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
        signature_sha256 char(64) not null check (signature_sha256 ~ '^[0-9a-f]{64}$'),
        -- No foreign key: repertorio_entry's own guard answers a TRUNCATE (a reference would pre-empt it).
        repertorio_entry_id uuid not null,
        progressive integer not null check (progressive >= 1),
        progressive_year integer not null,
        registration_count integer not null check (registration_count >= 0),
        first_number integer null,
        last_number integer null,
        annulment_count integer not null check (annulment_count >= 0),
        change_count integer not null check (change_count >= 0),
        chain_seq numeric null,
        chain_hash char(64) null check (chain_hash ~ '^[0-9a-f]{64}$'),
        chain_at timestamptz null,
        produced_at timestamptz not null,
        produced_by uuid null references app_user (id),
        state varchar(30) not null default 'READY_FOR_CONSERVATION'
          check (state in ('READY_FOR_CONSERVATION', 'IN_CONSERVATION', 'CONSERVED', 'CONSERVATION_FAILED')),
        state_changed_at timestamptz null,
        constraint daily_register_aoo_day_unique unique (aoo_id, day),
        constraint daily_register_numbers check (
          (registration_count = 0 and first_number is null and last_number is null)
          or (registration_count > 0 and first_number is not null and last_number is not null)),
        constraint daily_register_chain check ((chain_seq is null) = (chain_hash is null) and (chain_hash is null) = (chain_at is null))
      );
      create index daily_register_state on daily_register (state, aoo_id, day);

      -- A register is static and unmodifiable: only its conservation state (and when) may change.
      create function daily_register_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'daily registers are never deleted' using errcode = '55000';
        end if;
        if (to_jsonb(new) - 'state' - 'state_changed_at') <> (to_jsonb(old) - 'state' - 'state_changed_at') then
          raise exception 'daily register % is immutable (only its conservation state moves)', old.id
            using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger daily_register_immutable before update or delete on daily_register
        for each row execute function daily_register_immutable();
      create trigger daily_register_no_truncate before truncate on daily_register
        for each statement execute function daily_register_immutable();
    `);
  }
}
