/**
 * End to end: the built UI (renderer/dist) in Chromium against the real kiosk backend in demo mode
 * (main/kiosk/run-demo.ts, what `ogas kiosk --demo` runs): emulated card reader, HSM, scanner and
 * controller, the demo election, an embedded ledger with its witnesses. The renderer is built first
 * when dist is missing or stale (support/renderer-build.ts).
 *
 * Screenshots: set OGAS_E2E_SCREENSHOTS=/some/dir to keep them; otherwise they go to a temp folder
 * that is removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevFixtures } from '../../main/rpc/api';
import { launchChromium, openKioskPage, Screenshots, type KioskPage } from './support/browser';
import { startDemoKiosk, type DemoKiosk } from './support/demo-kiosk';
import {
  closeDock,
  enterPinOnKeypad,
  openDock,
  insertCardWithDock,
  markFirstOptionsAndReview,
  removeCardWithDock,
  tabTo,
  waitForScreen,
} from './support/page-actions';
import { ensureRendererBuilt } from './support/renderer-build';

const TRACKING_CODE = /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/;

let dataDir: string;
let browser: Browser;
const shots = new Screenshots();

function card(fixtures: DevFixtures, wanted: (c: DevFixtures['cards'][number]) => boolean, what: string) {
  const found = fixtures.cards.filter(wanted);
  if (found.length === 0) throw new Error(`the demo has no ${what} card: ${JSON.stringify(fixtures.cards)}`);
  return found;
}

function mayVote(c: DevFixtures['cards'][number]): boolean {
  return c.role === 'voter' && /in the sample, may vote/.test(c.description);
}

beforeAll(async () => {
  await ensureRendererBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'ogas-e2e-kiosk-'));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  shots.cleanUp();
});

function open(kiosk: DemoKiosk): Promise<KioskPage> {
  return openKioskPage(browser, kiosk.openUrl);
}

/** Every page, in every test: nothing refused by the CSP, no uncaught error, no call to another origin. */
async function finish(kp: KioskPage): Promise<void> {
  await kp.page.context().close();
  expect(kp.problems).toEqual([]);
  expect(kp.foreignRequests).toEqual([]);
}

// A loaded CI machine (2 cores shared) may take a while per step; each test still waits only for events.
describe('voters at a provisioned demo kiosk', { timeout: 180_000 }, () => {
  let kiosk: DemoKiosk;
  let fixtures: DevFixtures;

  beforeAll(async () => {
    kiosk = await startDemoKiosk(dataDir);
    fixtures = await kiosk.fixtures();
  }, 300_000);

  afterAll(async () => {
    await kiosk?.stop();
  });

  it('strips the token from the address and welcomes the voter', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    expect(page.url()).not.toContain('token=');
    await waitForScreen(page, 'attract');
    expect(await page.locator('h1').textContent()).toBe('Welcome');
    await shots.take(page, '01-attract');
    await finish(kp);
  });

  it('a voter votes by card end to end and sees a tracking code', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    const voter = card(fixtures, mayVote, 'eligible voter')[0]!;
    await insertCardWithDock(page, voter.label);
    await waitForScreen(page, 'voter-pin');
    await shots.take(page, '02-voter-pin');
    await enterPinOnKeypad(page, voter.pin);
    await waitForScreen(page, 'ballot');
    await shots.take(page, '03-ballot');
    const contests = await markFirstOptionsAndReview(page);
    expect(contests).toBeGreaterThanOrEqual(2);
    await shots.take(page, '04-review');
    await page.getByTestId('cast').click();
    await waitForScreen(page, 'receipt');
    const code = await page.getByTestId('tracking-code').getAttribute('data-code');
    expect(code).toMatch(TRACKING_CODE);
    const qr = page.getByTestId('qr-code');
    expect(await qr.getAttribute('data-payload')).toContain(code!);
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M\d/);
    await shots.take(page, '05-receipt');

    // The backend holds one more durable ballot: "cast" was not said early.
    const status = await kiosk.api('getStatus', {});
    expect(status.ok && status.value.counts.ballots).toBe(1);

    await page.getByTestId('finish').click();
    await removeCardWithDock(page);
    await waitForScreen(page, 'attract');
    await finish(kp);
  });

  it('a keyboard-only voter completes a ballot', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    const voter = card(fixtures, mayVote, 'second eligible voter')[1]!;
    // A poll worker's hand inserts the card; from here on the voter uses only the keyboard.
    const inserted = await kiosk.api('devInsertCard', { label: voter.label });
    expect(inserted.ok).toBe(true);
    await waitForScreen(page, 'voter-pin');
    await tabTo(page, '.pin-pad__input');
    await page.keyboard.type(voter.pin);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'ballot');
    for (let contest = 0; contest < 20; contest++) {
      await tabTo(page, 'input[data-option]');
      await page.keyboard.press('Space');
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
      const last = (await page.getByTestId('next').count()) === 0;
      await tabTo(page, last ? '[data-testid=to-review]' : '[data-testid=next]');
      // Focus must be visible where the keyboard is (WCAG 2.4.7): the focus ring is drawn.
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).toBe('solid');
      await page.keyboard.press('Enter');
      if (last) break;
      await page.waitForFunction(() => document.activeElement?.id === 'screen-title');
    }
    await waitForScreen(page, 'review');
    await tabTo(page, '[data-testid=cast]');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'receipt');
    expect(await page.getByTestId('tracking-code').getAttribute('data-code')).toMatch(TRACKING_CODE);
    await tabTo(page, '[data-testid=finish]');
    await page.keyboard.press('Enter');
    await kiosk.api('devRemoveCard', {});
    await waitForScreen(page, 'attract');
    await finish(kp);
  });

  it('the language switch to Arabic sets dir=rtl and lang=ar', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    await waitForScreen(page, 'attract');
    await page.locator('.attract__languages [data-language=ar]').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
    expect(await page.locator('h1').textContent()).toBe('مرحبًا بك');
    // Laid out right to left: the heading starts at the right edge of the page.
    const box = (await page.locator('h1').boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(1280 / 2);
    await shots.take(page, '06-attract-ar');
    await finish(kp);
  });

  it('an ineligible voter sees the refusal and what to do', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    const outsider = card(
      fixtures,
      (c) => c.role === 'voter' && /not in the sample/.test(c.description),
      'not-in-sample',
    )[0]!;
    await insertCardWithDock(page, outsider.label);
    await enterPinOnKeypad(page, outsider.pin);
    await waitForScreen(page, 'refusal');
    expect(await page.locator('h1').textContent()).toBe('You cannot vote at this kiosk');
    expect(await page.getByTestId('refusal-reason').textContent()).toMatch(/not among the voters selected/);
    await shots.take(page, '07-refusal');
    await page.getByRole('button', { name: 'Done' }).click();
    await removeCardWithDock(page);
    await waitForScreen(page, 'attract');
    await finish(kp);
  });
  it('a voter with a passport votes after a poll worker confirms the document', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    const passport = fixtures.documents.find((d) => /may vote/.test(d.description));
    if (!passport)
      throw new Error(`the demo has no eligible passport: ${JSON.stringify(fixtures.documents)}`);
    const worker = card(fixtures, (c) => c.role === 'poll-worker', 'poll worker')[0]!;
    await waitForScreen(page, 'attract');
    await openDock(page);
    await page.getByTestId(`dock-scan-${passport.name}`).click();
    await closeDock(page);
    await waitForScreen(page, 'waiting-awaiting-confirmation');
    // The public screen does not show the document's details.
    expect(await page.locator('main').textContent()).not.toMatch(/Date of birth/);
    await insertCardWithDock(page, worker.label);
    await waitForScreen(page, 'staff-pin');
    await enterPinOnKeypad(page, worker.pin);
    await waitForScreen(page, 'document-panel');
    expect(await page.getByTestId('document-panel').textContent()).toMatch(/All check digits are correct/);
    await shots.take(page, '09-document-check');
    await page.getByTestId('document-matches').click();
    await removeCardWithDock(page);
    await waitForScreen(page, 'ballot');
    await markFirstOptionsAndReview(page);
    await page.getByTestId('cast').click();
    await waitForScreen(page, 'receipt');
    expect(await page.getByTestId('tracking-code').getAttribute('data-code')).toMatch(TRACKING_CODE);
    await page.getByTestId('finish').click();
    await waitForScreen(page, 'attract');
    await finish(kp);
  });

  it('a technician sees the diagnostics of every device and the event log check', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    const technician = card(fixtures, (c) => c.role === 'technician', 'technician')[0]!;
    await insertCardWithDock(page, technician.label);
    await enterPinOnKeypad(page, technician.pin);
    await waitForScreen(page, 'diagnostics-panel');
    for (const kind of ['card-reader', 'hsm', 'id-scanner', 'peripheral-controller']) {
      await page.getByTestId(`device-${kind}`).first().waitFor();
    }
    expect(await page.getByTestId('event-log-check').textContent()).toMatch(/hash chain holds/);
    await page.getByTestId('run-self-test').click();
    await page.getByTestId('device-hsm').first().waitFor();
    await shots.take(page, '11-diagnostics');
    await removeCardWithDock(page);
    await waitForScreen(page, 'attract');
    await finish(kp);
  });

  it('high contrast and larger text apply at once, and touch targets stay large', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    await waitForScreen(page, 'attract');
    await page.getByTestId('contrast-toggle').click();
    await page.getByTestId('text-size-toggle').click();
    const look = await page.evaluate(() => ({
      background: getComputedStyle(document.documentElement).backgroundColor,
      size: getComputedStyle(document.documentElement).fontSize,
    }));
    expect(look).toEqual({ background: 'rgb(0, 0, 0)', size: '25px' });
    // Every button stays a large touch target (at least 44 px).
    const smallest = await page.evaluate(() =>
      Math.min(...[...document.querySelectorAll('main button')].map((b) => b.getBoundingClientRect().height)),
    );
    expect(smallest).toBeGreaterThanOrEqual(44);
    await shots.take(page, '10-attract-high-contrast');
    await finish(kp);
  });
});

describe('an official at a demo kiosk that is not set up', { timeout: 180_000 }, () => {
  let kiosk: DemoKiosk;
  let fixtures: DevFixtures;

  beforeAll(async () => {
    // The same folder as above: start over (a new kiosk and ledger for the same demo election).
    kiosk = await startDemoKiosk(dataDir, { provision: false, fresh: true });
    fixtures = await kiosk.fixtures();
  }, 300_000);

  afterAll(async () => {
    await kiosk?.stop();
  });

  it('an official provisions the kiosk and opens polls', async () => {
    const kp = await open(kiosk);
    const { page } = kp;
    await waitForScreen(page, 'closed-not-configured');
    const official = card(fixtures, (c) => c.role === 'official', 'official')[0]!;
    await insertCardWithDock(page, official.label);
    await waitForScreen(page, 'staff-pin');
    await enterPinOnKeypad(page, official.pin);
    await waitForScreen(page, 'provisioning-panel');
    // The demo election's folder is offered as the path (DevFixtures.electionDir), and the dock shows it.
    expect(fixtures.electionDir).toBe(kiosk.demo.election.dir);
    await expect.poll(() => page.getByTestId('package-path').inputValue()).toBe(kiosk.demo.election.dir);
    await page.getByRole('button', { name: 'Load and verify' }).click();
    await page.getByTestId('election-facts').waitFor({ timeout: 60_000 });
    await page.getByLabel('HSM PIN').fill(fixtures.hsmPin);
    await page.getByRole('button', { name: 'Create and seal the kiosk key' }).click();
    await page.getByTestId('enrol').click({ timeout: 60_000 });
    await page.getByTestId('nav-polls').click({ timeout: 60_000 });
    await page.getByTestId('polls-open').click();
    await page.getByTestId('polls-confirm').getByRole('button', { name: 'Open the polls' }).click();
    await page.getByTestId('report-zero').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('polls-current').textContent()).toMatch(/Open/);
    expect(await page.getByTestId('report-totals').textContent()).toMatch(/Check-ins: 0 · Ballots cast: 0/);
    await shots.take(page, '08-official-polls-open');
    const status = await kiosk.api('getStatus', {});
    expect(status.ok && status.value.polls).toBe('open');
    await removeCardWithDock(page);
    await waitForScreen(page, 'attract');
    await finish(kp);
  });
});

describe('the same demo kiosk stopped and started again', { timeout: 180_000 }, () => {
  let kiosk: DemoKiosk;
  let fixtures: DevFixtures;

  beforeAll(async () => {
    kiosk = await startDemoKiosk(dataDir);
    fixtures = await kiosk.fixtures();
  }, 300_000);

  afterAll(async () => {
    await kiosk?.stop();
  });

  it('is locked until an official enters the HSM PIN, then welcomes voters again', async () => {
    expect(kiosk.demo.resumed).toBe(true);
    const kp = await open(kiosk);
    const { page } = kp;
    await waitForScreen(page, 'closed-locked');
    expect(await page.locator('main').textContent()).toMatch(/until an election official unlocks it/);
    await openDock(page);
    expect(await page.getByTestId('dock-locked').textContent()).toContain(`HSM PIN ${fixtures.hsmPin}`);
    await shots.take(page, '11-restarted-locked');
    await closeDock(page);
    const official = card(fixtures, (c) => c.role === 'official', 'official')[0]!;
    await insertCardWithDock(page, official.label);
    await waitForScreen(page, 'staff-pin');
    await enterPinOnKeypad(page, official.pin);
    await page.getByTestId('unlock-panel').waitFor({ timeout: 60_000 });
    const unlock = page.getByTestId('unlock-panel');
    await unlock.getByLabel('HSM PIN').fill(fixtures.hsmPin);
    await unlock.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect
      .poll(async () => {
        const r = await kiosk.api('getStatus', {});
        return r.ok ? { locked: r.value.locked, polls: r.value.polls } : null;
      })
      .toEqual({ locked: false, polls: 'open' });
    await removeCardWithDock(page);
    await waitForScreen(page, 'attract');
    await finish(kp);
  });
});
