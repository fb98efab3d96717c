import { Migration } from '@mikro-orm/migrations';

/** A document's UOR belongs to the document's AOO: enforced by the database, not only by code. */
export class Migration20261123000006_document_uor_in_aoo extends Migration {
  override up(): void {
    this.addSql(`
      alter table uor add constraint uor_id_aoo_unique unique (id, aoo_id);
      alter table document add constraint document_uor_in_aoo foreign key (uor_id, aoo_id) references uor (id, aoo_id);
    `);
  }

  override down(): void {
    this.addSql(`
      alter table document drop constraint document_uor_in_aoo;
      alter table uor drop constraint uor_id_aoo_unique;
    `);
  }
}
