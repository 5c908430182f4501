import type { User } from '../../realm/model.ts';
import { isAttributeVisible } from '../../realm/user-profile.ts';
import { convertClaimValue, setClaim } from '../claims.ts';
import type { ProtocolMapper } from '../mapper-context.ts';

const ROOT_ATTRIBUTES: Record<string, (u: User) => string | undefined> = {
  username: (u) => u.username,
  email: (u) => u.email,
  firstName: (u) => u.firstName,
  lastName: (u) => u.lastName,
};

/**
 * `oidc-usermodel-attribute-mapper`: a user attribute → claim. Nothing is written when the
 * attribute has no value. With `multivalued` the claim is an array of converted values; without
 * it the first value is used (Keycloak logs a warning when there are several).
 */
export const userAttributeMapper: ProtocolMapper = (claims, config, ctx) => {
  const name = config['user.attribute'];
  const claim = config['claim.name'];
  if (!name || !claim) return;
  const root = ROOT_ATTRIBUTES[name];
  let values: string[];
  if (root) {
    const v = root(ctx.user);
    values = v === undefined ? [] : [v];
  } else {
    if (!isAttributeVisible(ctx.realm.userProfile, name)) return;
    values = ctx.user.attributes[name] ?? [];
  }
  if (values.length === 0) return;
  const type = config['jsonType.label'];
  if (config.multivalued === 'true') {
    setClaim(
      claims,
      claim,
      values.map((v) => convertClaimValue(v, type)),
      true,
    );
    return;
  }
  if (values.length > 1)
    ctx.warn(`attribute ${name} of user ${ctx.user.id} has several values; mapper uses the first`);
  setClaim(claims, claim, convertClaimValue(values[0], type));
};

const PROPERTIES: Record<string, (u: User) => unknown> = {
  ...ROOT_ATTRIBUTES,
  emailVerified: (u) => u.emailVerified,
  enabled: (u) => u.enabled,
  id: (u) => u.id,
  createdTimestamp: (u) => u.createdTimestamp,
};

/** `oidc-usermodel-property-mapper`: a UserModel property (e.g. emailVerified → email_verified). */
export const userPropertyMapper: ProtocolMapper = (claims, config, ctx) => {
  const read = PROPERTIES[config['user.attribute'] ?? ''];
  const claim = config['claim.name'];
  if (!read || !claim) return;
  const value = read(ctx.user);
  if (value === undefined || value === null) return;
  setClaim(claims, claim, convertClaimValue(value, config['jsonType.label']));
};

/** `oidc-full-name-mapper`: `name` = "First Last"; absent when the user has neither. */
export const fullNameMapper: ProtocolMapper = (claims, _config, ctx) => {
  const name = [ctx.user.firstName, ctx.user.lastName].filter(Boolean).join(' ');
  if (name) claims.name = name;
};
