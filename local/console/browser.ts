/**
 * A headless Chromium for the console's browser test and its pictures: Debian's package
 * (apt-get install chromium), driven by playwright-core, which downloads no browser of its own.
 * CHROMIUM_PATH names another binary (a Chrome on macOS, say).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** No background traffic: on a closed network Chromium's own calls home would only fail. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `extraArgs`: more Chromium flags (a test's --host-resolver-rules, say). */
export const launchChromium = async (extraArgs: string[] = []): Promise<Browser> => {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...FLAGS, ...extraArgs],
  });
};

/**
 * Starts a booking from the console's form, as a person would, and waits until the page shows
 * its execution ended. Returns the execution's end status as the page shows it. In the
 * production profile there is no run type to choose (undefined) and the form takes a token.
 */
export const bookFromConsole = async (
  page: Page,
  runType: string | undefined,
  tripId: string,
  { timeoutMs = 15_000, token }: { timeoutMs?: number; token?: string } = {},
): Promise<string> => {
  await page.fill('#trip-id', tripId);
  if (runType !== undefined) await page.selectOption('#run-type', runType);
  if (token !== undefined) await page.fill('#token', token);
  await page.click('#start-button');
  await page.waitForFunction(
    // Runs in the page: its document, typed here by the little this reads of it.
    (name) => {
      const { document } = globalThis as unknown as {
        document: {
          getElementById(id: string): {
            textContent: string | null;
            dataset: Record<string, string | undefined>;
          } | null;
        };
      };
      const title = document.getElementById('selected-title');
      const status = document.getElementById('selected-status')?.dataset.status;
      return title?.textContent === name && status !== undefined && status !== 'RUNNING';
    },
    tripId,
    { timeout: timeoutMs },
  );
  return (await page.getAttribute('#selected-status', 'data-status')) ?? '';
};
