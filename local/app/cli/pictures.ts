/**
 * `npm run pictures`: the console's pictures (docs/console.md), taken from the local console in Chromium: the
 * success path, the payment failure and the hotel reservation failure, the three pictures the
 * reference shows from the AWS console. A fixed seed and fixed trip ids make the random
 * compensation failures, and so the pictures, come out the same every time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCommandLine } from '../../cli/command-line.ts';
import { launchChromium } from '../../console/browser.ts';
import { startStack } from '../../stack.ts';
import { PROJECT_ROOT } from '../../template/template.ts';
import { bookFromConsole } from '../book-from-console.ts';
import plugin from '../plugin.ts';

export const PICTURES = [
  { runType: 'success', file: 'console-success.png' },
  { runType: 'failPayment', file: 'console-fail-payment.png' },
  { runType: 'failHotelReservation', file: 'console-fail-hotel-reservation.png' },
] as const;

export const PICTURES_DIR = join(PROJECT_ROOT, 'docs', 'images');

/** Takes the pictures from a running console into `folder`; returns the files written. */
export const takePictures = async (consoleUrl: string, folder: string): Promise<string[]> => {
  mkdirSync(folder, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(`${consoleUrl}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const files = [];
    for (const { runType, file } of PICTURES) {
      await bookFromConsole(page, runType, `picture-${runType}`);
      const path = join(folder, file);
      await page.locator('#graph-panel').screenshot({ path });
      files.push(path);
    }
    return files;
  } finally {
    await browser.close();
  }
};

const HELP = `Usage: npm run pictures

Takes the pictures of the local console that docs/console.md shows, in Chromium (the success
path, the payment failure, the hotel reservation failure), and writes them over docs/images/. Starts its own
platform on free ports; a fixed seed and fixed trip ids make the pictures the same every time.
Chromium: /usr/bin/chromium, or the one CHROMIUM_PATH names.

Options:
  --help   this text
`;

if (import.meta.main) {
  readCommandLine(HELP, { options: {} });
  const stack = await startStack({
    plugin,
    ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0, console: 0 },
    retryDelayMs: 0,
    environment: { POWERTOOLS_LOG_LEVEL: 'SILENT', FAILURE_SEED: '20261134' },
  });
  try {
    const files = await takePictures(stack.endpoints.console ?? '', PICTURES_DIR);
    for (const file of files) process.stdout.write(`${file}\n`);
  } finally {
    await stack.close();
  }
}
