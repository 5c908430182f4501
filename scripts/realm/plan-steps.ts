import type { MapperState, RoleState } from './realm-state.ts';

/** The steps of a plan (see compute-plan.ts): plain data, printed by print-plan.ts, run by apply-plan.ts. */

export type StepKind =
  | 'realm'
  | 'realm-role'
  | 'client-scope'
  | 'client'
  | 'client-role'
  | 'mapper'
  | 'composites'
  | 'client-scopes'
  | 'scope-mappings'
  | 'service-account-roles'
  | 'client-secret';

export type Owner = { type: 'client' | 'client-scope'; name: string };

export type Payload =
  | { kind: 'realm'; fields: Record<string, unknown> }
  | { kind: 'realm-role'; role: RoleState }
  | { kind: 'client-scope'; name: string; settings: Record<string, unknown> }
  | {
      kind: 'client';
      clientId: string;
      settings: Record<string, unknown>;
      defaultScopes: string[];
      optionalScopes: string[];
    }
  | { kind: 'client-role'; clientId: string; role: RoleState }
  | { kind: 'mapper'; owner: Owner; mapper: MapperState }
  | { kind: 'composites'; role: string; keys: string[] }
  | { kind: 'client-scopes'; clientId: string; list: 'default' | 'optional'; scopes: string[] }
  | { kind: 'scope-mappings'; owner: Owner; keys: string[] }
  | { kind: 'service-account-roles'; clientId: string; keys: string[] }
  | { kind: 'client-secret'; clientId: string; secret: string };

export interface Change {
  field: string;
  before?: unknown;
  after?: unknown;
  /** A secret: the change is named, its values never kept in the plan's printable part. */
  hidden?: boolean;
}

export interface Step {
  action: 'create' | 'update' | 'add' | 'remove' | 'delete' | 'set';
  /** What the step is about, e.g. `client gateway`, `mapper shop-api-audience/shop-api audience`. */
  target: string;
  changes: Change[];
  /** What apply sends; may hold a secret, so printers never show it. */
  payload: Payload;
}

export interface Plan {
  realm: string;
  /** The realm does not exist yet: apply creates it empty first. */
  createRealm: boolean;
  steps: Step[];
  /** Objects compared and found as the file wants them. */
  unchanged: number;
}

/** Keycloak's own clients, scopes and roles of every realm: never pruned, never audited as ours. */
export const BUILTIN_CLIENTS = [
  'account',
  'account-console',
  'admin-cli',
  'broker',
  'realm-management',
  'security-admin-console',
];
export const BUILTIN_SCOPES = [
  'acr',
  'AuthnContextClassRef',
  'address',
  'basic',
  'email',
  'microprofile-jwt',
  'offline_access',
  'organization',
  'phone',
  'profile',
  'role_list',
  'roles',
  'saml_organization',
  'service_account',
  'web-origins',
];
export const isBuiltinRealmRole = (name: string) =>
  ['offline_access', 'uma_authorization'].includes(name) || name.startsWith('default-roles-');
