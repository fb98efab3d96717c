import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AddDocumentToRaccoglitoreDocument,
  AddMembershipDocument,
  AnnulRepertorioEntryDocument,
  AnnotateProtocolDocument,
  AnnulProtocolDocument,
  RegisterProtocolDocument,
  UpdateProtocolFieldsDocument,
  CommitUploadDocument,
  CreateAdministrationDocument,
  CreateAooDocument,
  CreateRepertorioDocument,
  CloseRaccoglitoreDocument,
  CreateRaccoglitoreDocument,
  CreateUorDocument,
  CreateUploadDocument,
  CreateUserDocument,
  DeactivateRepertorioDocument,
  DeactivateUorDocument,
  DeactivateUserDocument,
  EndMembershipDocument,
  FileDownloadLinkDocument,
  MutationFieldsDocument,
  ReactivateUserDocument,
  RegisterRepertorioEntryDocument,
  ReplaceDocumentFileDocument,
  UpdateAdministrationDocument,
  UpdateAooDocument,
  UpdateRepertorioDocument,
  RemoveDocumentFromRaccoglitoreDocument,
  UpdateRaccoglitoreDocument,
  UpdateUorDocument,
  UpdateUserDocument,
  AddTitolarioIndexTermDocument,
  ClassifyDocumentDocument,
  CloseFascicoloDocument,
  FileDocumentDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
  ReopenFascicoloDocument,
  TransferFascicoloDocument,
  UnfileDocumentDocument,
  AddTitolarioNodeDocument,
  CreateTitolarioDraftDocument,
  DeleteTitolarioDraftDocument,
  ImportTitolarioDocument,
  PublishTitolarioVersionDocument,
  RemoveTitolarioIndexTermDocument,
  RemoveTitolarioNodeDocument,
  UpdateTitolarioDraftDocument,
  UpdateTitolarioIndexTermDocument,
  CreateCorrespondentDocument,
  UpdateCorrespondentDocument,
  DeactivateCorrespondentDocument,
  ReactivateCorrespondentDocument,
  ImportIpaCorrespondentsDocument,
  UpdateTitolarioNodeDocument,
  GenerateDevelopmentSegnaturaSealDocument,
  SetSegnaturaSealDocument,
  OpenEmergencyRegisterDocument,
  CloseEmergencyRegisterDocument,
  ExtendEmergencyRegisterDocument,
  ImportEmergencyRecordsDocument,
  SmistaProtocolDocument,
  AssignRpaDocument,
  TakeInChargeDocument,
  ReturnAssignmentDocument,
  TransferAssignmentDocument,
  RejectAssignmentDocument,
} from '../../clients/sdk/generated/graphql.js';
import { generateDevelopmentSeal, toPkcs12 } from '../../schema/segnatura/index.js';
import { titolarioInForce } from '../harness/fascicoli-fixtures.js';
import { createDocument, demoIds, sql, uniqueBytes, upload, type DemoIds } from '../harness/files-helpers.js';
import type { GraphqlClient, GraphqlResponse } from '../harness/graphql-client.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Every change is audited (DOMAIN §7): each mutation, each time it succeeds, writes exactly one
 * audit row naming the operation and its target, in the same transaction as the change. The
 * list below must name every mutation of the schema, so a new one cannot be left out.
 */
interface Step {
  mutation: string;
  operation: string;
  /** Runs the mutation once (fresh inputs each round); returns the response and the audited target. */
  run(round: number): Promise<{ response: GraphqlResponse<unknown>; target: string }>;
}

describe('every change writes exactly one audit row', () => {
  let env: TestEnv;
  let ids: DemoIds;
  let admin: GraphqlClient;
  let rpa: GraphqlClient;
  let secondAdmin: GraphqlClient;
  let rgd: GraphqlClient;
  /** Drafts to register in a repertorio, one per round (registration freezes a document's files). */
  let drafts: string[] = [];
  let classes: Record<string, string> = {};
  const filed: Record<number, string> = {};
  /** Documents with a primary file to register in the protocol, one per round. */
  const toRegister: Record<number, string> = {};
  /** Documents with a primary file recovered from the emergency register, one per round. */
  const toImport: Record<number, string> = {};

  before(async () => {
    env = await startTestEnv({ blobDriver: 's3' });
    ids = await demoIds(env);
    admin = await env.asUser('admin');
    rpa = await env.asUser('rpa.ragioneria');
    rgd = await env.asUser('rgd');
    drafts = (
      await sql<{ id: string }>(
        env,
        `insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
         select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Delibera ' || g,
                (select id from app_user where username = 'rpa.ragioneria')
           from uor u, generate_series(1, 2) g where u.id = $1 returning id`,
        [ids.uor['RAG']],
      )
    ).map((r) => r.id);
    // Memberships of the demo administrator are ended by another administrator (two-person rule).
    const second = await admin.data(CreateUserDocument, {
      input: { aooId: ids.aooId, username: 'admin2', givenName: 'Seconda', familyName: 'Amministratrice' },
    });
    await admin.data(AddMembershipDocument, {
      input: { userId: second.createUser.id, uorId: ids.uor['SEG'] ?? '', profile: 'SYSTEM_ADMIN' },
    });
    secondAdmin = await env.asUser('admin2');
    // Fascicoli open on a titolario in force, and file documents made beforehand (their own audit rows).
    classes = await titolarioInForce(env, ids.aooId);
    rgd = await env.asUser('rgd');
    for (const round of [1, 2]) {
      const file = await upload(env, 'rpa.ragioneria', uniqueBytes(`fascicolo ${round}`), 'atto.txt');
      filed[round] = (
        await createDocument(env, 'rpa.ragioneria', { uorId: ids.uor['FIN'] ?? '', primaryFileId: file.id })
      ).id;
      const letter = await upload(env, 'rgd', uniqueBytes(`protocollo ${round}`), 'lettera.txt');
      toRegister[round] = (
        await createDocument(env, 'rgd', { uorId: ids.uor['PROT'] ?? '', primaryFileId: letter.id })
      ).id;
      const scan = await upload(env, 'rgd', uniqueBytes(`emergenza ${round}`), 'scansione.txt');
      toImport[round] = (
        await createDocument(env, 'rgd', { uorId: ids.uor['PROT'] ?? '', primaryFileId: scan.id })
      ).id;
    }
  });
  after(async () => {
    await env.close();
  });

  const made: Record<string, string> = {};
  const id = (r: GraphqlResponse<unknown>, field: string): string => {
    const value = (r.data as Record<string, { id?: string } | string> | null | undefined)?.[field];
    const found = typeof value === 'string' ? value : value?.id;
    assert.ok(found, `${field}: ${JSON.stringify(r.errors)}`);
    return found;
  };
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  /** The active competence of the round's registration. */
  const activeAssignment = async (): Promise<string> =>
    (
      await sql<{ id: string }>(
        env,
        `select id from assignment where record_id = $1 and state in ('DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO')`,
        [made['protocol'] ?? ''],
      )
    )[0]?.id ?? '';

  const steps: Step[] = [
    {
      mutation: 'createAdministration',
      operation: 'administration.create',
      run: async (round) => {
        const response = await admin.request(CreateAdministrationDocument, {
          input: { ipaCode: `c_audit_${round}`, name: `Ente ${round}` },
        });
        return { response, target: (made['administration'] = id(response, 'createAdministration')) };
      },
    },
    {
      mutation: 'updateAdministration',
      operation: 'administration.update',
      run: async (round) => ({
        response: await admin.request(UpdateAdministrationDocument, {
          id: made['administration'] ?? '',
          input: { name: `Ente rinominato ${round}` },
        }),
        target: made['administration'] ?? '',
      }),
    },
    {
      mutation: 'createAoo',
      operation: 'aoo.create',
      run: async (round) => {
        const response = await admin.request(CreateAooDocument, {
          input: {
            administrationId: made['administration'] ?? '',
            code: `AAUD${round}`,
            name: 'AOO',
            pecAddress: 'pec@pec.example.it',
            registerCode: 'REG',
          },
        });
        return { response, target: (made['aoo'] = id(response, 'createAoo')) };
      },
    },
    {
      mutation: 'updateAoo',
      operation: 'aoo.update',
      run: async (round) => ({
        response: await admin.request(UpdateAooDocument, {
          id: ids.aooId,
          input: { name: `Comune di Esempio ${round}` },
        }),
        target: ids.aooId,
      }),
    },
    {
      mutation: 'createUor',
      operation: 'uor.create',
      run: async (round) => {
        const response = await admin.request(CreateUorDocument, {
          input: { aooId: ids.aooId, code: `AUD${round}`, name: 'Ufficio', parentId: ids.uor['SEG'] ?? null },
        });
        return { response, target: (made['uor'] = id(response, 'createUor')) };
      },
    },
    {
      mutation: 'updateUor',
      operation: 'uor.update',
      run: async (round) => ({
        response: await admin.request(UpdateUorDocument, {
          id: made['uor'] ?? '',
          input: { name: `Ufficio ${round}` },
        }),
        target: made['uor'] ?? '',
      }),
    },
    {
      mutation: 'deactivateUor',
      operation: 'uor.deactivate',
      run: async () => ({
        response: await admin.request(DeactivateUorDocument, { id: made['uor'] ?? '' }),
        target: made['uor'] ?? '',
      }),
    },
    {
      mutation: 'createUser',
      operation: 'user.create',
      run: async (round) => {
        const response = await admin.request(CreateUserDocument, {
          input: { aooId: ids.aooId, username: `audit.${round}`, givenName: 'A', familyName: 'B' },
        });
        return { response, target: (made['user'] = id(response, 'createUser')) };
      },
    },
    {
      mutation: 'updateUser',
      operation: 'user.update',
      run: async (round) => ({
        response: await admin.request(UpdateUserDocument, {
          id: made['user'] ?? '',
          input: { givenName: `Nome ${round}` },
        }),
        target: made['user'] ?? '',
      }),
    },
    {
      mutation: 'addMembership',
      operation: 'membership.add',
      run: async () => {
        const response = await admin.request(AddMembershipDocument, {
          input: { userId: made['user'] ?? '', uorId: ids.uor['RAG'] ?? '', profile: 'READ_ONLY' },
        });
        return { response, target: (made['membership'] = id(response, 'addMembership')) };
      },
    },
    {
      mutation: 'endMembership',
      operation: 'membership.end',
      run: async () => ({
        response: await secondAdmin.request(EndMembershipDocument, { id: made['membership'] ?? '' }),
        target: made['membership'] ?? '',
      }),
    },
    {
      mutation: 'deactivateUser',
      operation: 'user.deactivate',
      run: async () => ({
        response: await admin.request(DeactivateUserDocument, { id: made['user'] ?? '' }),
        target: made['user'] ?? '',
      }),
    },
    {
      mutation: 'reactivateUser',
      operation: 'user.reactivate',
      run: async () => ({
        response: await admin.request(ReactivateUserDocument, { id: made['user'] ?? '' }),
        target: made['user'] ?? '',
      }),
    },
    {
      mutation: 'createUpload',
      operation: 'upload.create',
      run: async (round) => {
        const bytes = uniqueBytes(`direct upload ${round}`, 4096);
        made['uploadBytes'] = bytes.toString('base64');
        const response = await rpa.request(CreateUploadDocument, {
          input: { fileName: `scansione-${round}.pdf`, size: bytes.length, sha256: sha(bytes) },
        });
        const ticket = response.data?.createUpload;
        assert.ok(ticket);
        made['upload'] = ticket.uploadId;
        made['uploadUrl'] = ticket.url;
        made['uploadChecksum'] = ticket.headers.find((h) => h.name === 'x-amz-checksum-sha256')?.value ?? '';
        return { response, target: ticket.uploadId };
      },
    },
    {
      mutation: 'commitUpload',
      operation: 'file.upload',
      run: async () => {
        const put = await fetch(made['uploadUrl'] ?? '', {
          method: 'PUT',
          headers: { 'x-amz-checksum-sha256': made['uploadChecksum'] ?? '' },
          body: Buffer.from(made['uploadBytes'] ?? '', 'base64'),
        });
        assert.equal(put.status, 200);
        const response = await rpa.request(CommitUploadDocument, { uploadId: made['upload'] ?? '' });
        return { response, target: (made['file'] = id(response, 'commitUpload')) };
      },
    },
    {
      mutation: 'createDocument',
      operation: 'document.create',
      run: async () => {
        // Through the shared helper, which checks the response; the row is checked below.
        const doc = await createDocument(env, 'rpa.ragioneria', {
          uorId: ids.uor['RAG'] ?? '',
          primaryFileId: made['file'] ?? '',
        });
        made['document'] = doc.id;
        return { response: { status: 200, data: { createDocument: doc } }, target: doc.id };
      },
    },
    {
      mutation: 'replaceDocumentFile',
      operation: 'document.replaceFile',
      run: async (round) => {
        const next = await upload(env, 'rpa.ragioneria', uniqueBytes(`v2 ${round}`));
        made['next'] = next.id;
        return {
          response: await rpa.request(ReplaceDocumentFileDocument, {
            input: { documentId: made['document'] ?? '', position: 0, fileId: next.id },
          }),
          target: made['document'] ?? '',
        };
      },
    },
    {
      mutation: 'replaceDocumentFile',
      operation: 'document.addAttachment',
      run: async () => ({
        response: await rpa.request(ReplaceDocumentFileDocument, {
          input: { documentId: made['document'] ?? '', position: 1, fileId: made['next'] ?? '' },
        }),
        target: made['document'] ?? '',
      }),
    },
    {
      mutation: 'fileDownloadLink',
      operation: 'file.link',
      run: async () => ({
        response: await rpa.request(FileDownloadLinkDocument, { id: made['file'] ?? '', ttlSeconds: 60 }),
        target: made['file'] ?? '',
      }),
    },
    {
      mutation: 'createRepertorio',
      operation: 'repertorio.create',
      run: async (round) => {
        const response = await admin.request(CreateRepertorioDocument, {
          input: { aooId: ids.aooId, code: `AUDIT_${round}`, name: `Serie ${round}` },
        });
        return { response, target: (made['repertorio'] = id(response, 'createRepertorio')) };
      },
    },
    {
      mutation: 'updateRepertorio',
      operation: 'repertorio.update',
      run: async (round) => ({
        response: await admin.request(UpdateRepertorioDocument, {
          id: made['repertorio'] ?? '',
          input: { name: `Serie rinominata ${round}` },
        }),
        target: made['repertorio'] ?? '',
      }),
    },
    {
      mutation: 'registerRepertorioEntry',
      operation: 'repertorio.register',
      run: async (round) => {
        const response = await rpa.request(RegisterRepertorioEntryDocument, {
          input: { repertorioId: made['repertorio'] ?? '', documentId: drafts[round - 1] ?? '' },
        });
        return { response, target: (made['entry'] = id(response, 'registerRepertorioEntry')) };
      },
    },
    {
      mutation: 'annulRepertorioEntry',
      operation: 'repertorio.annul',
      run: async () => ({
        response: await rgd.request(AnnulRepertorioEntryDocument, {
          input: { entryId: made['entry'] ?? '', reason: 'Errore materiale' },
        }),
        target: made['entry'] ?? '',
      }),
    },
    {
      mutation: 'deactivateRepertorio',
      operation: 'repertorio.deactivate',
      run: async () => ({
        response: await admin.request(DeactivateRepertorioDocument, { id: made['repertorio'] ?? '' }),
        target: made['repertorio'] ?? '',
      }),
    },
    {
      mutation: 'setSegnaturaSeal',
      operation: 'segnatura.seal.set',
      run: async (round) => {
        const pkcs12 = toPkcs12(
          generateDevelopmentSeal(`Sigillo ${round}`, 'Comune di Esempio', new Date()),
          'pw',
        );
        return {
          response: await rgd.request(SetSegnaturaSealDocument, {
            aooId: ids.aooId,
            input: { pkcs12, password: 'pw' },
          }),
          target: ids.aooId,
        };
      },
    },
    {
      mutation: 'generateDevelopmentSegnaturaSeal',
      operation: 'segnatura.seal.generate-development',
      run: async () => ({
        response: await admin.request(GenerateDevelopmentSegnaturaSealDocument, { aooId: ids.aooId }),
        target: ids.aooId,
      }),
    },
    {
      mutation: 'registerProtocol',
      operation: 'protocol.register',
      run: async (round) => {
        const response = await rgd.request(RegisterProtocolDocument, {
          input: {
            kind: 'ARRIVO',
            documentId: toRegister[round] ?? '',
            oggetto: `Istanza ${round}`,
            correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Verdi' }],
            // Paper: the workflow steps below include the RPA's presa in carico.
            meansOfTransmission: 'POSTA',
          },
        });
        return { response, target: (made['protocol'] = id(response, 'registerProtocol')) };
      },
    },
    {
      mutation: 'updateProtocolFields',
      operation: 'protocol.updateFields',
      run: async (round) => ({
        response: await rgd.request(UpdateProtocolFieldsDocument, {
          input: { id: made['protocol'] ?? '', documentType: `Istanza tipo ${round}` },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'annotateProtocol',
      operation: 'protocol.annotate',
      run: async (round) => ({
        response: await rgd.request(AnnotateProtocolDocument, {
          input: { id: made['protocol'] ?? '', text: `Nota ${round}` },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    // The workflow on the round's registration; the record's UOR/RPA following the prevalent
    // competence is protocollo's own audited change (protocol.updateFields), left out below.
    {
      mutation: 'smistaProtocol',
      operation: 'workflow.smista',
      run: async () => ({
        response: await rgd.request(SmistaProtocolDocument, {
          input: { recordId: made['protocol'] ?? '', competenza: [ids.uor['RAG'] ?? ''] },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'assignRpa',
      operation: 'workflow.assignRpa',
      run: async () => ({
        response: await rgd.request(AssignRpaDocument, {
          input: { assignmentId: await activeAssignment(), rpaId: ids.user['lettore'] ?? '' },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'takeInCharge',
      operation: 'workflow.takeInCharge',
      run: async () => ({
        response: await (
          await env.asUser('lettore')
        ).request(TakeInChargeDocument, { assignmentId: await activeAssignment() }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'returnAssignment',
      operation: 'workflow.return',
      run: async () => ({
        response: await (
          await env.asUser('lettore')
        ).request(ReturnAssignmentDocument, {
          input: { assignmentId: await activeAssignment(), note: 'Assente' },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'transferAssignment',
      operation: 'workflow.transfer',
      run: async () => ({
        response: await rgd.request(TransferAssignmentDocument, {
          input: { assignmentId: await activeAssignment(), toUorId: ids.uor['TEC'] ?? '' },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'rejectAssignment',
      operation: 'workflow.reject',
      run: async () => ({
        response: await rgd.request(RejectAssignmentDocument, {
          input: {
            assignmentId: await activeAssignment(),
            note: 'Non di competenza',
            suggestedUorId: ids.uor['RAG'] ?? '',
          },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'annulProtocol',
      operation: 'protocol.annul',
      run: async () => ({
        response: await rgd.request(AnnulProtocolDocument, {
          input: {
            id: made['protocol'] ?? '',
            reason: 'Errore materiale',
            authorisation: 'Provvedimento n. 1',
          },
        }),
        target: made['protocol'] ?? '',
      }),
    },
    {
      mutation: 'openEmergencyRegister',
      operation: 'emergenza.open',
      run: async () => {
        // Sessions follow one another: the second round's starts where the first's ended.
        const startedAt = new Date(made['emergencyEnd'] ?? Date.now() - 3_600_000);
        made['emergencyStart'] = startedAt.toISOString();
        const response = await rgd.request(OpenEmergencyRegisterDocument, {
          input: {
            aooId: ids.aooId,
            cause: 'Rete non disponibile',
            startedAt: startedAt.toISOString(),
            authorisation: 'Provvedimento RGD n. 1',
          },
        });
        return { response, target: (made['emergency'] = id(response, 'openEmergencyRegister')) };
      },
    },
    {
      // A further authorised period (001 §6.9), from the end of the opening's 24 hours.
      mutation: 'extendEmergencyRegister',
      operation: 'emergenza.extend',
      run: async () => ({
        response: await rgd.request(ExtendEmergencyRegisterDocument, {
          input: {
            id: made['emergency'] ?? '',
            authorisation: 'Provvedimento RGD n. 2',
            until: new Date(Date.parse(made['emergencyStart'] ?? '') + 48 * 3_600_000).toISOString(),
          },
        }),
        target: made['emergency'] ?? '',
      }),
    },
    {
      mutation: 'closeEmergencyRegister',
      operation: 'emergenza.close',
      run: async () => ({
        response: await rgd.request(CloseEmergencyRegisterDocument, {
          input: { id: made['emergency'] ?? '', endedAt: (made['emergencyEnd'] = new Date().toISOString()) },
        }),
        target: made['emergency'] ?? '',
      }),
    },
    {
      // Each imported record is also registered in the protocol: its own protocol.register row.
      mutation: 'importEmergencyRecords',
      operation: 'emergenza.import',
      run: async (round) => ({
        response: await rgd.request(ImportEmergencyRecordsDocument, {
          input: {
            registerId: made['emergency'] ?? '',
            format: 'JSON',
            content: JSON.stringify({
              records: [
                {
                  number: round,
                  at: new Date(Date.parse(made['emergencyStart'] ?? '') + 1).toISOString(),
                  kind: 'ARRIVO',
                  oggetto: `Istanza in emergenza ${round}`,
                  documentId: toImport[round],
                  correspondents: [{ kind: 'PERSONA_FISICA', nome: 'Anna', cognome: 'Verdi' }],
                },
              ],
            }),
          },
        }),
        target: made['emergency'] ?? '',
      }),
    },
    {
      mutation: 'createRaccoglitore',
      operation: 'raccoglitore.create',
      run: async (round) => {
        const response = await rpa.request(CreateRaccoglitoreDocument, {
          input: { uorId: ids.uor['RAG'] ?? '', name: `Raccoglitore ${round}` },
        });
        return { response, target: (made['raccoglitore'] = id(response, 'createRaccoglitore')) };
      },
    },
    {
      mutation: 'updateRaccoglitore',
      operation: 'raccoglitore.update',
      run: async (round) => ({
        response: await rpa.request(UpdateRaccoglitoreDocument, {
          id: made['raccoglitore'] ?? '',
          input: { description: `Descrizione ${round}` },
        }),
        target: made['raccoglitore'] ?? '',
      }),
    },
    {
      mutation: 'addDocumentToRaccoglitore',
      operation: 'raccoglitore.document-add',
      run: async () => ({
        response: await rpa.request(AddDocumentToRaccoglitoreDocument, {
          raccoglitoreId: made['raccoglitore'] ?? '',
          documentId: made['document'] ?? '',
        }),
        target: made['raccoglitore'] ?? '',
      }),
    },
    {
      mutation: 'removeDocumentFromRaccoglitore',
      operation: 'raccoglitore.document-remove',
      run: async () => ({
        response: await rpa.request(RemoveDocumentFromRaccoglitoreDocument, {
          raccoglitoreId: made['raccoglitore'] ?? '',
          documentId: made['document'] ?? '',
        }),
        target: made['raccoglitore'] ?? '',
      }),
    },
    {
      mutation: 'closeRaccoglitore',
      operation: 'raccoglitore.close',
      run: async () => ({
        response: await rpa.request(CloseRaccoglitoreDocument, { id: made['raccoglitore'] ?? '' }),
        target: made['raccoglitore'] ?? '',
      }),
    },
    {
      mutation: 'createCorrespondent',
      operation: 'correspondent.create',
      run: async (round) => {
        const response = await rgd.request(CreateCorrespondentDocument, {
          input: { aooId: ids.aooId, kind: 'PERSONA_FISICA', name: 'Mario', surname: `Rossi ${round}` },
        });
        return { response, target: (made['correspondent'] = id(response, 'createCorrespondent')) };
      },
    },
    {
      mutation: 'updateCorrespondent',
      operation: 'correspondent.update',
      run: async (round) => ({
        response: await rgd.request(UpdateCorrespondentDocument, {
          id: made['correspondent'] ?? '',
          input: { city: `Comune ${round}` },
        }),
        target: made['correspondent'] ?? '',
      }),
    },
    {
      mutation: 'deactivateCorrespondent',
      operation: 'correspondent.deactivate',
      run: async () => ({
        response: await rgd.request(DeactivateCorrespondentDocument, { id: made['correspondent'] ?? '' }),
        target: made['correspondent'] ?? '',
      }),
    },
    {
      mutation: 'reactivateCorrespondent',
      operation: 'correspondent.reactivate',
      run: async () => ({
        response: await rgd.request(ReactivateCorrespondentDocument, { id: made['correspondent'] ?? '' }),
        target: made['correspondent'] ?? '',
      }),
    },
    {
      mutation: 'importIpaCorrespondents',
      operation: 'correspondent.import-ipa',
      run: async (round) => ({
        response: await rgd.request(ImportIpaCorrespondentsDocument, {
          input: { aooId: ids.aooId, content: `cod_amm\tdes_amm\nc_audit${round}\tEnte ${round}` },
        }),
        target: ids.aooId,
      }),
    },
    {
      mutation: 'createTitolarioDraft',
      operation: 'titolario.draft.create',
      run: async (round) => {
        const response = await admin.request(CreateTitolarioDraftDocument, {
          input: { aooId: ids.aooId, label: `Titolario ${round}`, validFrom: `${2100 + 2 * round}-01-01` },
        });
        made['titolario'] = id(response, 'createTitolarioDraft');
        return { response, target: made['titolario'] };
      },
    },
    {
      mutation: 'createTitolarioDraft',
      operation: 'titolario.draft.create',
      run: async (round) => {
        const response = await admin.request(CreateTitolarioDraftDocument, {
          input: { aooId: ids.aooId, label: `Bozza ${round}`, validFrom: `${2101 + 2 * round}-01-01` },
        });
        made['titolarioDiscarded'] = id(response, 'createTitolarioDraft');
        return { response, target: made['titolarioDiscarded'] };
      },
    },
    {
      mutation: 'updateTitolarioDraft',
      operation: 'titolario.draft.update',
      run: async (round) => ({
        response: await admin.request(UpdateTitolarioDraftDocument, {
          input: { versionId: made['titolario'] ?? '', label: `Titolario rivisto ${round}` },
        }),
        target: made['titolario'] ?? '',
      }),
    },
    {
      mutation: 'addTitolarioNode',
      operation: 'titolario.node.add',
      run: async () => {
        const response = await admin.request(AddTitolarioNodeDocument, {
          input: { versionId: made['titolario'] ?? '', code: 'I', description: 'Amministrazione generale' },
        });
        made['titolo'] = id(response, 'addTitolarioNode');
        return { response, target: made['titolo'] };
      },
    },
    {
      mutation: 'addTitolarioNode',
      operation: 'titolario.node.add',
      run: async () => {
        const response = await admin.request(AddTitolarioNodeDocument, {
          input: {
            versionId: made['titolario'] ?? '',
            parentId: made['titolo'],
            code: '1',
            description: 'Leggi',
          },
        });
        made['classe'] = id(response, 'addTitolarioNode');
        return { response, target: made['classe'] };
      },
    },
    {
      mutation: 'updateTitolarioNode',
      operation: 'titolario.node.update',
      run: async (round) => ({
        response: await admin.request(UpdateTitolarioNodeDocument, {
          input: { nodeId: made['titolo'] ?? '', description: `Amministrazione generale ${round}` },
        }),
        target: made['titolo'] ?? '',
      }),
    },
    {
      mutation: 'removeTitolarioNode',
      operation: 'titolario.node.remove',
      run: async () => ({
        response: await admin.request(RemoveTitolarioNodeDocument, { nodeId: made['classe'] ?? '' }),
        target: made['classe'] ?? '',
      }),
    },
    {
      mutation: 'addTitolarioIndexTerm',
      operation: 'titolario.index-term.add',
      run: async () => {
        const response = await admin.request(AddTitolarioIndexTermDocument, {
          input: { nodeId: made['titolo'] ?? '', term: 'Statuto', variants: ['statuto comunale'] },
        });
        made['indexTerm'] = id(response, 'addTitolarioIndexTerm');
        return { response, target: made['indexTerm'] };
      },
    },
    {
      mutation: 'updateTitolarioIndexTerm',
      operation: 'titolario.index-term.update',
      run: async () => ({
        response: await admin.request(UpdateTitolarioIndexTermDocument, {
          input: { indexTermId: made['indexTerm'] ?? '', variants: ['statuto del comune'] },
        }),
        target: made['indexTerm'] ?? '',
      }),
    },
    {
      mutation: 'removeTitolarioIndexTerm',
      operation: 'titolario.index-term.remove',
      run: async () => ({
        response: await admin.request(RemoveTitolarioIndexTermDocument, {
          indexTermId: made['indexTerm'] ?? '',
        }),
        target: made['indexTerm'] ?? '',
      }),
    },
    {
      mutation: 'publishTitolarioVersion',
      operation: 'titolario.version.publish',
      run: async () => ({
        response: await admin.request(PublishTitolarioVersionDocument, {
          input: { versionId: made['titolario'] ?? '', approvalAct: 'Delibera di Giunta n. 1' },
        }),
        target: made['titolario'] ?? '',
      }),
    },
    {
      mutation: 'importTitolario',
      operation: 'titolario.import',
      run: async (round) => {
        const response = await admin.request(ImportTitolarioDocument, {
          input: {
            aooId: ids.aooId,
            label: `Importato ${round}`,
            validFrom: `${2200 + round}-01-01`,
            format: 'CSV',
            content:
              'kind,fullCode,description,term,variants\nnode,I,Amministrazione generale,,\nindexTerm,I,,Statuto,\n',
          },
        });
        return { response, target: id(response, 'importTitolario') };
      },
    },
    {
      mutation: 'deleteTitolarioDraft',
      operation: 'titolario.draft.delete',
      run: async () => ({
        response: await admin.request(DeleteTitolarioDraftDocument, {
          versionId: made['titolarioDiscarded'] ?? '',
        }),
        target: made['titolarioDiscarded'] ?? '',
      }),
    },
    {
      mutation: 'openFascicolo',
      operation: 'fascicolo.open',
      run: async (round) => {
        const response = await rpa.request(OpenFascicoloDocument, {
          input: {
            classificationId: classes['VI/3/1'] ?? '',
            kind: 'AFFARE',
            oggetto: `Pratica ${round}`,
            uorId: ids.uor['FIN'] ?? '',
            rpaId: ids.user['rpa.ragioneria'] ?? '',
          },
        });
        return { response, target: (made['fascicolo'] = id(response, 'openFascicolo')) };
      },
    },
    {
      mutation: 'openSottofascicolo',
      operation: 'fascicolo.open',
      run: async (round) => {
        const response = await rpa.request(OpenSottofascicoloDocument, {
          input: { parentId: made['fascicolo'] ?? '', oggetto: `Sottofascicolo ${round}` },
        });
        return { response, target: (made['sottofascicolo'] = id(response, 'openSottofascicolo')) };
      },
    },
    {
      mutation: 'fileDocument',
      operation: 'fascicolo.file-document',
      run: async (round) => ({
        response: await rpa.request(FileDocumentDocument, {
          input: { fascicoloId: made['fascicolo'] ?? '', documentId: filed[round] ?? '' },
        }),
        target: made['fascicolo'] ?? '',
      }),
    },
    {
      mutation: 'unfileDocument',
      operation: 'fascicolo.unfile-document',
      run: async (round) => ({
        response: await rpa.request(UnfileDocumentDocument, {
          fascicoloId: made['fascicolo'] ?? '',
          documentId: filed[round] ?? '',
        }),
        target: made['fascicolo'] ?? '',
      }),
    },
    {
      mutation: 'transferFascicolo',
      operation: 'fascicolo.transfer',
      run: async () => ({
        response: await rpa.request(TransferFascicoloDocument, {
          input: {
            fascicoloId: made['fascicolo'] ?? '',
            uorId: ids.uor['RAG'] ?? '',
            rpaId: ids.user['lettore'] ?? '',
          },
        }),
        target: made['fascicolo'] ?? '',
      }),
    },
    {
      mutation: 'closeFascicolo',
      operation: 'fascicolo.close',
      run: async () => ({
        response: await rpa.request(CloseFascicoloDocument, { id: made['sottofascicolo'] ?? '' }),
        target: made['sottofascicolo'] ?? '',
      }),
    },
    {
      mutation: 'closeFascicolo',
      operation: 'fascicolo.close',
      run: async () => ({
        response: await rpa.request(CloseFascicoloDocument, { id: made['fascicolo'] ?? '' }),
        target: made['fascicolo'] ?? '',
      }),
    },
    {
      mutation: 'reopenFascicolo',
      operation: 'fascicolo.reopen',
      run: async () => ({
        response: await rgd.request(ReopenFascicoloDocument, {
          id: made['fascicolo'] ?? '',
          reason: 'Riesame',
        }),
        target: made['fascicolo'] ?? '',
      }),
    },
    {
      mutation: 'classifyDocument',
      operation: 'document.classify',
      run: async (round) => ({
        response: await rpa.request(ClassifyDocumentDocument, {
          input: { documentId: filed[round] ?? '', classificationId: classes['VI/3/1'] ?? '' },
        }),
        target: filed[round] ?? '',
      }),
    },
  ];

  it('names every mutation of the schema', async () => {
    const r = await admin.data(MutationFieldsDocument);
    const inSchema = (r.__schema.mutationType?.fields ?? []).map((f) => f.name).sort();
    assert.deepEqual([...new Set(steps.map((s) => s.mutation))].sort(), inSchema);
  });

  it('each mutation, each time, adds one row with its operation, target, actor and request', async () => {
    for (const round of [1, 2]) {
      for (const step of steps) {
        const [{ last }] = await sql<{ last: string }>(
          env,
          'select coalesce(max(id), 0) as last from audit_event',
        );
        const { response, target } = await step.run(round);
        assert.equal(response.errors, undefined, `${step.mutation} (round ${round})`);
        const rows = await sql<{
          operation: string;
          target_id: string;
          actor_username: string;
          request_id: string;
        }>(
          env,
          'select operation, target_id, actor_username, request_id from audit_event where id > $1 order by id',
          [last],
        );
        // An upload through POST /files inside the step is its own audited change: leave it out.
        const own = rows.filter(
          (row) =>
            (row.operation !== 'file.upload' || step.mutation === 'commitUpload') &&
            (row.operation !== 'protocol.register' || step.mutation !== 'importEmergencyRecords') &&
            (row.operation !== 'protocol.updateFields' || !step.operation.startsWith('workflow.')),
        );
        assert.equal(own.length, 1, `${step.operation} (round ${round}): ${JSON.stringify(own)}`);
        assert.equal(own[0]?.operation, step.operation);
        assert.equal(own[0]?.target_id, target, step.operation);
        assert.ok(own[0]?.actor_username, step.operation);
        assert.ok(own[0]?.request_id, step.operation);
      }
    }
  });

  it('a refused mutation writes no row', async () => {
    const [{ last }] = await sql<{ last: string }>(
      env,
      'select coalesce(max(id), 0) as last from audit_event',
    );
    const refused = await rpa.request(UpdateUorDocument, { id: ids.uor['RAG'] ?? '', input: { name: 'x' } });
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const missing = await admin.request(UpdateUorDocument, { id: randomUUID(), input: { name: 'x' } });
    assert.equal(missing.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.deepEqual(await sql(env, 'select operation from audit_event where id > $1', [last]), []);
  });
});
