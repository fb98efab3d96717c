import { Migration } from '@mikro-orm/migrations';

/**
 * Confidentiality of documents: riservato until a date (001 §8.9), protocollo particolare
 * (001 §8.10, 002 §7.2.2), and the users involved in / named for each.
 */
export class Migration20261123000005_document_confidentiality extends Migration {
  override up(): void {
    this.addSql(`
      alter table document add column reserved_until date null;
      alter table document add column particolare boolean not null default false;

      create table document_access (
        id uuid primary key,
        document_id uuid not null references document (id),
        user_id uuid not null references app_user (id),
        reason varchar(12) not null check (reason in ('INVOLVED', 'NAMED')),
        granted_by uuid not null references app_user (id),
        granted_at timestamptz not null default now(),
        constraint document_access_unique unique (document_id, user_id, reason)
      );
      create index document_access_user_idx on document_access (user_id, document_id);
    `);
  }

  override down(): void {
    this.addSql(`
      drop table document_access;
      alter table document drop column particolare; alter table document drop column reserved_until;
    `);
  }
}
