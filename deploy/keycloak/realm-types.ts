/**
 * Type-checks the realm files against Keycloak's own RealmRepresentation (from
 * @keycloak/keycloak-admin-client), so a misspelt or mistyped field fails `npm run typecheck`.
 * Imported by packages/idp/src/realm/realm-files.test.ts, which also loads them at run time.
 */
import type RealmRepresentation from '@keycloak/keycloak-admin-client/lib/defs/realmRepresentation.js';
import techstore from './techstore-realm.json' with { type: 'json' };
import devUsers from './dev-users.json' with { type: 'json' };

/**
 * The admin client types `components` (and a component's `config`) as maps of single values, but
 * Keycloak serialises MultivaluedHashMaps — maps of arrays — in exports and reads them on import
 * (ComponentExportRepresentation in Keycloak's Java code); only that field is corrected here.
 */
interface ComponentFile {
  id?: string;
  name?: string;
  providerId?: string;
  subType?: string;
  subComponents?: Record<string, ComponentFile[]>;
  config?: Record<string, string[]>;
}
type RealmFile = Omit<RealmRepresentation, 'components'> & { components?: Record<string, ComponentFile[]> };

export const techstoreRealm: RealmFile = techstore;
export const devUsersRealm: RealmRepresentation = devUsers;

/** JSON imports are not "fresh" object literals, so excess-property checks are spelled out: a misspelt field is an error. */
type NoExtra<T, S> = T & { [K in Exclude<keyof T, keyof S>]: never };
type ClientRep = NonNullable<RealmRepresentation['clients']>[number];
type UserRep = NonNullable<RealmRepresentation['users']>[number];
type ScopeRep = NonNullable<RealmRepresentation['clientScopes']>[number];

export const exactRealm: NoExtra<typeof techstore, RealmFile> = techstore;
export const exactClients: NoExtra<(typeof techstore.clients)[number], ClientRep>[] = techstore.clients;
export const exactUsers: NoExtra<(typeof techstore.users)[number], UserRep>[] = techstore.users;
export const exactScopes: NoExtra<(typeof techstore.clientScopes)[number], ScopeRep>[] =
  techstore.clientScopes;
export const exactDevRealm: NoExtra<typeof devUsers, RealmRepresentation> = devUsers;
export const exactDevUsers: NoExtra<(typeof devUsers.users)[number], UserRep>[] = devUsers.users;
export const exactDevClients: NoExtra<(typeof devUsers.clients)[number], ClientRep>[] = devUsers.clients;
