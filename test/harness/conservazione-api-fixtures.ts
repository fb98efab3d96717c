import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CloseFascicoloDocument,
  OpenFascicoloDocument,
  RegisterProtocolDocument,
} from '../../clients/sdk/generated/graphql.js';
import {
  type BuiltPackage,
  ConservationColour,
  ConservationItem,
  markPackageBuilt,
  recordItemOutcome,
} from '../../plugins/conservazione/package/index.js';
import { produceDailyRegister } from '../../schema/registro-giornaliero/index.js';
import type { StoredBlob } from '../../server/blob/blob-store.js';
import { systemContext } from '../../server/context.js';
import type { Clock } from '../../server/clock.js';
import { inUnit } from './fascicoli-fixtures.js';
import { sql, type DemoIds } from './files-helpers.js';
import type { GraphqlClient } from './graphql-client.js';
import { draftDocuments } from './protocol-fixtures.js';
import { startTestEnv, type TestEnv } from './test-env.js';

/**
 * The real stack with the conservation plugin, for the API's tests: its jobs off (the tests move
 * packages to green or red themselves, through the package services, as the transfer does) and
 * daily registers left for the archivist to send (CONSERVATION_AUTO_DAILY_REGISTER=false).
 */
export function startConservationEnv(clock?: Clock, env?: Record<string, string>): Promise<TestEnv> {
  return startTestEnv({
    plugins: ['conservazione'],
    clock,
    env: { JOBS_ENABLED: 'false', CONSERVATION_AUTO_DAILY_REGISTER: 'false', ...env },
  });
}

async function putText(env: TestEnv, text: string): Promise<StoredBlob> {
  return env.platform.blobs.put(Readable.from([Buffer.from(text, 'utf8')]));
}

/**
 * Builds a package as the transfer does: a SIP (here: some bytes standing for the zip), its
 * PIndex and each document's request stored in the blob store, recorded with markPackageBuilt.
 */
export async function buildPackage(env: TestEnv, packageId: string): Promise<void> {
  const items = await sql<{ document_id: string; position: number }>(
    env,
    'select document_id, position from conservation_item where package_id = $1 order by position',
    [packageId],
  );
  const sip = await putText(env, `PK zip of ${packageId} ${randomUUID()}`);
  const pindex = await putText(env, `<PIndex id="${packageId}"/>`);
  const built: BuiltPackage['items'][number][] = [];
  for (const i of items) {
    built.push({
      documentId: i.document_id,
      key: { registro: 'PG', anno: 2025, numero: `${randomUUID().slice(0, 7)}` },
      descriptor: await putText(env, `<UnitaDocumentaria doc="${i.document_id}"/>`),
    });
  }
  await inUnit(env, (tx) => markPackageBuilt(tx, packageId, { sip, pindex, items: built }));
}

/** The conservator's outcome for one document of a package, recorded as the transfer does. */
export async function settle(
  env: TestEnv,
  packageId: string,
  documentId: string,
  colour: 'GREEN' | 'RED',
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    env,
    'select id from conservation_item where package_id = $1 and document_id = $2',
    [packageId, documentId],
  );
  if (!row) throw new Error(`no item of ${documentId} in ${packageId}`);
  const rapporto =
    colour === 'GREEN' ? await putText(env, `<RapportoVersamento doc="${documentId}"/>`) : null;
  await inUnit(env, (tx) =>
    recordItemOutcome(
      tx,
      row.id,
      rapporto
        ? {
            colour: ConservationColour.GREEN,
            outcomeCode: 'POSITIVO',
            conservatorId: `UD-${documentId}`,
            rapporto,
            warnings: [],
            alreadyConserved: false,
          }
        : {
            colour: ConservationColour.RED,
            outcomeCode: 'NEGATIVO',
            reasons: [{ code: 'UD-FILE-001', message: 'Formato non ammesso', componentId: '1' }],
          },
    ),
  );
  return row.id;
}

/** Settles every item of a package the same way. */
export async function settleAll(env: TestEnv, packageId: string, colour: 'GREEN' | 'RED'): Promise<void> {
  const items = await inUnit(env, (tx) => tx.em.find(ConservationItem, { packageId }));
  for (const i of items) await settle(env, packageId, i.documentId, colour);
}

/** Registered documents straight in the database (a repertorio-like registration at `at`). */
export async function registeredDocuments(
  env: TestEnv,
  uorId: string,
  n: number,
  at: string,
  creator = 'rgd',
): Promise<string[]> {
  const ids = await draftDocuments(env, uorId, n, creator);
  await sql(env, `update document set registered_at = $2, kind = 'REPERTORIATO' where id = any($1::uuid[])`, [
    ids,
    at,
  ]);
  return ids;
}

/** A protocol registration by GraphQL (a draft made in the database), with its managed fields. */
export async function registerRecord(
  env: TestEnv,
  client: GraphqlClient,
  uorId: string,
  fields: { documentType?: string; meansOfTransmission?: string; creator?: string } = {},
): Promise<string> {
  const [documentId] = await draftDocuments(env, uorId, 1, fields.creator ?? 'rgd');
  if (!documentId) throw new Error('no draft');
  await client.data(RegisterProtocolDocument, {
    input: {
      kind: 'ARRIVO',
      documentId,
      uorId,
      oggetto: `Istanza ${documentId.slice(0, 8)}`,
      correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Verdi' }],
      documentType: fields.documentType,
      meansOfTransmission: fields.meansOfTransmission,
    },
  });
  return documentId;
}

/** Where a fascicolo is opened, and by whom its documents are made. */
export interface FascicoloPlace {
  classificationId: string;
  uorId: string;
  rpaId: string;
  /** The username that makes its documents. */
  creator: string;
}

/**
 * A closed top-level fascicolo with `docs` registered documents filed in it, opened and closed
 * by `client` at the clock's time (its closing date is that day).
 */
export async function closedFascicoloIn(
  env: TestEnv,
  client: GraphqlClient,
  place: FascicoloPlace,
  clock: { now(): Date },
  docs: number,
  oggetto = 'Pratica',
): Promise<{ id: string; documentIds: string[] }> {
  const id = (
    await client.data(OpenFascicoloDocument, {
      input: {
        classificationId: place.classificationId,
        kind: 'AFFARE',
        oggetto,
        uorId: place.uorId,
        rpaId: place.rpaId,
      },
    })
  ).openFascicolo.id;
  const at = clock.now().toISOString();
  const documentIds = await registeredDocuments(env, place.uorId, docs, at, place.creator);
  await sql(
    env,
    `insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at)
     select $1, d, 'FILE', true, $3::timestamptz from unnest($2::uuid[]) d`,
    [id, documentIds, at],
  );
  await client.data(CloseFascicoloDocument, { id });
  return { id, documentIds };
}

/** A closed top-level fascicolo of the demo TEC office (RPA rpa.tecnico), opened by `rgd`. */
export function closedFascicolo(
  env: TestEnv,
  rgd: GraphqlClient,
  ids: DemoIds,
  classificationId: string,
  clock: { now(): Date },
  docs: number,
  oggetto = 'Pratica',
): Promise<{ id: string; documentIds: string[] }> {
  const place = {
    classificationId,
    uorId: ids.uor['TEC'] ?? '',
    rpaId: ids.user['rpa.tecnico'] ?? '',
    creator: 'rgd',
  };
  return closedFascicoloIn(env, rgd, place, clock, docs, oggetto);
}

/** The daily register of a day (the clock must be past it), produced as the job does. */
export async function dailyRegister(env: TestEnv, aooId: string, day: string): Promise<string> {
  const ctx = await systemContext(env.platform, { actorId: null, requestId: randomUUID(), agent: 'test' });
  return (await produceDailyRegister(ctx, aooId, day)).register.id;
}
