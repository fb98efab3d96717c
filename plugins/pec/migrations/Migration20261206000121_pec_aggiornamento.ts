import { Migration } from '@mikro-orm/migrations';

/**
 * AggiornamentoConferma sent on request (Allegato 6): an operator's update of a registration
 * already confirmed. Unlike the replies owed once (Conferma, Eccezione, Annullamento, receipt),
 * several may be sent over time for one record: each request is one pec_interop_sent row, so
 * the once-only unique indexes leave 'aggiornamento' out.
 */
export class Migration20261206000121_pec_aggiornamento extends Migration {
  override up(): void {
    this.addSql(`
      alter table pec_interop_sent drop constraint pec_interop_sent_kind_check;
      alter table pec_interop_sent add constraint pec_interop_sent_kind_check
        check (kind in ('conferma', 'eccezione', 'annullamento', 'ricevuta', 'aggiornamento'));
      drop index pec_interop_sent_record;
      drop index pec_interop_sent_message;
      create unique index pec_interop_sent_record on pec_interop_sent (kind, record_id)
        where record_id is not null and kind <> 'aggiornamento';
      create unique index pec_interop_sent_message on pec_interop_sent (kind, pec_message_id)
        where pec_message_id is not null and kind <> 'aggiornamento';
      create index pec_interop_sent_aggiornamento on pec_interop_sent (record_id, created_at)
        where kind = 'aggiornamento';
    `);
  }

  override down(): void {
    this.addSql(`
      delete from pec_interop_sent where kind = 'aggiornamento';
      drop index pec_interop_sent_aggiornamento;
      drop index pec_interop_sent_record;
      drop index pec_interop_sent_message;
      create unique index pec_interop_sent_record on pec_interop_sent (kind, record_id) where record_id is not null;
      create unique index pec_interop_sent_message on pec_interop_sent (kind, pec_message_id)
        where pec_message_id is not null;
      alter table pec_interop_sent drop constraint pec_interop_sent_kind_check;
      alter table pec_interop_sent add constraint pec_interop_sent_kind_check
        check (kind in ('conferma', 'eccezione', 'annullamento', 'ricevuta'));
    `);
  }
}
