/**
 * The console in a real browser, in the production profile: the form offers no run type and asks
 * for a token; without one the API refuses the booking (401, shown on the page, nothing started);
 * signed in with a local token (npm run token), the booking runs and its trip belongs to that user.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookFromConsole } from '../../local/app/book-from-console.ts';
import { launchChromium } from '../../local/console/browser.ts';
import { HANG_MS } from '../support/patience.ts';
import { useTestStack, waitForExecution } from '../support/stack.ts';
import { PRODUCTION, tokenFor } from '../support/tokens.ts';

const platform = useTestStack({
  ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0, console: 0 },
  parameters: PRODUCTION,
});

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(HANG_MS);
  await page.goto(`${platform.stack.endpoints.console}/`);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
});

describe('the console in Chromium, production profile', () => {
  it('asks for a token and offers no run type', async () => {
    // Assess
    expect(await page.isVisible('#token')).toBe(true);
    expect(await page.isVisible('#run-type')).toBe(false);
  });

  it('without a token: the API says Unauthorized and nothing starts', async () => {
    // Prepare
    const tripId = `browser-production-anonymous-${Date.now()}`;

    // Act
    await page.fill('#trip-id', tripId);
    await page.fill('#token', '');
    await page.click('#start-button');
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as {
            document: { getElementById(id: string): { textContent: string | null } | null };
          }
        ).document
          .getElementById('start-result')
          ?.textContent?.startsWith('Not started') === true,
    );

    // Assess
    expect(await page.textContent('#start-result')).toBe('Not started: Unauthorized');
    const { executions = [] } = await platform.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: platform.stack.stateMachineArn }),
    );
    expect(executions.filter((execution) => execution.name === tripId)).toEqual([]);
  });

  it("signed in with a local token: the booking runs and the trip is the user's", async () => {
    // Prepare
    const tripId = `browser-production-${Date.now()}`;

    // Act
    const status = await bookFromConsole(page, undefined, tripId, {
      timeoutMs: HANG_MS,
      token: await tokenFor('alice'),
    });

    // Assess
    const executionArn = (await page.getAttribute('#selected-title', 'data-execution-arn')) ?? '';
    const ended = await waitForExecution(platform.clients.sfn, executionArn);
    expect(status).toBe('SUCCEEDED');
    expect(ended.description.status).toBe('SUCCEEDED');
    const { Item } = await platform.clients.dynamodb.send(
      new GetItemCommand({
        TableName: platform.stack.tableName,
        Key: { pk: { S: tripId }, sk: { S: 'TRIP' } },
      }),
    );
    expect(Item?.owner).toEqual({ S: 'alice' });
  });
});
