import { Migration } from '@mikro-orm/migrations';

/**
 * Outgoing PEC (pec-send): one delivery per message and recipient, with the Message-ID chosen
 * when it is enqueued (a receipt that arrives before the send job commits still finds it), a
 * state that only moves forward, and the receipts matched to it (unmatched ones are kept with no
 * delivery). The content of messages that are not a protocol record (interoperability messages,
 * the receipt of registration) is stored with them; a record's own content is its registratura.
 */
export class Migration20261206000110_pec_send extends Migration {
  override up(): void {
    this.addSql(`
      create table pec_outgoing_content (
        id uuid primary key,
        subject varchar(998) not null,
        body text not null,
        in_reply_to varchar(998) null,
        created_at timestamptz not null
      );
      create table pec_outgoing_attachment (
        content_id uuid not null references pec_outgoing_content (id) on delete restrict,
        position int not null check (position >= 0),
        file_name varchar(255) not null check (length(file_name) > 0),
        media_type varchar(255) not null,
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
        bytes bytea not null,
        primary key (content_id, position)
      );

      create function pec_state_rank(state text) returns int language sql immutable as $$
        select case state
          when 'QUEUED' then 0 when 'SENT' then 1 when 'FAILED' then 1
          when 'ACCEPTED' then 2 when 'NOT_ACCEPTED' then 2 when 'PREAVVISO' then 3
          when 'DELIVERED' then 4 when 'DELIVERY_ERROR' then 4 when 'VIRUS' then 4 end
      $$;

      create table pec_delivery (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        mailbox_id uuid not null references pec_mailbox (id) on delete restrict,
        -- A protocol record sent by PEC; null for a message built from stored content.
        record_id uuid null references protocol_record (id) on delete restrict,
        content_id uuid null references pec_outgoing_content (id) on delete restrict,
        -- The record a message without its own record relates to (a Conferma of an arrivo).
        related_record_id uuid null references protocol_record (id) on delete restrict,
        -- One sendProtocolByPec call or one enqueuePecMessage: each recipient once in it.
        send_request_id uuid not null,
        recipient_address varchar(254) not null check (recipient_address = lower(recipient_address)),
        recipient_name varchar(300) null,
        -- A person's address and name are personal data (PROTOCOL_READ_PERSONAL_DATA to read them).
        recipient_is_person boolean not null,
        message_id varchar(998) not null unique check (message_id ~ '^<[^<>@ ]+@[^<>@ ]+>$'),
        state varchar(20) not null default 'QUEUED' check (state in ('QUEUED', 'SENT', 'FAILED',
          'ACCEPTED', 'NOT_ACCEPTED', 'PREAVVISO', 'DELIVERED', 'DELIVERY_ERROR', 'VIRUS')),
        attempts int not null default 0 check (attempts >= 0),
        last_error varchar(2000) null,
        queued_at timestamptz not null,
        sent_at timestamptz null,
        state_changed_at timestamptz not null,
        unique (send_request_id, recipient_address),
        check ((record_id is null) <> (content_id is null))
      );
      create index pec_delivery_record on pec_delivery (record_id) where record_id is not null;
      create index pec_delivery_related on pec_delivery (related_record_id) where related_record_id is not null;

      -- Receipts arrive out of order: a state never moves back (an accettazione read after the
      -- avvenuta-consegna is kept as a receipt, the state stays DELIVERED). Deliveries are history.
      create function pec_delivery_forward() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'PEC deliveries are never deleted';
        end if;
        if (new.id, new.aoo_id, new.mailbox_id, new.record_id, new.content_id, new.send_request_id,
            new.recipient_address, new.message_id, new.queued_at)
           is distinct from
           (old.id, old.aoo_id, old.mailbox_id, old.record_id, old.content_id, old.send_request_id,
            old.recipient_address, old.message_id, old.queued_at) then
          raise exception 'a PEC delivery keeps its message, recipient and Message-ID (%)', old.message_id;
        end if;
        if pec_state_rank(new.state) < pec_state_rank(old.state) then
          raise exception 'a PEC delivery never moves back: % to % (%)', old.state, new.state, old.message_id;
        end if;
        return new;
      end $$;
      create trigger pec_delivery_forward before update or delete on pec_delivery
        for each row execute function pec_delivery_forward();

      create table pec_receipt (
        id uuid primary key,
        mailbox_id uuid not null references pec_mailbox (id) on delete restrict,
        -- The stored incoming message (raw bytes with it): a receipt seen twice is kept once.
        pec_message_id uuid not null unique references pec_message (id) on delete restrict,
        -- null: it matched no delivery (kept, never dropped).
        delivery_id uuid null references pec_delivery (id) on delete restrict,
        kind varchar(30) not null check (kind in ('accettazione', 'non-accettazione',
          'presa-in-carico', 'avvenuta-consegna', 'errore-consegna', 'preavviso-errore-consegna',
          'rilevazione-virus')),
        riferimento_message_id varchar(998) null,
        -- daticert: the recipient a consegna receipt is about, the provider's time and ids, the error.
        recipient_address varchar(254) null,
        provider_at timestamptz null,
        identificativo varchar(998) null,
        errore varchar(100) null,
        errore_esteso varchar(2000) null,
        daticert jsonb null,
        received_at timestamptz not null,
        matched_at timestamptz null
      );
      create index pec_receipt_delivery on pec_receipt (delivery_id) where delivery_id is not null;
      create index pec_receipt_unmatched on pec_receipt (riferimento_message_id) where delivery_id is null;
    `);
  }
}
