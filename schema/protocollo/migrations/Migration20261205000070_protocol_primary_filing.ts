import { Migration } from '@mikro-orm/migrations';

/**
 * A record's fascicolo is its document's primary filing (DOMAIN §3, §5): at commit, the document
 * of every protocol record is filed as primary in the record's fascicolo, and in none when the
 * record has none. Checked when a record is written or its fascicolo changes, and when a filing
 * row could change a primary (a primary filing, any unfiling); deferred, because the protocol
 * module moves a filing in steps (unfile, file, the record) within one transaction. The service
 * refuses such a change with DOCUMENT_PRIMARY_FILING_BY_PROTOCOL; this is the last word.
 */
export class Migration20261205000070_protocol_primary_filing extends Migration {
  override up(): void {
    this.addSql(`
      create function protocol_primary_filing_check() returns trigger language plpgsql as $$
      declare
        rec record;
        filed uuid;
      begin
        select r.id, r.fascicolo_id into rec from protocol_record r where r.document_id = new.document_id;
        if not found then
          return null;
        end if;
        select c.fascicolo_id into filed from fascicolo_filing_current c
         where c.document_id = new.document_id and c.is_primary;
        if filed is distinct from rec.fascicolo_id then
          raise exception 'protocol record %: its fascicolo is %, but its document % is filed as primary in %',
            rec.id, coalesce(rec.fascicolo_id::text, 'none'), new.document_id, coalesce(filed::text, 'none')
            using errcode = '23514';
        end if;
        return null;
      end $$;
      create constraint trigger protocol_primary_filing_of_record
        after insert or update of fascicolo_id, document_id on protocol_record
        deferrable initially deferred
        for each row execute function protocol_primary_filing_check();
      create constraint trigger protocol_primary_filing_of_filing
        after insert on fascicolo_filing
        deferrable initially deferred
        for each row when (new.action = 'UNFILE' or new.is_primary)
        execute function protocol_primary_filing_check();
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger protocol_primary_filing_of_filing on fascicolo_filing;
      drop trigger protocol_primary_filing_of_record on protocol_record;
      drop function protocol_primary_filing_check();
    `);
  }
}
