import type { Realm } from '../realm/model.ts';

/** Removes a role and every reference to it: mappings, composites, role scopes. */
export function forgetRole(realm: Realm, key: string): void {
  realm.roles.delete(key);
  for (const user of realm.users.values()) user.roleKeys.delete(key);
  for (const role of realm.roles.values()) {
    role.composites = role.composites.filter((k) => k !== key);
    role.composite = role.composites.length > 0;
  }
  for (const holder of [...realm.clients.values(), ...realm.scopes.values()])
    holder.scopeRoleKeys.delete(key);
}
