/**
 * A headless Chromium for the console's browser tests and the pictures taken of it: Debian's package
 * (apt-get install chromium), driven by playwright-core, which downloads no browser of its own.
 * CHROMIUM_PATH names another binary (a Chrome on macOS, say).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
