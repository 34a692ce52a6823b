/**
 * Chromium for the e2e tests through playwright-core, on the system's /usr/bin/chromium (never a
 * downloaded browser), headless, with nothing that calls out to the network. Each page records what a
 * kiosk must never do: a Content-Security-Policy violation, an uncaught error, a request to any origin
 * but the kiosk's own.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface KioskPage {
  readonly page: Page;
  /** CSP violations, page errors and console errors, as text. */
  readonly problems: string[];
  /** Requests to any origin other than the kiosk's. */
  readonly foreignRequests: string[];
}

export async function openKioskPage(
  browser: Browser,
  openUrl: string,
  options: { readonly reducedMotion?: boolean } = {},
): Promise<KioskPage> {
  const origin = new URL(openUrl).origin;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    reducedMotion: options.reducedMotion === false ? 'no-preference' : 'reduce',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
      foreignRequests.push(url);
  });
  await page.goto(openUrl);
  await page.waitForSelector('#screen-title');
  return { page, problems, foreignRequests };
}

/**
 * Where screenshots go: OGAS_E2E_SCREENSHOTS when set (kept, to look at), else a temp folder removed
 * at the end of the run.
 */
export class Screenshots {
  readonly dir: string;
  readonly #keep: boolean;

  constructor() {
    const wanted = process.env['OGAS_E2E_SCREENSHOTS'];
    this.#keep = wanted !== undefined && wanted !== '';
    if (this.#keep) mkdirSync(wanted!, { recursive: true });
    this.dir = this.#keep ? wanted! : mkdtempSync(join(tmpdir(), 'ogas-e2e-screens-'));
  }

  async take(page: Page, name: string): Promise<string> {
    const path = join(this.dir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  cleanUp(): void {
    if (!this.#keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
