import { Migration } from '@mikro-orm/migrations';

/**
 * A commit claims its upload session first (OPEN → COMMITTING), so concurrent commits of one
 * session record one file; the session becomes COMMITTED in the transaction that records it.
 */
export class Migration20261123000007_upload_commit extends Migration {
  override up(): void {
    this.addSql(`
      alter table upload_session drop constraint upload_session_state_check;
      alter table upload_session add constraint upload_session_state_check
        check (state in ('OPEN', 'COMMITTING', 'COMMITTED', 'FAILED', 'EXPIRED'));
    `);
  }

  override down(): void {
    this.addSql(`
      update upload_session set state = 'OPEN' where state = 'COMMITTING';
      alter table upload_session drop constraint upload_session_state_check;
      alter table upload_session add constraint upload_session_state_check
        check (state in ('OPEN', 'COMMITTED', 'FAILED', 'EXPIRED'));
    `);
  }
}
