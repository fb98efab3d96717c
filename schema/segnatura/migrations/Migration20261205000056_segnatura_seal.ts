import { Migration } from '@mikro-orm/migrations';

/**
 * The seal of each AOO's segnature (Allegato 6 §2.2.E): one row per AOO, replaced when the
 * trust service provider renews the seal (every replacement is in the audit trail, with the
 * old and new certificate). The private key is kept only encrypted (AES-256-GCM under a
 * platform secret, the AOO id as associated data so a ciphertext cannot be moved to another
 * AOO); the PKCS#12 password is never stored. The certificate and its facts are public.
 */
export class Migration20261205000056_segnatura_seal extends Migration {
  override up(): void {
    this.addSql(`
      create table segnatura_seal (
        aoo_id uuid primary key references aoo (id),
        source text not null check (source in ('PKCS12', 'DEVELOPMENT')),
        key_ciphertext bytea not null,
        key_iv bytea not null check (length(key_iv) = 12),
        key_tag bytea not null check (length(key_tag) = 16),
        certificate_der bytea not null,
        subject text not null,
        issuer text not null,
        serial_number text not null,
        not_before timestamptz not null,
        not_after timestamptz not null,
        certificate_sha256 text not null check (certificate_sha256 ~ '^[0-9a-f]{64}$'),
        configured_at timestamptz not null,
        configured_by uuid null references app_user (id)
      );
    `);
  }
}
