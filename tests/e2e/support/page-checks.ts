/**
 * Checks every page of a journey can share: the strict CSP holds (the browser reports no blocked
 * script or style), and every visible control has an accessible name.
 */
import type { Page } from 'playwright-core';

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
