import { Migration } from '@mikro-orm/migrations';

/**
 * A record sent per conoscenza is readable by those it was sent to (DOMAIN §6): every CC entry
 * shares the record's document with its office or user (document_share, reason CONOSCENZA), and
 * removing the entry ends the share. Kept by triggers, so a CC written by any path (registration,
 * managed-field change, smistamento) shares, and the registration costs no extra statement.
 */
export class Migration20261205000075_protocol_cc_share extends Migration {
  override up(): void {
    this.addSql(`
      create function protocol_cc_share() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into document_share (document_id, uor_id, user_id, reason)
            select r.document_id, new.uor_id, new.user_id, 'CONOSCENZA'
              from protocol_record r where r.id = new.record_id
            on conflict do nothing;
          return new;
        end if;
        delete from document_share s using protocol_record r
         where r.id = old.record_id and s.document_id = r.document_id and s.reason = 'CONOSCENZA'
           and (s.uor_id = old.uor_id or s.user_id = old.user_id);
        return old;
      end $$;
      create trigger protocol_cc_share after insert or delete on protocol_cc
        for each row execute function protocol_cc_share();

      insert into document_share (document_id, uor_id, user_id, reason)
        select r.document_id, c.uor_id, c.user_id, 'CONOSCENZA'
          from protocol_cc c join protocol_record r on r.id = c.record_id
        on conflict do nothing;
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger protocol_cc_share on protocol_cc;
      drop function protocol_cc_share();
      delete from document_share where reason = 'CONOSCENZA';
    `);
  }
}
