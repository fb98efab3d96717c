import { Migration } from '@mikro-orm/migrations';

/**
 * The special registrations of the register (DOMAIN §5; 001 §6.5, §8.10; 002 §9.7, §4.1.2.1),
 * all of them registratura, so written at registration and never changed:
 * - protocollo differito: incoming only, never for PEC (the PEC date is legally binding), the
 *   actual receipt day (not after the registration day), the cause and the authorising act,
 *   all three or none;
 * - anonymous sender ("Mittente sconosciuto o anonimo"): incoming only;
 * - vari destinatari: more than three recipients, whose full list is a registration annotation;
 * - typed notes (vari destinatari, anonymous, unsigned, signature-check outcomes): annotations
 *   with a `note` code, added in the registering transaction only;
 * - protocollo particolare: the record's entry in the AOO's "Protocollo particolare" repertorio,
 *   bound in the registering transaction; a record of a particolare document has one at commit.
 * The immutability trigger of Migration...061 is replaced to cover the new columns.
 */
export class Migration20261205000064_protocol_special extends Migration {
  override up(): void {
    this.addSql(`
      alter table protocol_record
        add column received_on date null,
        add column differimento_reason varchar(2000) null,
        add column differimento_authorisation varchar(500) null,
        add column anonymous_sender boolean not null default false,
        add column vari_destinatari boolean not null default false,
        add constraint protocol_record_differimento_complete check (
          (received_on is null and differimento_reason is null and differimento_authorisation is null)
          or (received_on is not null and length(btrim(differimento_reason)) > 0
              and length(btrim(differimento_authorisation)) > 0)),
        add constraint protocol_record_differimento_arrivo check (received_on is null or kind = 'ARRIVO'),
        add constraint protocol_record_differimento_before check (received_on is null or received_on <= date),
        add constraint protocol_record_differimento_not_pec
          check (received_on is null or means_of_transmission is distinct from 'PEC'),
        add constraint protocol_record_anonymous_arrivo check (not anonymous_sender or kind = 'ARRIVO'),
        add constraint protocol_record_vari_destinatari check (not vari_destinatari or kind <> 'ARRIVO');

      create or replace function protocol_record_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          raise exception 'protocol registrations are never deleted (annul them)';
        end if;
        if tg_op = 'DELETE' then
          raise exception 'protocol registrations are never deleted (annul them): record %/%', old.number, old.year;
        end if;
        if (new.id, new.aoo_id, new.document_id, new.kind, new.number, new.year, new.date,
            new.registered_at, new.registered_by, new.oggetto, new.primary_sha256, new.attachment_count,
            new.registered_txid, new.received_on, new.differimento_reason, new.differimento_authorisation,
            new.anonymous_sender, new.vari_destinatari)
           is distinct from
           (old.id, old.aoo_id, old.document_id, old.kind, old.number, old.year, old.date,
            old.registered_at, old.registered_by, old.oggetto, old.primary_sha256, old.attachment_count,
            old.registered_txid, old.received_on, old.differimento_reason, old.differimento_authorisation,
            old.anonymous_sender, old.vari_destinatari) then
          raise exception 'the registratura is immutable: number, date, kind, oggetto, digests, attachments and special registration never change (record %/%)',
            old.number, old.year;
        end if;
        if old.state = 'ANNULLATO' and
           (new.state, new.annulled_at, new.annulled_by, new.annulment_reason, new.annulment_authorisation)
           is distinct from
           (old.state, old.annulled_at, old.annulled_by, old.annulment_reason, old.annulment_authorisation) then
          raise exception 'an annulled registration stays annulled as it was (record %/%)', old.number, old.year;
        end if;
        if old.sent_by_pec and not new.sent_by_pec then
          raise exception 'a record sent by PEC stays sent (record %/%)', old.number, old.year;
        end if;
        return new;
      end $$;

      alter table protocol_annotation
        add column note varchar(40) null check (note in ('VARI_DESTINATARI', 'MITTENTE_ANONIMO',
          'DOCUMENTO_NON_SOTTOSCRITTO', 'FIRMA_MANCANTE', 'FIRMA_NON_VALIDA', 'CERTIFICATO_SCADUTO',
          'CERTIFICATO_REVOCATO', 'CERTIFICATO_SOSPESO', 'IMPOSSIBILE_EFFETTUARE_VERIFICA'));
      -- Typed notes state what the registration found: they are written with it, never later.
      create trigger protocol_annotation_note_closed before insert on protocol_annotation
        for each row when (new.note is not null) execute function protocol_registratura_closed();

      create table protocol_particolare (
        record_id uuid primary key references protocol_record (id) on delete restrict,
        -- No foreign key: the trigger below checks the entry, and entries are never deleted (so the
        -- repertori module's own truncate guard still answers for its table).
        repertorio_entry_id uuid not null unique
      );
      create trigger protocol_particolare_immutable before update or delete on protocol_particolare
        for each row execute function protocol_append_only();
      create trigger protocol_particolare_no_truncate before truncate on protocol_particolare
        for each statement execute function protocol_append_only();
      create trigger protocol_particolare_closed before insert on protocol_particolare
        for each row execute function protocol_registratura_closed();

      -- The entry numbers the same document in a repertorio of the record's AOO.
      create function protocol_particolare_same_document() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from protocol_record r join repertorio_entry e on e.document_id = r.document_id
                        and e.aoo_id = r.aoo_id where r.id = new.record_id and e.id = new.repertorio_entry_id) then
          raise exception 'the repertorio entry of a protocollo particolare numbers the record''s own document';
        end if;
        return new;
      end $$;
      create trigger protocol_particolare_same_document before insert on protocol_particolare
        for each row execute function protocol_particolare_same_document();

      -- A particolare document is numbered in both the register and its repertorio (001 §8.10):
      -- checked at commit, when the registering transaction has bound the entry.
      create function protocol_record_particolare_numbered() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from document d where d.id = new.document_id and d.particolare)
           and not exists (select 1 from protocol_particolare p where p.record_id = new.id) then
          raise exception 'a protocollo particolare is also numbered in its repertorio (record %/%)', new.number, new.year;
        end if;
        return null;
      end $$;
      create constraint trigger protocol_record_particolare_numbered after insert on protocol_record
        deferrable initially deferred for each row execute function protocol_record_particolare_numbered();
    `);
  }
}
