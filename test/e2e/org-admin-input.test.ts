import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { getOperationAST, type DocumentNode } from 'graphql';
import pg from 'pg';
import {
  AddMembershipDocument,
  CreateAdministrationDocument,
  CreateAooDocument,
  CreateUorDocument,
  CreateUserDocument,
  DeactivateUorDocument,
  DeactivateUserDocument,
  EndMembershipDocument,
  ReactivateUserDocument,
  UpdateAdministrationDocument,
  UpdateAooDocument,
  UpdateUorDocument,
  UpdateUserDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { GraphqlClient } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Bad input to every organisation admin mutation gets a typed error naming the problem and
 * changes nothing (no row, no audit event); the same call with good input succeeds and is
 * audited exactly once.
 */

/**
 * The mutations under test, as the SDK's typed operations. Each returns the record with its `id`;
 * the calls are built from flat fixtures below, so they go out as plain documents.
 */
const OPERATIONS = {
  createAdministration: CreateAdministrationDocument,
  updateAdministration: UpdateAdministrationDocument,
  createAoo: CreateAooDocument,
  updateAoo: UpdateAooDocument,
  createUor: CreateUorDocument,
  updateUor: UpdateUorDocument,
  deactivateUor: DeactivateUorDocument,
  createUser: CreateUserDocument,
  updateUser: UpdateUserDocument,
  deactivateUser: DeactivateUserDocument,
  reactivateUser: ReactivateUserDocument,
  addMembership: AddMembershipDocument,
  endMembership: EndMembershipDocument,
} satisfies Record<string, DocumentNode>;
type Mut = keyof typeof OPERATIONS;

/** Whether the mutation takes an `input` argument (every other key of a call is an argument). */
const takesInput = (m: Mut): boolean =>
  getOperationAST(OPERATIONS[m])?.variableDefinitions?.some((v) => v.variable.name.value === 'input') ??
  false;

/**
 * A call written flat: `id` and `activeTo` are arguments, every other key is an input field.
 * A value '@key' stands for the fixture id `key` ('@aoo', '@uor.FIN', '@user.lettore'…).
 */
type Flat = Record<string, unknown>;
type Fixture = Record<string, string>;

function variables(m: Mut, flat: Flat, fx: Fixture): Record<string, unknown> {
  const args: Flat = {};
  const input: Flat = {};
  for (const [k, v] of Object.entries(flat)) {
    const value = typeof v === 'string' && v.startsWith('@') ? fx[v.slice(1)] : v;
    assert.notEqual(value, undefined, `no fixture ${String(v)}`);
    (k === 'id' || k === 'activeTo' ? args : input)[k] = value;
  }
  return takesInput(m) ? { ...args, input } : args;
}

/** The good call of each mutation (run last, in this order, as positive controls) and its audit operation. */
const GOOD: Record<Mut, [operation: string, call: Flat]> = {
  createAdministration: [
    'administration.create',
    { ipaCode: 'c_nuovo', name: 'Comune Nuovo', taxCode: '80000000001' },
  ],
  updateAdministration: [
    'administration.update',
    { id: '@adm', name: 'Comune di Esempio (CE)', taxCode: '1' },
  ],
  createAoo: [
    'aoo.create',
    {
      administrationId: '@adm',
      code: 'ANUOVO1',
      name: 'AOO nuova',
      pecAddress: 'p@pec.nuovo.it',
      registerCode: 'REG',
    },
  ],
  updateAoo: [
    'aoo.update',
    { id: '@aoo', name: 'AOO unica', pecAddress: 'pec@pec.esempio.it', rgdId: '@user.segretario' },
  ],
  createUor: [
    'uor.create',
    {
      aooId: '@aoo',
      code: 'URP',
      name: 'URP',
      parentId: '@uor.SEG',
      headId: '@user.rgd',
      email: 'urp@esempio.it',
      activeFrom: '2026-01-01',
    },
  ],
  updateUor: ['uor.update', { id: '@uor.LLPP', name: 'Lavori pubblici', email: 'llpp@esempio.it' }],
  deactivateUor: ['uor.deactivate', { id: '@uor.LLPP', activeTo: '2030-06-30' }],
  createUser: [
    'user.create',
    {
      aooId: '@aoo',
      username: 'nuovo.utente',
      givenName: 'Nina',
      familyName: 'Nuovi',
      email: 'nina@esempio.it',
      subject: 'sub-nuovo',
    },
  ],
  updateUser: [
    'user.update',
    { id: '@user.lettore', givenName: 'Lucio', familyName: 'Lettori', email: 'lucio@esempio.it' },
  ],
  deactivateUser: ['user.deactivate', { id: '@user.lettore' }],
  reactivateUser: ['user.reactivate', { id: '@exUser' }],
  addMembership: ['membership.add', { userId: '@user.rgd', uorId: '@uor.TEC', profile: 'RPA' }],
  endMembership: ['membership.end', { id: '@activeMembership' }],
};

/** A bad call: the good call with some arguments or fields replaced, and the error it must get. */
interface Case {
  m: Mut;
  name: string;
  patch: () => Flat;
  code: string;
  field?: string;
  kind?: string;
  msg: RegExp;
}

const a = (n: number): string => 'a'.repeat(n);
const EMPTY = /must not be empty/;
const TOO_LONG = (max: number) => new RegExp(`must be at most ${max} characters`);
const CONTROL = /must not contain control characters/;
const NOT_EMAIL = /must be an e-mail address/;
const NOT_DATE = /(must be a date YYYY-MM-DD|is not a calendar date)/;

// [mutation, field, bad values, message after "field: "] → BAD_USER_INPUT naming the field
const BAD_FIELDS: Array<[Mut, string, unknown[], RegExp]> = [
  [
    'createAdministration',
    'ipaCode',
    ['', '   ', 'c demo!', 'c-demo', 'c_dèmo', a(33)],
    /must be 1-32 letters/,
  ],
  ['createAdministration', 'name', ['', '  \t '], EMPTY],
  ['createAdministration', 'name', [a(301)], TOO_LONG(300)],
  ['createAdministration', 'name', ['Comune\u0000di Esempio', 'Comune\ndi Esempio'], CONTROL],
  ['createAdministration', 'taxCode', [a(17)], TOO_LONG(16)],
  ['updateAdministration', 'name', ['', ' '], EMPTY],
  ['updateAdministration', 'name', [a(301)], TOO_LONG(300)],
  ['updateAdministration', 'taxCode', [a(17)], TOO_LONG(16)],
  ['createAoo', 'code', ['', '  ', 'A-DEMO1', 'AÈDEMO1', 'A DEMO', a(17)], /must be 1-16 letters/],
  ['createAoo', 'name', ['', '\t'], EMPTY],
  ['createAoo', 'name', [a(301)], TOO_LONG(300)],
  ['createAoo', 'pecAddress', ['', ' '], EMPTY],
  ['createAoo', 'pecAddress', ['protocollo', 'protocollo@pec', 'pro tocollo@pec.it', 'a@@pec.it'], NOT_EMAIL],
  ['createAoo', 'registerCode', ['', 'REG PROT', 'REG/1', a(17)], /must be 1-16 letters/],
  ['updateAoo', 'name', ['', '   '], EMPTY],
  ['updateAoo', 'name', [a(301)], TOO_LONG(300)],
  ['updateAoo', 'pecAddress', ['', ' '], EMPTY],
  ['updateAoo', 'pecAddress', ['pec@', 'pec.esempio.it'], NOT_EMAIL],
  ['createUor', 'code', ['', ' ', 'UFF TEC', 'UFF/1', 'UFF;1', a(33)], /must be 1-32 letters/],
  ['createUor', 'name', ['', '  '], EMPTY],
  ['createUor', 'name', [a(301)], TOO_LONG(300)],
  ['createUor', 'email', ['urp', 'urp@comune', 'u rp@comune.it'], NOT_EMAIL],
  ['createUor', 'email', [`${a(250)}@x.it`], TOO_LONG(254)],
  [
    'createUor',
    'activeFrom',
    ['2026-02-30', '2025-02-29', 'yesterday', '2026-13-01', '26-01-01', '0000-01-01'],
    NOT_DATE,
  ],
  ['updateUor', 'name', ['', ' '], EMPTY],
  ['updateUor', 'name', [a(301)], TOO_LONG(300)],
  ['updateUor', 'email', ['llpp@', 'llpp'], NOT_EMAIL],
  ['deactivateUor', 'activeTo', ['2026-02-30', 'yesterday', '31/12/2026', '0000-01-01'], NOT_DATE],
  ['deactivateUor', 'activeTo', ['2019-12-31'], /must not precede activeFrom \(2020-01-01\)/],
  [
    'createUser',
    'username',
    ['', '   ', 'm', 'mario rossi', 'mario@rossi', '-mario', 'màrio', a(65)],
    /must be 2-64/,
  ],
  ['createUser', 'givenName', ['', '  '], EMPTY],
  ['createUser', 'givenName', [a(101)], TOO_LONG(100)],
  ['createUser', 'familyName', ['', ' '], EMPTY],
  ['createUser', 'familyName', ['Rossi\u0007'], CONTROL],
  ['createUser', 'email', ['nina.nuovi', 'nina@'], NOT_EMAIL],
  ['createUser', 'subject', [a(256)], TOO_LONG(255)],
  ['updateUser', 'givenName', ['', ' '], EMPTY],
  ['updateUser', 'givenName', [a(101)], TOO_LONG(100)],
  ['updateUser', 'familyName', [' '], EMPTY],
  ['updateUser', 'email', ['lucio@@esempio.it'], NOT_EMAIL],
];

// Every id argument of every mutation, with the kind of record it names → NOT_FOUND
const ID_ARGS: Record<Mut, string> = {
  createAdministration: '',
  updateAdministration: 'id:Administration',
  createAoo: 'administrationId:Administration',
  updateAoo: 'id:Aoo rgdId:User',
  createUor: 'aooId:Aoo parentId:Uor headId:User',
  updateUor: 'id:Uor parentId:Uor headId:User',
  deactivateUor: 'id:Uor',
  createUser: 'aooId:Aoo',
  updateUser: 'id:User',
  deactivateUser: 'id:User',
  reactivateUser: 'id:User',
  addMembership: 'userId:User uorId:Uor',
  endMembership: 'id:Membership',
};
const BAD_IDS: Array<[string, () => string]> = [
  ['unknown', () => randomUUID()],
  ['malformed', () => 'not-a-uuid'],
  ['empty', () => ''],
];

const CLOSED = /^UOR CHIUSO was closed on 2022-12-31/;
const SAME_AOO = /^parentId: must be a UOR of the same AOO/;
const CYCLES = [
  ['itself', 'FIN', 'FIN'],
  ['its child', 'FIN', 'RAG'],
  ['its grandchild', 'SEG', 'RAG'],
];

// [case, code, field (or null), message, replaced arguments/fields]: business rules
const RULES: Partial<Record<Mut, Array<[string, string, string | null, RegExp, Flat]>>> = {
  createAdministration: [
    ['duplicate', 'CONFLICT', 'ipaCode', /^ipaCode: .*c_demo exists/, { ipaCode: ' c_demo ' }],
  ],
  createAoo: [
    ['duplicate', 'CONFLICT', 'code', /^code: .*AOO with code ADEMO01 already/, { code: 'ADEMO01' }],
  ],
  createUor: [
    ['duplicate', 'CONFLICT', 'code', /^code: .*UOR with code SEG already/, { code: 'SEG' }],
    ['parent in another AOO', 'BAD_USER_INPUT', 'parentId', SAME_AOO, { parentId: '@otherUor' }],
    ['closed parent', 'UOR_INACTIVE', 'parentId', CLOSED, { parentId: '@closedUor' }],
  ],
  updateUor: [
    ...CYCLES.map(([under, uor = '', parent = '']): [string, string, string, RegExp, Flat] => [
      `move under ${under}`,
      'UOR_CYCLE',
      'parentId',
      new RegExp(`^UOR ${uor} cannot be placed under ${parent}`),
      { id: `@uor.${uor}`, parentId: `@uor.${parent}` },
    ]),
    ['parent in another AOO', 'BAD_USER_INPUT', 'parentId', SAME_AOO, { parentId: '@otherUor' }],
    ['closed parent', 'UOR_INACTIVE', 'parentId', CLOSED, { parentId: '@closedUor' }],
  ],
  deactivateUor: [
    ['active sub-UORs', 'UOR_HAS_ACTIVE_CHILDREN', null, /FIN has 2 active sub-UORs/, { id: '@uor.FIN' }],
  ],
  createUser: [
    ['duplicate username', 'CONFLICT', 'username', /^username: .*lettore is taken/, { username: 'LETTORE' }],
    ['duplicate subject', 'CONFLICT', 'subject', /^subject: .*rgd belongs to another/, { subject: 'rgd' }],
  ],
  deactivateUser: [
    ['oneself', 'CANNOT_DEACTIVATE_SELF', null, /cannot deactivate yourself/, { id: '@user.admin' }],
    ['deactivated', 'USER_INACTIVE', null, /ex\.dipendente is deactivated already/, { id: '@exUser' }],
  ],
  addMembership: [
    ['closed UOR', 'UOR_INACTIVE', 'uorId', CLOSED, { uorId: '@closedUor' }],
    [
      'deactivated user',
      'USER_INACTIVE',
      'userId',
      /^User ex\.dipendente is deactivated/,
      { userId: '@exUser' },
    ],
    [
      'same membership twice',
      'CONFLICT',
      'profile',
      /already holds this profile/,
      { uorId: '@uor.SEG', profile: 'RGD' },
    ],
    ['unknown profile', 'BAD_USER_INPUT', null, /"BOSS" does not exist in "Profile"/, { profile: 'BOSS' }],
  ],
  endMembership: [['ended', 'MEMBERSHIP_ENDED', null, /has ended already/, { id: '@endedMembership' }]],
};

const CASES: Case[] = [
  ...BAD_FIELDS.flatMap(([m, field, values, msg]) =>
    values.map((v) => ({
      m,
      name: `${field} = ${typeof v === 'string' && v.length > 20 ? `<${v.length} chars>` : JSON.stringify(v)}`,
      patch: () => ({ [field]: v }),
      code: 'BAD_USER_INPUT',
      field,
      msg: new RegExp(`^${field}: ${msg.source}`),
    })),
  ),
  ...Object.entries(ID_ARGS).flatMap(([m, args]) =>
    args
      .split(' ')
      .filter(Boolean)
      .flatMap((spec) => {
        const [arg = '', kind = ''] = spec.split(':');
        return BAD_IDS.map(([label, id]) => ({
          m: m as Mut,
          name: `${arg} ${label}`,
          patch: () => ({ [arg]: id() }),
          code: 'NOT_FOUND',
          kind,
          msg: new RegExp(`^${kind} .*not found$`),
        }));
      }),
  ),
  ...Object.entries(RULES).flatMap(([m, rules]) =>
    rules.map(([name, code, field, msg, patch]) => ({
      m: m as Mut,
      name,
      patch: () => patch,
      code,
      field: field ?? undefined,
      msg,
    })),
  ),
];

const TABLES = ['administration', 'aoo', 'uor', 'app_user', 'membership'];

describe('organisation admin mutations: bad input gets a typed error and changes nothing', () => {
  let env: TestEnv;
  let admin: GraphqlClient;
  const fx: Fixture = {};

  // One session for the whole file: a connection per query (a snapshot made six) cost more than
  // the calls under test.
  let db: pg.Client;
  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> =>
    (await db.query(text, params)).rows as T[];

  /** Every organisation row (as jsonb, ordered by id) and the number of audit events, read at once. */
  async function snapshot(): Promise<string> {
    const [r] = await sql<{ snapshot: Record<string, unknown> }>(
      `select jsonb_build_object(${TABLES.map(
        (t) => `'${t}', (select jsonb_agg(to_jsonb(t) order by t.id) from ${t} t)`,
      ).join(', ')}, 'auditEvents', (select count(*)::int from audit_event)) as snapshot`,
    );
    const all = r?.snapshot ?? {};
    // Indented, so that a failing comparison shows just the changed values.
    return JSON.stringify(
      { ...Object.fromEntries(TABLES.map((t) => [t, all[t]])), auditEvents: all['auditEvents'] },
      null,
      1,
    );
  }

  /**
   * The database as the last test left it: what each test compares with after its call. Nothing
   * else writes between tests, so a test's "before" is the previous test's "after".
   */
  let current: string | undefined;
  const lastSnapshot = async (): Promise<string> => (current ??= await snapshot());
  const newSnapshot = async (): Promise<string> => (current = await snapshot());

  function call(m: Mut, flat: Flat) {
    const operation: DocumentNode = OPERATIONS[m];
    return admin.request<Record<string, { id: string } | null>>(operation, variables(m, flat, fx));
  }

  /** The id the call (which must succeed) returns. */
  async function ok(m: Mut, flat: Flat): Promise<string> {
    const r = await call(m, flat);
    const id = r.data?.[m]?.id;
    assert.ok(id, `set-up ${m} failed: ${JSON.stringify(r.errors)}`);
    return id;
  }

  before(async () => {
    env = await startTestEnv();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    admin = await env.asUser('admin');
    const rows = await sql<{ key: string; id: string }>(
      `select 'aoo' as key, id from aoo where code = 'ADEMO01'
       union all select 'adm', administration_id from aoo where code = 'ADEMO01'
       union all select 'uor.' || code, id from uor
       union all select 'user.' || username, id from app_user`,
    );
    for (const r of rows) fx[r.key] = r.id;
    fx['otherAdm'] = await ok('createAdministration', { ipaCode: 'c_altro', name: 'Comune Altro' });
    fx['otherAoo'] = await ok('createAoo', { ...GOOD.createAoo[1], administrationId: '@otherAdm' });
    fx['otherUor'] = await ok('createUor', { aooId: '@otherAoo', code: 'SEG', name: 'Segreteria' });
    const chiuso = { aooId: '@aoo', code: 'CHIUSO', name: 'Chiuso', activeFrom: '2021-01-01' };
    fx['closedUor'] = await ok('createUor', chiuso);
    await ok('deactivateUor', { id: '@closedUor', activeTo: '2022-12-31' });
    const ex = { aooId: '@aoo', username: 'ex.dipendente', givenName: 'Ex', familyName: 'Dipendente' };
    fx['exUser'] = await ok('createUser', ex);
    await ok('deactivateUser', { id: '@exUser' });
    const rpa = { userId: '@user.rpa.tecnico', uorId: '@uor.LLPP', profile: 'RPA' };
    fx['endedMembership'] = await ok('addMembership', rpa);
    await ok('endMembership', { id: '@endedMembership' });
    const [active] = await sql<{ id: string }>(
      'select id from membership where user_id = $1 and uor_id = $2 and ended_at is null',
      [fx['user.lettore'], fx['uor.RAG']],
    );
    assert.ok(active);
    fx['activeMembership'] = active.id;
  });
  after(async () => {
    await db?.end();
    await env?.close();
  });

  for (const c of CASES) {
    it(`${c.m}: ${c.name} → ${c.code}`, async () => {
      const before = await lastSnapshot();
      const r = await call(c.m, { ...GOOD[c.m][1], ...c.patch() });
      const after = await newSnapshot();
      assert.equal(r.errors?.length, 1, JSON.stringify(r));
      const [error] = r.errors ?? [];
      assert.equal(error?.extensions?.['code'], c.code, error?.message);
      if (c.field !== undefined) assert.equal(error?.extensions?.['field'], c.field);
      if (c.kind !== undefined) assert.equal(error?.extensions?.['kind'], c.kind);
      assert.match(error?.message ?? '', c.msg);
      assert.equal(r.data?.[c.m] ?? null, null);
      assert.equal(after, before, 'the bad call changed the database');
    });
  }

  for (const [m, [operation, good]] of Object.entries(GOOD) as Array<[Mut, [string, Flat]]>) {
    it(`${m}: the good call succeeds and is audited once as ${operation}`, async () => {
      const before = await lastSnapshot();
      const [{ last } = { last: -1 }] = await sql<{ last: number }>(
        'select coalesce(max(id), 0)::int as last from audit_event',
      );
      const r = await call(m, good);
      const after = await newSnapshot();
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const id = r.data?.[m]?.id;
      assert.ok(id);
      const events = await sql(
        'select operation, actor_id, actor_username, target_id from audit_event where id > $1',
        [last],
      );
      assert.deepEqual(events, [
        { operation, actor_id: fx['user.admin'], actor_username: 'admin', target_id: id },
      ]);
      assert.notEqual(after, before);
    });
  }
});
