import { Migration } from '@mikro-orm/migrations';

/**
 * The assignment workflow (DOMAIN §6):
 * - assignment: one office's competence over one registration. Active while DA_ASSEGNARE (at
 *   the office, no RPA yet), ASSEGNATO (an RPA named, a paper original not yet taken) or
 *   IN_CARICO; ended when RIGETTATO or TRASFERITO (then immutable). One active competence per
 *   office and record, one active prevalent per record; at most two rejections per record.
 *   While active it shares the record's document with its office and with its RPA
 *   (document_share), so the office's readers and the RPA (who may work in an office below) see it.
 * - workflow_step: every step (who, when, from, to, note), append-only; its identity is the
 *   event id a subscriber that reconnects asks to resume from.
 */
export class Migration20261205000081_assegnazioni extends Migration {
  override up(): void {
    this.addSql(`
      create table assignment (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        record_id uuid not null references protocol_record (id),
        document_id uuid not null references document (id),
        uor_id uuid not null references uor (id),
        prevalent boolean not null,
        state varchar(12) not null
          check (state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO', 'RIGETTATO', 'TRASFERITO')),
        paper boolean not null,
        rpa_id uuid null references app_user (id),
        sent_at timestamptz not null,
        sent_by uuid null references app_user (id),
        assigned_at timestamptz null,
        assigned_by uuid null references app_user (id),
        taken_at timestamptz null,
        closed_at timestamptz null,
        constraint assignment_rpa_when_assigned check (
          (state in ('ASSEGNATO', 'IN_CARICO')) = (rpa_id is not null and assigned_at is not null)
          or state in ('RIGETTATO', 'TRASFERITO')),
        constraint assignment_taken_when_in_carico check ((state = 'IN_CARICO') = (taken_at is not null)
          or state in ('RIGETTATO', 'TRASFERITO')),
        constraint assignment_closed_when_ended check (
          (state in ('RIGETTATO', 'TRASFERITO')) = (closed_at is not null))
      );
      create unique index assignment_active_once on assignment (record_id, uor_id)
        where state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO');
      create unique index assignment_one_prevalent on assignment (record_id)
        where prevalent and state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO');
      -- The inboxes: by office, by RPA, by record.
      create index assignment_by_uor on assignment (uor_id, sent_at desc, id)
        where state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO');
      create index assignment_by_rpa on assignment (rpa_id, assigned_at desc, id)
        where state in ('ASSEGNATO', 'IN_CARICO');
      create index assignment_rejected on assignment (aoo_id, closed_at desc, id) where state = 'RIGETTATO';
      create index assignment_by_record on assignment (record_id);

      create function assignment_guard() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'assignments are never deleted: they are the workflow''s history' using errcode = '55000';
        end if;
        if tg_op = 'UPDATE' then
          if old.state in ('RIGETTATO', 'TRASFERITO') then
            raise exception 'assignment % has ended: it never changes again', old.id using errcode = '55000';
          end if;
          if (new.record_id, new.document_id, new.uor_id, new.aoo_id, new.sent_at)
             is distinct from (old.record_id, old.document_id, old.uor_id, old.aoo_id, old.sent_at) then
            raise exception 'an assignment''s record, office and sending never change' using errcode = '55000';
          end if;
        end if;
        -- A rejection written as an insert counts too (the row itself is not yet in the table);
        -- the record's row lock serialises rejections of one record whatever path writes them.
        if new.state = 'RIGETTATO' then
          perform 1 from protocol_record r where r.id = new.record_id for update;
        end if;
        if new.state = 'RIGETTATO' and (select count(*) from assignment a
             where a.record_id = new.record_id and a.state = 'RIGETTATO' and a.id <> new.id) >= 2 then
          raise exception 'record % was already rejected twice: only the RGD assigns it now', new.record_id
            using errcode = '23514';
        end if;
        if new.state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO') then
          insert into document_share (document_id, uor_id, reason) values (new.document_id, new.uor_id, 'COMPETENZA')
            on conflict do nothing;
        elsif tg_op = 'UPDATE' then
          delete from document_share s where s.document_id = new.document_id and s.uor_id = new.uor_id
             and s.reason = 'COMPETENZA'
             and not exists (select 1 from assignment a where a.document_id = new.document_id
               and a.uor_id = new.uor_id and a.id <> new.id and a.state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO'));
        end if;
        -- The RPA reads what is assigned to them, also from an office below whose readers do not
        -- see the office's records; replaced, given back or ended, they no longer do.
        if tg_op = 'UPDATE' and old.rpa_id is not null and (new.rpa_id is distinct from old.rpa_id
             or new.state not in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO')) then
          delete from document_share s where s.document_id = new.document_id and s.user_id = old.rpa_id
             and s.reason = 'COMPETENZA'
             and not exists (select 1 from assignment a where a.document_id = new.document_id
               and a.rpa_id = old.rpa_id and a.id <> new.id and a.state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO'));
        end if;
        if new.rpa_id is not null and new.state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO') then
          insert into document_share (document_id, user_id, reason) values (new.document_id, new.rpa_id, 'COMPETENZA')
            on conflict do nothing;
        end if;
        return new;
      end $$;
      create trigger assignment_guard before insert or update or delete on assignment
        for each row execute function assignment_guard();

      create table workflow_step (
        id bigint generated always as identity primary key,
        aoo_id uuid not null references aoo (id),
        record_id uuid not null references protocol_record (id),
        document_id uuid not null references document (id),
        assignment_id uuid null references assignment (id),
        action varchar(16) not null check (action in ('SMISTAMENTO', 'CONOSCENZA', 'ASSEGNAZIONE',
          'PRESA_IN_CARICO', 'RIGETTO', 'TRASFERIMENTO', 'RESTITUZIONE')),
        at timestamptz not null,
        actor_id uuid null references app_user (id),
        from_uor_id uuid null references uor (id),
        to_uor_id uuid null references uor (id),
        from_user_id uuid null references app_user (id),
        to_user_id uuid null references app_user (id),
        suggested_uor_id uuid null references uor (id),
        note varchar(2000) null,
        constraint workflow_step_rigetto_noted check (
          action <> 'RIGETTO' or (note is not null and suggested_uor_id is not null))
      );
      create index workflow_step_by_record on workflow_step (record_id, id);
      -- Catch-up: steps after an event id that reached an office or a user.
      create index workflow_step_to_uor on workflow_step (to_uor_id, id) where to_uor_id is not null;
      create index workflow_step_to_user on workflow_step (to_user_id, id) where to_user_id is not null;

      create function workflow_step_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the workflow history is append-only' using errcode = '55000';
      end $$;
      create trigger workflow_step_append_only before update or delete on workflow_step
        for each row execute function workflow_step_append_only();
      create trigger workflow_step_no_truncate before truncate on workflow_step
        for each statement execute function workflow_step_append_only();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table workflow_step;
      drop function workflow_step_append_only();
      delete from document_share where reason = 'COMPETENZA';
      drop table assignment;
      drop function assignment_guard();
    `);
  }
}
