import {
  AddMembershipDocument,
  CreateAdministrationDocument,
  CreateAooDocument,
  CreateUorDocument,
  CreateUserDocument,
  type Profile,
} from '../../clients/sdk/generated/graphql.js';
import type { GraphqlClient } from './graphql-client.js';

export interface SecondAoo {
  administrationId: string;
  aooId: string;
  uorId: string;
}

/**
 * A second administration with one AOO and one UOR, made through the admin API by a platform
 * administrator (the demo `admin`): the other side of every AOO-boundary test.
 */
export async function createSecondAoo(
  admin: GraphqlClient,
  names: { ipaCode: string; aooCode: string; uorCode: string } = {
    ipaCode: 'c_altrove',
    aooCode: 'AALTR01',
    uorCode: 'PROT',
  },
): Promise<SecondAoo> {
  const adm = await admin.data(CreateAdministrationDocument, {
    input: { ipaCode: names.ipaCode, name: 'Comune di Altrove' },
  });
  const aoo = await admin.data(CreateAooDocument, {
    input: {
      administrationId: adm.createAdministration.id,
      code: names.aooCode,
      name: 'AOO Altrove',
      pecAddress: 'protocollo@pec.altrove.it',
      registerCode: 'REG',
    },
  });
  const uor = await admin.data(CreateUorDocument, {
    input: { aooId: aoo.createAoo.id, code: names.uorCode, name: 'Ufficio' },
  });
  return { administrationId: adm.createAdministration.id, aooId: aoo.createAoo.id, uorId: uor.createUor.id };
}

/** A user created in an AOO and given a profile in a UOR of it; returns the user id. */
export async function createMember(
  admin: GraphqlClient,
  aooId: string,
  uorId: string,
  username: string,
  profile: Profile,
): Promise<string> {
  const user = await admin.data(CreateUserDocument, {
    input: { aooId, username, givenName: 'Nome', familyName: 'Cognome' },
  });
  await addMembership(admin, user.createUser.id, uorId, profile);
  return user.createUser.id;
}

export async function addMembership(
  admin: GraphqlClient,
  userId: string,
  uorId: string,
  profile: Profile,
): Promise<string> {
  const m = await admin.data(AddMembershipDocument, { input: { userId, uorId, profile } });
  return m.addMembership.id;
}
