import { Migration } from '@mikro-orm/migrations';

/**
 * Documents shared beyond their owning UOR by the assignment workflow (DOMAIN §6): the offices
 * that hold a competence over a registration, and the offices and users it was sent to per
 * conoscenza (CC). A share extends the normal visibility rule only (riservato and particolare
 * keep their own). Later modules keep the rows in step with their own tables by triggers, so
 * a share exists exactly while the competence or CC that causes it does.
 */
export class Migration20261205000010_document_share extends Migration {
  override up(): void {
    this.addSql(`
      create table document_share (
        document_id uuid not null references document (id),
        uor_id uuid null references uor (id),
        user_id uuid null references app_user (id),
        reason varchar(12) not null check (reason in ('COMPETENZA', 'CONOSCENZA')),
        constraint document_share_exactly_one check (num_nonnulls(uor_id, user_id) = 1)
      );
      create unique index document_share_once on document_share (document_id, coalesce(uor_id, user_id), reason);
      create index document_share_by_uor on document_share (uor_id, document_id) where uor_id is not null;
      create index document_share_by_user on document_share (user_id, document_id) where user_id is not null;
    `);
  }

  override down(): void {
    this.addSql(`drop table document_share;`);
  }
}
