/** The development users of deploy/keycloak/dev-users.json (README "Demo users"). */
export const USERS = {
  admin: { username: 'admin', password: 'admin123' },
  mario: { username: 'mario', password: 'mario123' },
  luigi: { username: 'luigi', password: 'luigi123' },
  blocked: { username: 'blocked', password: 'blocked123' },
} as const;

export type UserName = keyof typeof USERS;
