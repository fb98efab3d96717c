import { Migration } from '@mikro-orm/migrations';

/**
 * The application's own role may append to the audit trail and its chain, never rewrite them:
 * UPDATE, DELETE and TRUNCATE are revoked from it (the owner of the tables: an owner can give up
 * its own privileges) and from PUBLIC. The triggers refuse them too; a superuser can get past
 * both, which the hash chain then reveals.
 */
export class Migration20261205000092_audit_grants extends Migration {
  override up(): void {
    this.addSql(`
      revoke update, delete, truncate on audit_event, audit_seal from public;
      do $$ begin
        execute format('revoke update, delete, truncate on audit_event, audit_seal from %I', current_user);
      end $$;
    `);
  }

  override down(): void {
    this.addSql(`
      do $$ begin
        execute format('grant update, delete, truncate on audit_event, audit_seal to %I', current_user);
      end $$;
    `);
  }
}
