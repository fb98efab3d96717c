import { Migration } from '@mikro-orm/migrations';

/**
 * The registrar of a mailbox (issue 14): the user its automatic registrations and annotations
 * are recorded as, named by the operator instead of inferred. A FK to the user, and a check that
 * a mailbox registering automatically names one. Existing mailboxes that register automatically
 * get the user the former implicit rule chose first (the first, by id, the mailbox grants the
 * register right to); one with none stops registering automatically (its messages wait for an
 * operator, nothing is lost) until a registrar is named.
 */
export class Migration20261206000130_pec_mailbox_registrar extends Migration {
  override up(): void {
    this.addSql(`alter table pec_mailbox add column registrar_id uuid null references app_user (id)`);
    this.addSql(`
      update pec_mailbox mb set registrar_id = (
        select g.user_id from pec_mailbox_grant g
         where g.mailbox_id = mb.id and g.can_register and g.user_id is not null
         order by g.user_id limit 1)
       where mb.auto_register`);
    this.addSql(`update pec_mailbox set auto_register = false where auto_register and registrar_id is null`);
    this.addSql(`
      alter table pec_mailbox add constraint pec_mailbox_auto_register_registrar
        check (not auto_register or registrar_id is not null)`);
    this.addSql(`create index pec_mailbox_registrar_idx on pec_mailbox (registrar_id)`);
  }
}
