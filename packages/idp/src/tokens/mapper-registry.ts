import type { ProtocolMapper } from './mapper-context.ts';
import { fullNameMapper, userAttributeMapper, userPropertyMapper } from './mappers/user-mappers.ts';
import {
  audienceMapper,
  audienceResolveMapper,
  clientRoleMapper,
  realmRoleMapper,
} from './mappers/role-mappers.ts';
import {
  acrMapper,
  allowedOriginsMapper,
  hardcodedClaimMapper,
  sessionNoteMapper,
  subMapper,
} from './mappers/session-mappers.ts';

/** Keycloak protocol mapper ids the idp implements. Others are ignored with a warning at start. */
export const MAPPERS: Readonly<Record<string, ProtocolMapper>> = Object.freeze({
  'oidc-usermodel-attribute-mapper': userAttributeMapper,
  'oidc-usermodel-property-mapper': userPropertyMapper,
  'oidc-full-name-mapper': fullNameMapper,
  'oidc-usermodel-realm-role-mapper': realmRoleMapper,
  'oidc-usermodel-client-role-mapper': clientRoleMapper,
  'oidc-audience-mapper': audienceMapper,
  'oidc-audience-resolve-mapper': audienceResolveMapper,
  'oidc-hardcoded-claim-mapper': hardcodedClaimMapper,
  'oidc-usersessionmodel-note-mapper': sessionNoteMapper,
  'oidc-sub-mapper': subMapper,
  'oidc-acr-mapper': acrMapper,
  'oidc-allowed-origins-mapper': allowedOriginsMapper,
});

/** Runs after every other mapper, like Keycloak's priority ordering does for audience resolution. */
export const LATE_MAPPERS = new Set(['oidc-audience-resolve-mapper']);
