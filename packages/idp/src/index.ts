export { startIdp, type Idp, type StartIdpOptions } from './start-idp.ts';
export {
  IdpError,
  OAuthError,
  DEFAULT_COMPAT,
  IDP_ERROR_CODES,
  type CompatOptions,
  type IdpErrorCode,
} from './errors.ts';
export type {
  RealmRep,
  UserRep,
  ClientRep,
  ClientScopeRep,
  RoleRep,
  ProtocolMapperRep,
} from './realm/representation.ts';
export { loadRealmFiles } from './realm/load-realm-files.ts';
export type { TokenRequestCount } from './stats.ts';
export { DEFAULT_SCRYPT, type ScryptParams } from './password/scrypt.ts';
