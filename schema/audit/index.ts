import { defineModule } from '../../server/modules/module.js';
import { exportAuditCommand, verifyAuditCommand } from './audit.commands.js';
import { AuditResolver } from './audit.resolver.js';
import { Migration20261205000091_audit_chain } from './migrations/Migration20261205000091_audit_chain.js';
import { Migration20261205000092_audit_grants } from './migrations/Migration20261205000092_audit_grants.js';
import { AUDIT_PERMISSIONS } from './permissions.js';

/**
 * The audit trail's hash chains (DOMAIN §7; sealing and verification in server/audit): their
 * table, verification for auditors (GraphQL and `dms verify-audit`), and the export an external
 * verifier checks with only the file and the head published in the daily register.
 */
export const auditModule = defineModule({
  name: 'audit',
  migrations: [
    { name: 'Migration20261205000091_audit_chain', class: Migration20261205000091_audit_chain },
    { name: 'Migration20261205000092_audit_grants', class: Migration20261205000092_audit_grants },
  ],
  resolvers: [AuditResolver],
  permissions: AUDIT_PERMISSIONS,
  commands: [verifyAuditCommand, exportAuditCommand],
});

export { AUDIT_READ } from './permissions.js';
