import type { Client, ClientScope, Realm, User } from '../realm/model.ts';
import type { ProtocolMapperRep } from '../realm/representation.ts';
import type { Claims } from './claims.ts';

export type TokenKind = 'access' | 'id' | 'userinfo' | 'introspection';

/** Everything a protocol mapper may read. */
export interface MapperContext {
  realm: Realm;
  client: Client;
  user: User;
  sessionNotes: Record<string, string>;
  scopes: ClientScope[];
  /** Effective role keys of the user limited to the client's role scope. */
  roleKeys: Set<string>;
  acr: string;
  warn: (message: string) => void;
}

export type ProtocolMapper = (claims: Claims, config: Record<string, string>, ctx: MapperContext) => void;

/** Whether a mapper writes into the given kind of token (`*.token.claim` config keys). */
export function mapperApplies(mapper: ProtocolMapperRep, kind: TokenKind, lightweight: boolean): boolean {
  const config = mapper.config ?? {};
  if (lightweight && kind === 'access' && config['lightweight.claim'] !== 'true') return false;
  switch (kind) {
    case 'access':
      return config['access.token.claim'] === 'true';
    case 'id':
      return config['id.token.claim'] === 'true';
    case 'userinfo':
      return config['userinfo.token.claim'] === 'true';
    case 'introspection':
      return config['introspection.token.claim'] !== 'false';
  }
}
