/**
 * One running TechStore for a browser test file: the whole system as real processes (the idp or
 * a realm on the run's shared Keycloak, services, gateway serving a fresh UI build) plus one
 * Chromium. Users log in once, through the real login page (the idp's or Keycloak's own), and
 * later pages reuse that storage state (cookies of the gateway session).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect as playwrightExpect } from '@playwright/test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '@mockmart/devstack';
import { startTestSystem, type TestSystem } from '../../support/system.ts';
import type { IdentitySide } from '../../support/identity-providers.ts';
import { launchChromium } from './browser.ts';
import { linesWithTokens } from './log-leaks.ts';
import { E2E_UI_DIST, buildUi } from './ui-bundle.ts';
import { USERS, type UserName } from './users.ts';

export const SCREENSHOTS = join(REPO_ROOT, 'test-results/screenshots');
export const ACTION_TIMEOUT_MS = 10_000;

/**
 * Playwright's web-first assertions, used outside its runner (the suites run on node:test). Outside
 * the runner they default to 5 s; a loaded 2-core machine needs the same time as an action.
 */
export const expect = playwrightExpect.configure({ timeout: ACTION_TIMEOUT_MS });

/**
 * The header's cart badge once the cart has loaded. Wait for it before adding to the cart: the
 * page's first cart load answers last-write-wins, so a click while it is in flight can be lost.
 */
export function loadedCartBadge(page: Page): Locator {
  return page.locator('[data-testid="cart-count"][data-state="ready"]');
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface Shop {
  gatewayUrl: string;
  system: TestSystem;
  browser: Browser;
  /** A new browser context (anonymous, or as `user` reusing that user's single login). */
  newPage(user?: UserName): Promise<Page>;
  /** Logs in interactively in `page` (through the header's Log in button and the idp form). */
  loginThroughUi(page: Page, user: UserName): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Runs a journey; on failure adds a screenshot and the tail of the system's logs. */
  journey(page: Page, name: string, run: () => Promise<void>): Promise<void>;
  /**
   * Closes the browser and the system, removes this process's UI build, then fails if any part of
   * the system logged something JWT-shaped (an access, refresh, ID or logout token).
   */
  stop(): Promise<void>;
}

export async function startShop(identity: IdentitySide = 'idp'): Promise<Shop> {
  // The browser first: without it there is nothing to test, and the message must say so.
  const browser = await launchChromium();
  let system: TestSystem | undefined;
  try {
    await buildUi(E2E_UI_DIST);
    system = await startTestSystem({ identity, extraEnv: { gateway: { UI_DIST_DIR: E2E_UI_DIST } } });
  } catch (error) {
    await browser.close();
    await rm(E2E_UI_DIST, { recursive: true, force: true });
    throw error;
  }
  const running = system;
  await mkdir(SCREENSHOTS, { recursive: true });
  const contexts = new Set<BrowserContext>();
  const states = new Map<UserName, Promise<StorageState>>();

  const newContext = async (storageState?: StorageState) => {
    const context = await browser.newContext({
      baseURL: running.gatewayUrl,
      storageState,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    contexts.add(context);
    context.once('close', () => contexts.delete(context));
    return context;
  };

  const LOGIN_TIMEOUT_MS = 45_000;
  const loginThroughUi = async (page: Page, user: UserName) => {
    const { username, password } = USERS[user];
    // Start from a settled page (session and cart loaded), as a person would.
    await expect(loadedCartBadge(page)).toBeVisible();
    // The click waits for the navigation to the login page; the identity provider's first login
    // page can take a while on a busy machine (Keycloak renders its theme cold on the first one).
    await page.getByRole('button', { name: 'Log in' }).click({ timeout: LOGIN_TIMEOUT_MS });
    await page.waitForURL((url) => url.pathname.startsWith(`/auth/realms/${running.realm}/`));
    // The login page is the identity provider's (Keycloak's ids, which the idp copies), not ours.
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    // The idp checks the password with scrypt (N=2^17, 128 MiB): on a loaded 2-core machine the
    // post and its redirects can take well over the default action timeout.
    await page.locator('#kc-login').click({ timeout: LOGIN_TIMEOUT_MS });
    await page.waitForURL(
      (url) => url.origin === new URL(running.gatewayUrl).origin && !url.pathname.startsWith('/auth/'),
      { timeout: LOGIN_TIMEOUT_MS },
    );
    await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  };

  const storageStateOf = (user: UserName) => {
    let state = states.get(user);
    if (!state) {
      state = (async () => {
        const context = await newContext();
        try {
          const page = await context.newPage();
          await page.goto('/');
          await loginThroughUi(page, user);
          return await context.storageState();
        } finally {
          await context.close();
        }
      })();
      states.set(user, state);
      state.catch(() => states.delete(user));
    }
    return state;
  };

  const screenshot = async (page: Page, name: string) => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  return {
    gatewayUrl: running.gatewayUrl,
    system: running,
    browser,
    async newPage(user) {
      const context = await newContext(user ? await storageStateOf(user) : undefined);
      return context.newPage();
    },
    loginThroughUi,
    screenshot,
    async journey(page, name, run) {
      try {
        await run();
      } catch (error) {
        await screenshot(page, `failed-${name}`).catch(() => {});
        const logs = running.logs().split('\n').slice(-60).join('\n');
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${message}\n(page: ${page.url()}; screenshot test-results/screenshots/failed-${name}.png)\n--- system logs (tail) ---\n${logs}`,
          {
            cause: error,
          },
        );
      }
    },
    async stop() {
      await Promise.all([...contexts].map((c) => c.close().catch(() => {})));
      await browser.close().catch(() => {});
      await running.stop();
      await rm(E2E_UI_DIST, { recursive: true, force: true });
      const leaks = linesWithTokens(running.logs());
      if (leaks.length > 0)
        throw new Error(`the system logged ${leaks.length} token(s):\n${leaks.slice(0, 10).join('\n')}`);
    },
  };
}

/** fetch() from inside the page (same origin, the page's cookies), returning status and body. */
export async function fetchFromPage(
  page: Page,
  path: string,
  init: { method?: string; body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ path, init }) => {
      const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
      if (init.body !== undefined) headers['Content-Type'] = 'application/json';
      if (init.csrf) {
        const session = (await (await fetch('/bff/user', { credentials: 'same-origin' })).json()) as {
          csrfToken?: string;
        };
        if (session.csrfToken) headers['X-CSRF-Token'] = session.csrfToken;
      }
      const response = await fetch(path, {
        method: init.method ?? 'GET',
        headers,
        credentials: 'same-origin',
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
    { path, init },
  );
}
