import type { Database } from '../db/index.ts';
import { createTestDatabase } from './test-database.ts';

/** What the harness needs of a token issuer; @mockmart/auth/testing's `TestIssuer` fits as is. */
export interface HarnessIssuer {
  serviceToken(options: {
    clientId: string;
    audience: string;
    clientRoles: Record<string, string[]>;
  }): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessApp {
  ready(): PromiseLike<unknown>;
  close(): PromiseLike<unknown>;
}

export interface ServiceHarnessOptions<App extends HarnessApp, Issuer extends HarnessIssuer> {
  /** The service's client id: the audience of the tokens and the owner of `roles`. */
  clientId: string;
  /** The roles the caller's ready-made token holds (usually every role of the service). */
  roles: string[];
  /** The service account the ready-made token is issued to. Default 'shop-api'. */
  caller?: string;
  migrationsDir: URL;
  /** Starts the local token issuer (`startTestIssuer` of @mockmart/auth/testing). */
  startIssuer: () => Promise<Issuer>;
  /** Builds the app (not listening) on the throwaway database, verifying the issuer's tokens. */
  build: (deps: { db: Database; issuer: Issuer }) => Promise<App>;
}

export interface ServiceHarness<App, Issuer> {
  app: App;
  db: Database;
  issuer: Issuer;
  /** `authorization` header of the caller's service account holding `roles`. */
  headers: { authorization: string };
  close(): Promise<void>;
}

/**
 * One service app in-process on a throwaway database, with a local token issuer: tests call it
 * with `inject` and real signed tokens. Whatever fails half-way is cleaned up before rethrowing.
 */
export async function startServiceHarness<App extends HarnessApp, Issuer extends HarnessIssuer>(
  options: ServiceHarnessOptions<App, Issuer>,
): Promise<ServiceHarness<App, Issuer>> {
  const issuer = await options.startIssuer();
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let app: App | undefined;
  try {
    database = await createTestDatabase({ migrationsDir: options.migrationsDir });
    const db = database.db;
    const built = await options.build({ db, issuer });
    app = built;
    await built.ready();
    const token = await issuer.serviceToken({
      clientId: options.caller ?? 'shop-api',
      audience: options.clientId,
      clientRoles: { [options.clientId]: options.roles },
    });
    const drop = database.drop;
    return {
      app: built,
      db,
      issuer,
      headers: { authorization: `Bearer ${token}` },
      async close() {
        await built.close();
        await drop();
        await issuer.close();
      },
    };
  } catch (error) {
    await app?.close();
    await database?.drop();
    await issuer.close();
    throw error;
  }
}
