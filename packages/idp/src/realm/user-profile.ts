import type { RealmRep } from './representation.ts';
import type { UserProfile } from './model.ts';

const PROVIDER = 'org.keycloak.userprofile.UserProfileProvider';

/**
 * Reads the declarative user profile (`kc.user.profile.config`, a JSON string inside the
 * UserProfileProvider component, as Keycloak 24+ exports it). Since KC 24 an attribute that is not
 * declared is "unmanaged" and, without `unmanagedAttributePolicy`, not available to mappers — the
 * reason the realm declares `canCheckout` (deploy/keycloak/README.md).
 */
export function readUserProfile(rep: RealmRep): UserProfile | undefined {
  const component = rep.components?.[PROVIDER]?.[0];
  const raw = component?.config?.['kc.user.profile.config']?.[0];
  if (!raw) return undefined;
  const config = JSON.parse(raw) as { attributes?: { name?: string }[]; unmanagedAttributePolicy?: string };
  return {
    declared: new Set((config.attributes ?? []).map((a) => a.name).filter((n): n is string => !!n)),
    unmanagedAttributePolicy: config.unmanagedAttributePolicy,
  };
}

/** Root attributes are always managed. */
const ROOT = new Set(['username', 'email', 'firstName', 'lastName']);

export function isAttributeVisible(profile: UserProfile | undefined, name: string): boolean {
  if (!profile || ROOT.has(name) || profile.declared.has(name)) return true;
  return profile.unmanagedAttributePolicy !== undefined;
}
