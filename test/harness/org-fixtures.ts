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
  const adm = await admin.data<{ createAdministration: { id: string } }>(
    'mutation($ipa: String!) { createAdministration(input: { ipaCode: $ipa, name: "Comune di Altrove" }) { id } }',
    { ipa: names.ipaCode },
  );
  const aoo = await admin.data<{ createAoo: { id: string } }>(
    'mutation($a: ID!, $c: String!) { createAoo(input: { administrationId: $a, code: $c, name: "AOO Altrove", pecAddress: "protocollo@pec.altrove.it", registerCode: "REG" }) { id } }',
    { a: adm.createAdministration.id, c: names.aooCode },
  );
  const uor = await admin.data<{ createUor: { id: string } }>(
    'mutation($a: ID!, $c: String!) { createUor(input: { aooId: $a, code: $c, name: "Ufficio" }) { id } }',
    { a: aoo.createAoo.id, c: names.uorCode },
  );
  return { administrationId: adm.createAdministration.id, aooId: aoo.createAoo.id, uorId: uor.createUor.id };
}

/** A user created in an AOO and given a profile in a UOR of it; returns the user id. */
export async function createMember(
  admin: GraphqlClient,
  aooId: string,
  uorId: string,
  username: string,
  profile: string,
): Promise<string> {
  const user = await admin.data<{ createUser: { id: string } }>(
    'mutation($a: ID!, $u: String!) { createUser(input: { aooId: $a, username: $u, givenName: "Nome", familyName: "Cognome" }) { id } }',
    { a: aooId, u: username },
  );
  await addMembership(admin, user.createUser.id, uorId, profile);
  return user.createUser.id;
}

export async function addMembership(
  admin: GraphqlClient,
  userId: string,
  uorId: string,
  profile: string,
): Promise<string> {
  const m = await admin.data<{ addMembership: { id: string } }>(
    `mutation($u: ID!, $o: ID!) { addMembership(input: { userId: $u, uorId: $o, profile: ${profile} }) { id } }`,
    { u: userId, o: uorId },
  );
  return m.addMembership.id;
}
