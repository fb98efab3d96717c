import { Migration } from '@mikro-orm/migrations';

/**
 * The PEC plugin's mailboxes and incoming messages (issue 14, DOMAIN §8):
 * - pec_mailbox: a PEC or PEO mailbox of an AOO, address unique per AOO in lower case; the
 *   password only encrypted (AES-256-GCM, never in the API).
 * - pec_mailbox_grant: a user XOR an office, with at least one right; reading is implied by the
 *   others (a check, so no grant lets someone register what they cannot read).
 * - pec_message: one row per message: UNIQUE (mailbox, sha256) and (mailbox, message_id) make
 *   ingest idempotent under concurrency (a duplicate insert does nothing), UNIQUE record_id
 *   registers a message at most once; the state agrees with its columns.
 */
export class Migration20261206000100_pec_mailbox extends Migration {
  override up(): void {
    this.addSql(`
      create table pec_mailbox (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        address varchar(254) not null check (address = lower(address) and address ~ '^[^@\\s]+@[^@\\s]+$'),
        kind varchar(3) not null check (kind in ('PEC', 'PEO')),
        description varchar(500) not null,
        imap_host varchar(253) not null check (length(imap_host) > 0),
        imap_port int not null check (imap_port between 1 and 65535),
        imap_tls boolean not null,
        imap_user varchar(254) not null check (length(imap_user) > 0),
        smtp_host varchar(253) not null check (length(smtp_host) > 0),
        smtp_port int not null check (smtp_port between 1 and 65535),
        smtp_tls boolean not null,
        smtp_user varchar(254) not null check (length(smtp_user) > 0),
        password_cipher bytea null check (password_cipher is null or length(password_cipher) > 28),
        auto_register boolean not null,
        send_registration_receipt boolean not null,
        active boolean not null,
        uor_id uuid not null references uor (id),
        created_at timestamptz not null,
        updated_at timestamptz null,
        constraint pec_mailbox_address_unique unique (aoo_id, address)
      );
      create table pec_mailbox_grant (
        id uuid primary key,
        mailbox_id uuid not null references pec_mailbox (id) on delete cascade,
        user_id uuid null references app_user (id),
        uor_id uuid null references uor (id),
        can_read boolean not null,
        can_register boolean not null,
        can_send boolean not null,
        constraint pec_mailbox_grant_one_holder check ((user_id is null) <> (uor_id is null)),
        constraint pec_mailbox_grant_reads check (can_read or not (can_register or can_send)),
        constraint pec_mailbox_grant_some_right check (can_read or can_register or can_send)
      );
      create unique index pec_mailbox_grant_user on pec_mailbox_grant (mailbox_id, user_id) where user_id is not null;
      create unique index pec_mailbox_grant_uor on pec_mailbox_grant (mailbox_id, uor_id) where uor_id is not null;
      create index pec_mailbox_grant_by_user on pec_mailbox_grant (user_id) where user_id is not null;
      create index pec_mailbox_grant_by_uor on pec_mailbox_grant (uor_id) where uor_id is not null;

      create table pec_message (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        mailbox_id uuid not null references pec_mailbox (id),
        kind varchar(8) not null check (kind in ('BUSTA', 'RECEIPT', 'ANOMALIA', 'PEO')),
        receipt_kind varchar(32) null,
        state varchar(12) not null check (state in ('TO_REGISTER', 'RECEIPT', 'REGISTERED', 'DISCARDED')),
        message_id varchar(998) null,
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint not null check (size > 0),
        raw_blob_key text not null,
        summary jsonb not null,
        signature_outcome varchar(10) not null
          check (signature_outcome in ('valid', 'invalid', 'unsigned', 'untrusted')),
        problems jsonb not null check (jsonb_typeof(problems) = 'array'),
        imap_uid_validity bigint null,
        imap_uid bigint null,
        received_at timestamptz not null,
        record_id uuid null references protocol_record (id),
        registered_at timestamptz null,
        registered_by uuid null references app_user (id),
        discard_reason varchar(2000) null,
        discarded_at timestamptz null,
        discarded_by uuid null references app_user (id),
        constraint pec_message_raw_unique unique (mailbox_id, sha256),
        constraint pec_message_registered_once unique (record_id),
        constraint pec_message_receipt_kind check ((kind = 'RECEIPT') = (state = 'RECEIPT')),
        constraint pec_message_registered check (
          (state = 'REGISTERED') = (record_id is not null and registered_at is not null)),
        constraint pec_message_discarded check (
          (state = 'DISCARDED') = (discard_reason is not null and discarded_at is not null)),
        constraint pec_message_reason_text check (discard_reason is null or length(btrim(discard_reason)) > 0),
        constraint pec_message_imap_ref check ((imap_uid_validity is null) = (imap_uid is null))
      );
      create unique index pec_message_message_id_unique on pec_message (mailbox_id, message_id)
        where message_id is not null;
      create index pec_message_by_state on pec_message (mailbox_id, state, received_at desc, id);
    `);
  }
}
