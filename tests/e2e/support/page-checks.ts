/**
 * Checks every page of a journey can share: the strict CSP holds (the browser reports no blocked
 * script or style), every visible control has an accessible name, the page fits a phone's width,
 * and a keyboard alone reaches each control, with a visible focus.
 */
import type { Locator, Page } from 'playwright-core';

/** Collects CSP violations and uncaught errors from the moment it is called. */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (apply|execute|load)/i.test(message.text()))
      problems.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { problems };
}

/** Visible form controls, buttons and links without an accessible name (a rough, fast check). */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const nameOf = (el: HTMLElement): string => {
      const labelledBy = el.getAttribute('aria-labelledby');
      if (labelledBy)
        return labelledBy
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ');
      const aria = el.getAttribute('aria-label');
      if (aria) return aria;
      if (
        el instanceof HTMLInputElement ||
        el instanceof HTMLSelectElement ||
        el instanceof HTMLTextAreaElement
      ) {
        const labels = Array.from(el.labels ?? []).map((l) => l.textContent ?? '');
        return labels.join(' ') || el.title;
      }
      return el.textContent ?? el.title;
    };
    return Array.from(
      document.querySelectorAll<HTMLElement>('input:not([type=hidden]), select, textarea, button, a[href]'),
    )
      .filter(visible)
      .filter((el) => nameOf(el).trim() === '')
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

/**
 * How far the page body scrolls sideways (px; 0 or less: it fits the viewport's width), and when
 * it does, the outermost elements reaching past the right edge, to say what to fix.
 */
export async function sidewaysOverflow(page: Page): Promise<{ px: number; culprits: string[] }> {
  return page.evaluate(() => {
    const px = document.documentElement.scrollWidth - window.innerWidth;
    if (px <= 0) return { px, culprits: [] };
    const past = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
    // Roughly CSS's rule: a scrolling ancestor clips an element, unless the element is absolutely
    // positioned against something outside that ancestor.
    const clipped = (el: Element) => {
      const absolute = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX !== 'visible' && (!absolute || style.position !== 'static')) return true;
      }
      return false;
    };
    const culprits = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => past(el) && !clipped(el))
      .slice(0, 5)
      .map((el) => `${el.outerHTML.slice(0, 100)} (right ${Math.round(el.getBoundingClientRect().right)})`);
    return { px, culprits };
  });
}

/**
 * Presses Tab, as a keyboard-only user would, until `target` has focus; fails when it cannot be
 * reached within `maxPresses`. Then checks the focused element shows a focus indicator.
 */
export async function tabTo(page: Page, target: Locator, maxPresses = 60): Promise<void> {
  await target.waitFor();
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) {
      const outline = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
      if (outline === 'none') throw new Error(`${target} has focus but no visible focus outline`);
      return;
    }
  }
  throw new Error(`${target} was not reached with ${maxPresses} presses of Tab`);
}

/** The data-testid of the focused element (or its tag name), to assert the Tab order. */
export async function focusedTestId(page: Page): Promise<string> {
  return page.evaluate(
    () => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '',
  );
}
