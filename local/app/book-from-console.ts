/**
 * Books a trip from the console's form (the booking app's form: local/app/console.ts), as a
 * person would, for the browser tests and the console's pictures (docs/console.md).
 */
import type { Page } from 'playwright-core';

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
