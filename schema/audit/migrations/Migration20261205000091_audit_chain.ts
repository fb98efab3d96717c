import { Migration } from '@mikro-orm/migrations';

/**
 * The hash chains of the audit trail (server/audit/audit-chain.ts): one link per audit_event
 * row, per AOO (platform-level rows: chain `platform`), in sealing order. Append-only like the
 * trail itself; the hashes, anchored outside the database in the daily register, are what
 * reveal a change made with the triggers disabled.
 */
export class Migration20261205000091_audit_chain extends Migration {
  override up(): void {
    this.addSql(`
      create table audit_seal (
        audit_id bigint primary key references audit_event (id),
        chain varchar(40) not null,
        seq bigint not null check (seq > 0),
        prev_hash char(64) null check (prev_hash ~ '^[0-9a-f]{64}$'),
        hash char(64) not null check (hash ~ '^[0-9a-f]{64}$'),
        constraint audit_seal_position unique (chain, seq),
        constraint audit_seal_first_has_no_previous check ((seq = 1) = (prev_hash is null))
      );
      create function audit_seal_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_seal is append-only' using errcode = '55000';
      end $$;
      create trigger audit_seal_no_update before update or delete on audit_seal
        for each row execute function audit_seal_append_only();
      create trigger audit_seal_no_truncate before truncate on audit_seal
        for each statement execute function audit_seal_append_only();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table audit_seal;
      drop function audit_seal_append_only();
    `);
  }
}
