import { Migration } from '@mikro-orm/migrations';

/**
 * A correspondent registered from the directory keeps the version of the entry it copied, so the
 * registratura says which state of the entry it is (the entry's history has every version).
 * The column is written at registration with the rest of the row, which stays immutable.
 */
export class Migration20261205000062_protocol_correspondent_version extends Migration {
  override up(): void {
    this.addSql(`
      alter table protocol_correspondent
        add column correspondent_version integer null check (correspondent_version >= 1),
        add constraint protocol_correspondent_version_of_entry
          check (correspondent_version is null or correspondent_id is not null);
    `);
  }
}
