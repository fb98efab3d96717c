import { Migration } from '@mikro-orm/migrations';

/**
 * The ingest side's own rows (issue 14, Allegato 6):
 * - pec_interop_sent: each interoperability reply this AOO owes once (a Conferma or Eccezione
 *   for a registered message, an Annullamento for an annulled record, the receipt of registration), with the deliveries it
 *   was enqueued as. UNIQUE (kind, record_id) and (kind, pec_message_id): the event handler and
 *   the reconciliation job racing each other enqueue it once.
 * - pec_interop_received: what an incoming Conferma, Aggiornamento, Eccezione or Annullamento
 *   said about one of our records (append-only history), and the delivery it answers.
 */
export class Migration20261206000120_pec_ingest extends Migration {
  override up(): void {
    this.addSql(`
      create table pec_interop_sent (
        id uuid primary key,
        kind varchar(16) not null check (kind in ('conferma', 'eccezione', 'annullamento', 'ricevuta')),
        record_id uuid null references protocol_record (id) on delete restrict,
        pec_message_id uuid null references pec_message (id) on delete restrict,
        eccezione_code varchar(60) null,
        delivery_ids uuid[] not null,
        created_at timestamptz not null,
        check (record_id is not null or pec_message_id is not null),
        check ((kind = 'eccezione') = (eccezione_code is not null))
      );
      create unique index pec_interop_sent_record on pec_interop_sent (kind, record_id) where record_id is not null;
      create unique index pec_interop_sent_message on pec_interop_sent (kind, pec_message_id)
        where pec_message_id is not null;

      create table pec_interop_received (
        id uuid primary key,
        pec_message_id uuid not null unique references pec_message (id) on delete restrict,
        kind varchar(16) not null check (kind in ('conferma', 'eccezione', 'annullamento', 'aggiornamento')),
        record_id uuid null references protocol_record (id) on delete restrict,
        delivery_id uuid null references pec_delivery (id) on delete restrict,
        counterpart jsonb null,
        eccezione_code varchar(60) null,
        description varchar(4000) null,
        act varchar(4000) null,
        schema_valid boolean not null,
        problems jsonb not null check (jsonb_typeof(problems) = 'array'),
        received_at timestamptz not null
      );
      create index pec_interop_received_record on pec_interop_received (record_id, received_at) where record_id is not null;
      create index pec_interop_received_delivery on pec_interop_received (delivery_id, received_at)
        where delivery_id is not null;
    `);
  }

  override down(): void {
    this.addSql('drop table pec_interop_received; drop table pec_interop_sent;');
  }
}
