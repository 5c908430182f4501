/** Web-first assertions for playwright-core (which ships no `expect`): poll until true or fail. */
import type { Locator } from 'playwright-core';

const DEFAULT_TIMEOUT_MS = 10_000;

async function poll(describe: () => string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() >= deadline) throw new Error(`after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The element's visible text matches (exactly for a string, after trimming). */
export async function expectText(
  locator: Locator,
  expected: string | RegExp,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  let last = '(element not found)';
  await poll(
    () => `expected ${locator} to have text ${String(expected)}, last seen ${JSON.stringify(last)}`,
    async () => {
      last = (await locator.innerText({ timeout: 500 })).trim();
      return typeof expected === 'string' ? last === expected : expected.test(last);
    },
    timeoutMs,
  );
  return last;
}

/** A form control's current value matches (exactly for a string). */
export async function expectValue(
  locator: Locator,
  expected: string | RegExp,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  let last = '(element not found)';
  await poll(
    () => `expected ${locator} to have value ${String(expected)}, last seen ${JSON.stringify(last)}`,
    async () => {
      last = await locator.inputValue({ timeout: 500 });
      return typeof expected === 'string' ? last === expected : expected.test(last);
    },
    timeoutMs,
  );
}

export async function expectVisible(locator: Locator, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function expectHidden(locator: Locator, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout: timeoutMs });
}

export async function expectDisabled(locator: Locator, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await poll(
    () => `expected ${locator} to be disabled`,
    () => locator.isDisabled({ timeout: 500 }),
    timeoutMs,
  );
}

export async function expectCount(
  locator: Locator,
  count: number,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  let last = -1;
  await poll(
    () => `expected ${locator} to match ${count} elements, last seen ${last}`,
    async () => (last = await locator.count()) === count,
    timeoutMs,
  );
}
