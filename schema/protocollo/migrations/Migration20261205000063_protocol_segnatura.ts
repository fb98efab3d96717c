import { Migration } from '@mikro-orm/migrations';

/**
 * The sealed segnatura informatica of a registration (AgID 2021, Allegato 6) and the SHA-256 of
 * its bytes. It is part of the registratura: written in the registering transaction, never
 * changed or deleted, like the correspondents and the files. A record of an AOO without a seal
 * has none (the seal is an AOO setup step).
 */
export class Migration20261205000063_protocol_segnatura extends Migration {
  override up(): void {
    this.addSql(`
      create table protocol_segnatura (
        record_id uuid primary key references protocol_record (id) on delete restrict,
        xml text not null check (length(xml) > 0),
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$')
      );
      create trigger protocol_segnatura_immutable before update or delete on protocol_segnatura
        for each row execute function protocol_append_only();
      create trigger protocol_segnatura_no_truncate before truncate on protocol_segnatura
        for each statement execute function protocol_append_only();
      create trigger protocol_segnatura_closed before insert on protocol_segnatura
        for each row execute function protocol_registratura_closed();
    `);
  }
}
