import { convertClaimValue, setClaim } from '../claims.ts';
import type { ProtocolMapper } from '../mapper-context.ts';
import { webOriginsOf } from '../../oidc/cors.ts';

/** `oidc-usersessionmodel-note-mapper`: a user-session note → claim (AUTH_TIME, client_id, clientHost …). */
export const sessionNoteMapper: ProtocolMapper = (claims, config, ctx) => {
  const note = config['user.session.note'];
  const claim = config['claim.name'];
  if (!note || !claim) return;
  const value = ctx.sessionNotes[note];
  if (value === undefined) return;
  setClaim(claims, claim, convertClaimValue(value, config['jsonType.label']));
};

/** `oidc-hardcoded-claim-mapper`. */
export const hardcodedClaimMapper: ProtocolMapper = (claims, config) => {
  const claim = config['claim.name'];
  if (!claim || config['claim.value'] === undefined) return;
  setClaim(claims, claim, convertClaimValue(config['claim.value'], config['jsonType.label']));
};

/** `oidc-sub-mapper` (basic scope, KC ≥ 25). */
export const subMapper: ProtocolMapper = (claims, _config, ctx) => {
  claims.sub = ctx.user.id;
};

/** `oidc-acr-mapper`: "1" after an interactive login, "0" for SSO re-use. */
export const acrMapper: ProtocolMapper = (claims, _config, ctx) => {
  claims.acr = ctx.acr;
};

/** `oidc-allowed-origins-mapper`: the client's web origins, `+` expanded to the redirect-URI origins. */
export const allowedOriginsMapper: ProtocolMapper = (claims, _config, ctx) => {
  const origins = webOriginsOf(ctx.client);
  if (origins.size > 0) claims['allowed-origins'] = [...origins];
};
