import { Migration } from '@mikro-orm/migrations';

/**
 * The archivist's profile (ARCHIVISTA): who transfers the AOO's records to conservation
 * (DOMAIN §9, 001 §9.4) and sees the AOO's registrations to choose what to send.
 */
export class Migration20261207000001_archivista_profile extends Migration {
  override up(): void {
    this.addSql(`
      alter table membership drop constraint membership_profile_check;
      alter table membership add constraint membership_profile_check
        check (profile in ('SYSTEM_ADMIN','RGD','PROTOCOLLISTA','RPA','TOTAL_VISIBILITY','READ_ONLY','ARCHIVISTA'));
    `);
  }
}
