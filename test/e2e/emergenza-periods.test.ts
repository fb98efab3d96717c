import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloseEmergencyRegisterDocument,
  EmergencyRegisterDocument,
  ExtendEmergencyRegisterDocument,
  ImportEmergencyRecordsDocument,
  OpenEmergencyRegisterDocument,
} from '../../clients/sdk/generated/graphql.js';
import { EmergencyRegisterExtended } from '../../schema/emergenza/index.js';
import type { DomainEvent } from '../../server/events/domain-event.js';
import { defineModule } from '../../server/modules/module.js';
import { demoIds, errorCode, sql, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/** The request clock, set to a moment and running on from there. */
class RunningClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(at: string | Date): void {
    this.offset = new Date(at).getTime() - Date.now();
  }
}

/**
 * Authorised periods of the emergency register (001 §6.9): the opening covers the first 24
 * hours; beyond that the RGD authorises successive periods of at most one week each, recording
 * the authorising act; a register is closed (and its records dated) only within its periods.
 * Checked through GraphQL and again in PostgreSQL.
 */
describe('emergenza: authorised periods', () => {
  const clock = new RunningClock();
  const seen: Array<{ topic: string; data: Record<string, unknown>; committed: boolean }> = [];
  let env: TestEnv;
  let ids: DemoIds;
  let rgd: GraphqlClient;
  let protocollista: GraphqlClient;
  let registerId = '';

  const probe = defineModule({
    name: 'probe',
    eventHandlers: [
      {
        event: EmergencyRegisterExtended,
        handle: async (_ctx, e: DomainEvent<object>) => {
          const data = e.data as { registerId: string; sequence: number };
          const rows = await sql(
            env,
            'select 1 from emergency_period where register_id = $1 and sequence = $2',
            [data.registerId, data.sequence],
          );
          seen.push({
            topic: e.topic,
            data: e.data as Record<string, unknown>,
            committed: rows.length === 1,
          });
        },
      },
    ],
  });

  before(async () => {
    clock.set('2026-12-20T10:00:00Z');
    env = await startTestEnv({ clock, modules: [probe] });
    ids = await demoIds(env);
    rgd = await env.asUser('rgd');
    protocollista = await env.asUser('protocollista');
  });
  after(async () => {
    await env.close();
  });

  const open = (startedAt: string) =>
    rgd.request(OpenEmergencyRegisterDocument, {
      input: {
        aooId: ids.aooId,
        cause: 'Guasto prolungato del data center',
        startedAt,
        authorisation: 'Provvedimento RGD n. 7/2026',
      },
    });
  const extend = (id: string, until: string, authorisation = 'Provvedimento RGD n. 8/2026', client = rgd) =>
    client.request(ExtendEmergencyRegisterDocument, { input: { id, until, authorisation } });
  const close = (id: string, endedAt: string) =>
    rgd.request(CloseEmergencyRegisterDocument, { input: { id, endedAt } });
  const periodCount = async (id: string) =>
    Number(
      (
        await sql<{ n: string }>(env, 'select count(*) as n from emergency_period where register_id = $1', [
          id,
        ])
      )[0]?.n,
    );

  it('the opening covers the first 24 hours: closing after 30 hours without an extension is refused', async () => {
    const opened = await open('2026-12-10T08:00:00+01:00');
    assert.equal(opened.errors, undefined);
    const g = opened.data?.openEmergencyRegister;
    assert.ok(g);
    registerId = g.id;
    assert.equal(g.authorisedUntil, '2026-12-11T07:00:00.000Z');
    assert.deepEqual(
      g.periods.map((p) => [
        p.sequence,
        p.from,
        p.until,
        p.authorisation,
        p.extension,
        p.recordedBy?.username,
      ]),
      [
        [
          1,
          '2026-12-10T07:00:00.000Z',
          '2026-12-11T07:00:00.000Z',
          'Provvedimento RGD n. 7/2026',
          false,
          'rgd',
        ],
      ],
    );
    const late = await close(registerId, '2026-12-11T14:00:00+01:00'); // 30 hours after the start
    assert.equal(errorCode(late), 'EMERGENCY_PERIOD_EXCEEDED');
    assert.equal(late.errors?.[0]?.extensions?.['field'], 'input.endedAt');
    const [row] = await sql<{ ended_at: Date | null }>(
      env,
      'select ended_at from emergency_register where id = $1',
      [registerId],
    );
    assert.equal(row?.ended_at, null);
    // PostgreSQL refuses the same end.
    await assert.rejects(
      sql(
        env,
        `update emergency_register set ended_at = started_at + interval '30 hours', closed_at = now(),
                closed_by = opened_by where id = $1`,
        [registerId],
      ),
      /within its authorised periods/,
    );
  });

  it("an extension is the RGD's, with its act, and covers at most one week after the previous period", async () => {
    assert.equal(
      errorCode(await extend(registerId, '2026-12-12T08:00:00+01:00', 'Atto', protocollista)),
      'FORBIDDEN',
    );
    const tooLong = await extend(registerId, '2026-12-18T08:00:01+01:00'); // a week and a second
    assert.equal(errorCode(tooLong), 'BAD_USER_INPUT');
    assert.equal(tooLong.errors?.[0]?.extensions?.['field'], 'input.until');
    const notAfter = await extend(registerId, '2026-12-11T07:00:00+01:00'); // before the end of the opening
    assert.equal(errorCode(notAfter), 'BAD_USER_INPUT');
    assert.equal(notAfter.errors?.[0]?.extensions?.['field'], 'input.until');
    const noAct = await extend(registerId, '2026-12-12T08:00:00+01:00', '  ');
    assert.equal(noAct.errors?.[0]?.extensions?.['field'], 'input.authorisation');
    assert.equal(errorCode(await extend(registerId, 'domani')), 'BAD_USER_INPUT');
    assert.equal(await periodCount(registerId), 1);

    const week = await extend(registerId, '2026-12-18T08:00:00+01:00'); // exactly one week
    assert.equal(week.errors, undefined, JSON.stringify(week.errors));
    const g = week.data?.extendEmergencyRegister;
    assert.equal(g?.authorisedUntil, '2026-12-18T07:00:00.000Z');
    assert.equal(g?.open, true);
    assert.deepEqual(
      g?.periods.map((p) => [p.sequence, p.from, p.until, p.authorisation, p.extension]),
      [
        [1, '2026-12-10T07:00:00.000Z', '2026-12-11T07:00:00.000Z', 'Provvedimento RGD n. 7/2026', false],
        [2, '2026-12-11T07:00:00.000Z', '2026-12-18T07:00:00.000Z', 'Provvedimento RGD n. 8/2026', true],
      ],
    );
    // Successive periods: the next starts where this one ends.
    const next = await extend(registerId, '2026-12-19T08:00:00+01:00', 'Provvedimento RGD n. 9/2026');
    assert.equal(next.errors, undefined);
    assert.deepEqual(
      next.data?.extendEmergencyRegister.periods.map((p) => [p.sequence, p.from, p.until]),
      [
        [1, '2026-12-10T07:00:00.000Z', '2026-12-11T07:00:00.000Z'],
        [2, '2026-12-11T07:00:00.000Z', '2026-12-18T07:00:00.000Z'],
        [3, '2026-12-18T07:00:00.000Z', '2026-12-19T07:00:00.000Z'],
      ],
    );
    const read = await rgd.request(EmergencyRegisterDocument, { id: registerId });
    assert.equal(read.data?.emergencyRegister.periods.length, 3);
    assert.equal(read.data?.emergencyRegister.authorisedUntil, '2026-12-19T07:00:00.000Z');
    const [audit] = await sql<{ n: string }>(
      env,
      `select count(*) as n from audit_event where operation = 'emergenza.extend' and target_id = $1`,
      [registerId],
    );
    assert.equal(Number(audit?.n), 2);
    const event = seen.find((s) => s.data['registerId'] === registerId && s.data['sequence'] === 2);
    assert.equal(event?.topic, 'emergenza.extended');
    assert.equal(event?.committed, true);
    assert.equal(event?.data['until'], '2026-12-18T07:00:00.000Z');
  });

  it('closing within the extensions is accepted; a closed register is not extended; records lie in its periods', async () => {
    assert.equal(
      errorCode(await close(registerId, '2026-12-19T08:00:01+01:00')),
      'EMERGENCY_PERIOD_EXCEEDED',
    );
    const closed = await close(registerId, '2026-12-17T12:00:00+01:00'); // a week after the start
    assert.equal(closed.errors, undefined, JSON.stringify(closed.errors));
    assert.equal(closed.data?.closeEmergencyRegister.endedAt, '2026-12-17T11:00:00.000Z');
    assert.equal(
      errorCode(await extend(registerId, '2026-12-20T08:00:00+01:00')),
      'EMERGENCY_REGISTER_CLOSED',
    );
    assert.equal(await periodCount(registerId), 3);
    // A record dated after the end of the register is refused at import (its dates lie in start..end).
    const r = await rgd.request(ImportEmergencyRecordsDocument, {
      input: {
        registerId,
        format: 'JSON',
        content: JSON.stringify({
          records: [
            {
              number: 1,
              at: '2026-12-17T13:00:00+01:00',
              kind: 'ARRIVO',
              oggetto: 'Istanza',
              documentId: '00000000-0000-4000-8000-000000000001',
              correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Mario', cognome: 'Rossi' }],
            },
          ],
        }),
      },
    });
    assert.equal(errorCode(r), 'EMERGENCY_IMPORT_INVALID');
    const errors = (r.errors?.[0]?.extensions?.['errors'] as Array<{ field: string }> | undefined) ?? [];
    assert.ok(
      errors.some((e) => e.field === 'at'),
      JSON.stringify(errors),
    );
  });

  it('PostgreSQL: periods are append-only, an extension continues the previous period by at most a week on an open register, every register has its opening', async () => {
    await assert.rejects(
      sql(env, `update emergency_period set ends_at = ends_at + interval '1 day' where register_id = $1`, [
        registerId,
      ]),
      /never changed or deleted/,
    );
    await assert.rejects(
      sql(env, `delete from emergency_period where register_id = $1`, [registerId]),
      /never changed or deleted/,
    );
    // On the closed register: no further period.
    await assert.rejects(
      sql(
        env,
        `insert into emergency_period (id, register_id, sequence, starts_at, ends_at, authorisation, recorded_at, recorded_by)
         select gen_random_uuid(), register_id, 4, ends_at, ends_at + interval '1 day', 'x', now(), recorded_by
           from emergency_period where register_id = $1 and sequence = 3`,
        [registerId],
      ),
      /closed emergency register is not extended/,
    );
    const opened = await open('2026-12-19T09:00:00+01:00');
    assert.equal(opened.errors, undefined);
    const second = opened.data?.openEmergencyRegister.id ?? '';
    const insertExtension = (from: string, to: string) =>
      sql(
        env,
        `insert into emergency_period (id, register_id, sequence, starts_at, ends_at, authorisation, recorded_at, recorded_by)
         select gen_random_uuid(), register_id, 2, ${from}, ${to}, 'x', now(), recorded_by
           from emergency_period where register_id = $1 and sequence = 1`,
        [second],
      );
    await assert.rejects(
      insertExtension('ends_at', `ends_at + interval '7 days 1 second'`),
      /at most one week/,
    );
    await assert.rejects(
      insertExtension(`ends_at + interval '1 hour'`, `ends_at + interval '2 days'`),
      /starts where the previous period ended/,
    );
    await assert.rejects(
      sql(
        env,
        `insert into emergency_period (id, register_id, sequence, starts_at, ends_at, authorisation, recorded_at, recorded_by)
         select gen_random_uuid(), $1, 1, starts_at, ends_at + interval '1 hour', 'x', now(), recorded_by
           from emergency_period where register_id = $1 and sequence = 1`,
        [second],
      ),
      /first 24 hours/,
    );
    assert.equal(await periodCount(second), 1);
    // A register written without its opening period fails at commit.
    assert.equal((await close(second, '2026-12-19T10:00:00+01:00')).errors, undefined);
    await assert.rejects(
      sql(
        env,
        `insert into emergency_register (id, aoo_id, cause, authorisation, started_at, opened_at, opened_by)
         select gen_random_uuid(), aoo_id, 'x', 'y', ended_at, ended_at, opened_by from emergency_register where id = $1`,
        [second],
      ),
      /opened with its opening period/,
    );
  });
});
