import { Migration } from '@mikro-orm/migrations';

/** A register the conservator accepted stays CONSERVED: the database refuses to move it back. */
export class Migration20261207000010_daily_register_conserved_final extends Migration {
  override up(): void {
    this.addSql(`
      create or replace function daily_register_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'daily registers are never deleted' using errcode = '55000';
        end if;
        if (to_jsonb(new) - 'state' - 'state_changed_at') <> (to_jsonb(old) - 'state' - 'state_changed_at') then
          raise exception 'daily register % is immutable (only its conservation state moves)', old.id
            using errcode = '55000';
        end if;
        if old.state = 'CONSERVED' and new.state <> 'CONSERVED' then
          raise exception 'daily register % is conserved: its state is final', old.id using errcode = '55000';
        end if;
        return new;
      end $$;
    `);
  }
}
