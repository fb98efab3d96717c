import { Readable } from 'node:stream';
import {
  CloseFascicoloDocument,
  FileDocumentDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { StoredBlob } from '../../server/blob/blob-store.js';
import type { SettableClock } from './clock.js';
import { makeTitolario, newDocument, registerAt } from './fascicoli-fixtures.js';
import { demoIds, type DemoIds } from './files-helpers.js';
import type { TestEnv } from './test-env.js';

/** A closed fascicolo (VI/3/1) with a closed sottofascicolo, documents registered in each. */
export interface ClosedTree {
  fascicoloId: string;
  sottofascicoloId: string;
  /** In registration order: `inParent` in the fascicolo, then `inChild` in the sottofascicolo. */
  documentIds: string[];
}

export interface ConservationWorld {
  ids: DemoIds;
  /** A fascicolo with a sottofascicolo, documents registered and filed in each; closed unless `close: false`. */
  tree(
    inParent: number,
    inChild: number,
    options?: { oggetto?: string; close?: boolean },
  ): Promise<ClosedTree>;
  /** A registered document of the TEC office, filed nowhere. */
  registeredDocument(oggetto: string): Promise<string>;
}

/**
 * The documents conservation carries, made as users make them: a titolario, fascicoli opened,
 * filed and closed through GraphQL by rpa.tecnico, documents registered (as a repertorio does)
 * at increasing times. Leaves the clock on 2025-06-15.
 */
export async function conservationWorld(env: TestEnv, clock: SettableClock): Promise<ConservationWorld> {
  const ids = await demoIds(env);
  const nodes = await makeTitolario(env, clock, ids.aooId);
  const tec = ids.uor['TEC'] ?? '';
  const rpa = await env.asUser('rpa.tecnico');
  let minute = 0;
  const registeredDocument = async (oggetto: string): Promise<string> => {
    const id = await newDocument(env, 'rpa.tecnico', tec, oggetto);
    minute += 1;
    await registerAt(env, id, new Date(Date.parse('2025-06-10T08:00:00Z') + minute * 60_000).toISOString());
    return id;
  };
  return {
    ids,
    registeredDocument,
    async tree(inParent, inChild, { oggetto = 'Costruzione della nuova sede', close = true } = {}) {
      const parent = (
        await rpa.data(OpenFascicoloDocument, {
          input: {
            classificationId: nodes['2025']['VI/3/1'] ?? '',
            kind: 'AFFARE',
            oggetto,
            uorId: tec,
            rpaId: ids.user['rpa.tecnico'] ?? '',
          },
        })
      ).openFascicolo;
      const child = (
        await rpa.data(OpenSottofascicoloDocument, {
          input: { parentId: parent.id, oggetto: `${oggetto}: lotto 1` },
        })
      ).openSottofascicolo;
      const documentIds: string[] = [];
      for (const [fascicoloId, n] of [
        [parent.id, inParent],
        [child.id, inChild],
      ] as const) {
        for (let i = 0; i < n; i++) {
          const doc = await registeredDocument(`${oggetto}: atto ${documentIds.length + 1}`);
          await rpa.data(FileDocumentDocument, { input: { fascicoloId, documentId: doc } });
          documentIds.push(doc);
        }
      }
      if (close) {
        await rpa.data(CloseFascicoloDocument, { id: child.id });
        await rpa.data(CloseFascicoloDocument, { id: parent.id });
      }
      return { fascicoloId: parent.id, sottofascicoloId: child.id, documentIds };
    },
  };
}

/** Stores bytes as the transfer stores a rapporto di versamento. */
export function storeText(env: TestEnv, text: string): Promise<StoredBlob> {
  return env.platform.blobs.put(Readable.from([Buffer.from(text, 'utf8')]));
}
