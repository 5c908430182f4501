import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Idp, ProtocolMapperRep, RealmRep } from '../index.ts';
import { decodeJwt, oidcUrl, postForm, startTestIdp } from '../testing/index.ts';

const attribute = (claim: string, attr: string, type: string, multivalued = false): ProtocolMapperRep => ({
  name: claim,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-usermodel-attribute-mapper',
  config: {
    'user.attribute': attr,
    'claim.name': claim,
    'jsonType.label': type,
    multivalued: String(multivalued),
    'access.token.claim': 'true',
  },
});

const realm: RealmRep = {
  realm: 'mappers',
  users: [
    {
      username: 'typed',
      enabled: true,
      attributes: {
        tags: ['red', 'green'],
        age: ['42'],
        level: ['7'],
        prefs: ['{"theme":"dark","size":2}'],
        flags: ['true', 'FALSE'],
        garbage: ['12abc'],
      },
      credentials: [{ type: 'password', value: 'typed-password', temporary: false }],
    },
  ],
  clients: [
    {
      clientId: 'mapper-cli',
      publicClient: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: true,
      defaultClientScopes: ['basic'],
      protocolMappers: [
        attribute('tags', 'tags', 'String', true),
        attribute('first_tag', 'tags', 'String'),
        attribute('age', 'age', 'long'),
        attribute('nested.level', 'level', 'int'),
        attribute('prefs', 'prefs', 'JSON'),
        attribute('flags', 'flags', 'boolean', true),
        attribute('garbage', 'garbage', 'long'),
      ],
    },
  ],
};

/** `oidc-usermodel-attribute-mapper` with each `jsonType.label` and `multivalued`, as Keycloak maps them. */
describe('user attribute mapper types', { timeout: 30_000 }, () => {
  let idp: Idp;
  let claims: Record<string, unknown>;
  before(async () => {
    idp = await startTestIdp({ realmFiles: [], realms: [realm] });
    const res = await postForm(oidcUrl(idp, 'token', 'mappers'), {
      grant_type: 'password',
      client_id: 'mapper-cli',
      username: 'typed',
      password: 'typed-password',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    claims = decodeJwt(res.body.access_token as string).payload;
  });
  after(() => idp.close());

  test('multivalued gives an array of every value; single-valued the first one', () => {
    assert.deepEqual(claims.tags, ['red', 'green']);
    assert.equal(claims.first_tag, 'red');
  });

  test('long and int are numbers; a dotted claim name nests', () => {
    assert.equal(claims.age, 42);
    assert.deepEqual(claims.nested, { level: 7 });
  });

  test('JSON is parsed; boolean follows Boolean.valueOf, value by value when multivalued', () => {
    assert.deepEqual(claims.prefs, { theme: 'dark', size: 2 });
    assert.deepEqual(claims.flags, [true, false]);
  });

  test('a value that cannot be a long writes no claim and does not fail the token', () => {
    assert.equal('garbage' in claims, false);
  });
});
