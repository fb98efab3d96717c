import { Migration } from '@mikro-orm/migrations';

/**
 * A document looks registered (PROTOCOLLATO, REPERTORIATO) only if it is: the kind is set by the
 * modules that register, together with the registration time, never by a client at creation.
 */
export class Migration20261204000008_document_kind_registered extends Migration {
  override up(): void {
    this.addSql(`
      alter table document add constraint document_kind_registered
        check (kind = 'NON_PROTOCOLLATO' or registered_at is not null);
    `);
  }

  override down(): void {
    this.addSql(`alter table document drop constraint document_kind_registered;`);
  }
}
