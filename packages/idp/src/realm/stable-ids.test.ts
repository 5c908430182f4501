import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { devUsersRealm, techstoreRealm } from '../../../../deploy/keycloak/realm-types.ts';
import type { Idp } from '../index.ts';
import { decodeJwt, oidcUrl, postForm, REALM_FILE, startTestIdp } from '../testing/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function subOf(idp: Idp, username: string, password: string): Promise<string> {
  const res = await postForm(oidcUrl(idp, 'token'), {
    grant_type: 'password',
    client_id: 'techstore-cli',
    username,
    password,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return decodeJwt(res.body.access_token as string).payload.sub as string;
}

async function subAcrossRestart(
  extra: Parameters<typeof startTestIdp>[0],
  username: string,
  password: string,
) {
  const subs: string[] = [];
  for (let run = 0; run < 2; run++) {
    const idp = await startTestIdp(extra);
    try {
      subs.push(await subOf(idp, username, password));
    } finally {
      await idp.close();
    }
  }
  return subs;
}

/** A user's `sub` is what services store orders and carts by: it must not change when the idp restarts. */
describe('stable user ids', { timeout: 30_000 }, () => {
  test('every user of the realm files carries a fixed UUID id, none twice', () => {
    const ids = [...(techstoreRealm.users ?? []), ...(devUsersRealm.users ?? [])].map((u) => u.id);
    for (const id of ids) assert.match(String(id), UUID);
    assert.equal(new Set(ids).size, ids.length);
  });

  test("mario's sub is the same after a restart, and is the id of the dev-users file", async () => {
    const [first, second] = await subAcrossRestart({}, 'mario', 'mario123');
    assert.equal(first, second);
    assert.equal(first, devUsersRealm.users?.find((u) => u.username === 'mario')?.id);
  });

  test('a user declared without an id gets the same id on every start, derived from realm and username', async () => {
    const withoutIds = {
      ...structuredClone(devUsersRealm),
      users: devUsersRealm.users?.map(({ id: _id, ...user }) => user),
    };
    const extra = { realmFiles: [REALM_FILE], realms: [withoutIds as never] };
    const [first, second] = await subAcrossRestart(extra, 'mario', 'mario123');
    assert.match(first as string, UUID);
    assert.equal(first, second);
    const [luigi] = await subAcrossRestart(extra, 'luigi', 'luigi123');
    assert.notEqual(luigi, first, 'another username, another id');
  });
});
