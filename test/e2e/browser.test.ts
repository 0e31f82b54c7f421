/**
 * The console in a real browser (Debian's Chromium, driven by playwright-core): for each run
 * type, a booking started from the page's form, then the path coloured on the graph, the retry
 * counts and the trip's items checked against the execution's history and the table, read here
 * on their own. The page asks nothing of any other origin. And the console's pictures (docs/console.md) are taken.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_TYPES } from '../../functions/commons/trip/document.ts';
import { bookFromConsole } from '../../local/app/book-from-console.ts';
import { PICTURES, takePictures } from '../../local/app/cli/pictures.ts';
import { readSagaDefinition } from '../../local/app/saga.ts';
import { launchChromium } from '../../local/console/browser.ts';
import { HANG_MS } from '../support/patience.ts';
import { EXPECTED_PATH, FORWARD } from '../support/saga-paths.ts';
import { runTrip, tripItems, useTestStack, waitForExecution } from '../support/stack.ts';

const definition = readSagaDefinition();

/** A trip whose first step fails with an error longer than any other column (see the last test). */
const LONG_ERROR_TRIP = 'browser-long-error';
const LONG_ERROR =
  'Lambda.ClientExecutionTimeoutException.WithAnErrorNameLongerThanAnyColumnOfTheHistory';

const platform = useTestStack({
  ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0, console: 0 },
  parameters: { CompensationFailureRate: '0.4' },
  environment: { FAILURE_SEED: '6' },
  faults: ({ executionArn, state }) =>
    executionArn.endsWith(`:${LONG_ERROR_TRIP}`) && state === 'ReserveHotel'
      ? { kind: 'fail', error: LONG_ERROR, cause: 'A long error, for the history to wrap' }
      : undefined,
});

let browser: Browser;
let page: Page;
/** Every request the page made that did not go to the console itself. */
const elsewhere: string[] = [];
/** Retry badges shown over the runs. */
let badgesSeen = 0;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(HANG_MS);
  const origin = new URL(platform.stack.endpoints.console ?? '').origin;
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:'))
      elsewhere.push(request.url());
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
});

/** What the graph shows: each state's status and retry count, and the edges drawn as taken. */
const graphShown = () =>
  page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: {
        querySelectorAll(selector: string): Iterable<{
          dataset: Record<string, string | undefined>;
          querySelector(selector: string): { textContent: string | null } | null;
          getAttribute(name: string): string | null;
        }>;
      };
    };
    const states = [...document.querySelectorAll('g.state')].map((node) => ({
      name: node.dataset.state ?? '',
      status: node.dataset.status ?? '',
      retries: node.dataset.retries ?? '',
      badge: node.querySelector('g.retries')?.textContent ?? '',
      badgeShown:
        (
          node.querySelector('g.retries') as unknown as {
            getAttribute(name: string): string | null;
          }
        )?.getAttribute('visibility') === 'visible',
    }));
    const taken = [...document.querySelectorAll('path.edge.taken')].map(
      (edge) => edge.dataset.edge ?? '',
    );
    return { states, taken };
  });

const itemsShown = () =>
  page.$$eval('#items tbody tr', (rows) =>
    rows.map((row) => {
      const { dataset } = row as unknown as { dataset: Record<string, string | undefined> };
      return { sk: dataset.sk ?? '', status: dataset.status ?? '' };
    }),
  );

describe('the console in Chromium', () => {
  it('draws every state of the machine and every transition before any booking', async () => {
    // Act
    const { states } = await graphShown();
    const edges = await page.$$eval('path.edge', (paths) => paths.length);

    // Assess
    expect(states).toHaveLength(15);
    expect(states.every((state) => state.status === 'none')).toBe(true);
    expect(edges).toBe(24);
  });

  it.each(RUN_TYPES)(
    '%s: started from the form, its path, retries and items shown',
    async (runType) => {
      // Act
      // Its own id, no clock in it: the seeded draws of its compensations are the same each run.
      const tripId = `browser-${runType}`;
      const status = await bookFromConsole(page, runType, tripId, { timeoutMs: HANG_MS });

      // Assess: the end, as Step Functions reports it
      const executionArn = (await page.getAttribute('#selected-title', 'data-execution-arn')) ?? '';
      const ended = await waitForExecution(platform.clients.sfn, executionArn);
      expect(status).toBe(ended.description.status);
      expect(status).toBe(runType === 'success' ? 'SUCCEEDED' : 'FAILED');

      // the path: exactly the states the run type goes through, each in its colour
      const { states, taken } = await graphShown();
      const onPath = states.filter((state) => state.status !== 'none');
      const expected = EXPECTED_PATH[runType];
      expect(onPath.map((state) => state.name).sort()).toEqual([...expected].sort());
      const lastForward = expected.filter((name) => FORWARD.includes(name)).at(-1);
      for (const state of onPath) {
        const want =
          state.name === 'BookingConfirmed'
            ? 'succeeded'
            : state.name === 'BookingFailed'
              ? 'failed'
              : !FORWARD.includes(state.name)
                ? 'fallback'
                : runType !== 'success' && state.name === lastForward
                  ? 'caught'
                  : 'succeeded';
        expect(state.status, state.name).toBe(want);
      }
      expect(taken).toHaveLength(expected.length - 1);

      // the retries: the badge on a state shows its extra task attempts in the history
      const attempts = new Map<string, number>();
      let current = '';
      for (const event of ended.events) {
        if (event.type?.endsWith('StateEntered'))
          current = event.stateEnteredEventDetails?.name ?? '';
        if (event.type === 'TaskScheduled') attempts.set(current, (attempts.get(current) ?? 0) + 1);
      }
      for (const state of onPath) {
        const retries = (attempts.get(state.name) ?? 1) - 1;
        expect(state.retries, state.name).toBe(String(retries));
        expect(state.badgeShown, state.name).toBe(retries > 0);
        if (retries > 0) expect(state.badge).toBe(`↻ ${retries}`);
      }
      badgesSeen += onPath.filter((state) => state.badgeShown).length;

      // what the customer was told, once the trip was concluded: shown with the items (the
      // form's bookings name no contact)
      await page.waitForSelector('#notifications article[data-status="sent"]');
      expect(await page.textContent('#notifications article strong')).toBe(
        runType === 'success'
          ? `Your trip ${tripId} is booked (no contact)`
          : `Your trip ${tripId} could not be booked (no contact)`,
      );

      // the items: what the table holds for the trip
      await page.waitForSelector('#items tbody tr[data-type="Notification"][data-status="sent"]');
      const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
      expect(await itemsShown()).toEqual(
        items.map((item) => ({
          sk: item.sk ?? '',
          status: item.transaction_status ?? item.repair_status ?? item.delivery_status ?? '',
        })),
      );
      const statuses = items
        .filter((item) => item.type !== 'Trip' && item.type !== 'Notification')
        .map((item) => item.transaction_status)
        .sort();
      expect(statuses).toEqual(
        {
          success: ['confirmed', 'confirmed', 'confirmed'],
          failHotelReservation: ['cancelled'],
          failFlightsReservation: ['cancelled', 'cancelled'],
          failPayment: ['cancelled', 'cancelled', 'refunded'],
          failHotelConfirmation: ['cancelled', 'cancelled', 'refunded'],
          failFlightsConfirmation: ['cancelled', 'cancelled', 'refunded'],
        }[runType],
      );

      // the list: the new execution first
      const firstListed = await page.getAttribute(
        '#executions li:first-child',
        'data-execution-arn',
      );
      expect(firstListed).toBe(executionArn);
    },
  );

  it('showed retry badges in those runs, so the badges were really checked', () => {
    expect(badgesSeen).toBeGreaterThan(0);
  });

  it('at 1600x1000: the whole machine in sight, its ends included, at a readable size', async () => {
    // Prepare
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    const ends = Object.entries(definition.States)
      .filter(([, state]) => state.Type === 'Succeed' || state.Type === 'Fail')
      .map(([name]) => name);

    // Act
    const boxes = await Promise.all(
      Object.keys(definition.States).map(async (name) => ({
        name,
        box: await page.locator(`g.state[data-state="${name}"]`).boundingBox(),
      })),
    );

    // Assess: every state, each end among them, lies inside the window, unscrolled
    expect(ends.sort()).toEqual(['BookingConfirmed', 'BookingFailed', 'BookingNeedsRepair']);
    for (const { name, box } of boxes) {
      if (!box) throw new Error(`${name} is not drawn`);
      expect(box.x, name).toBeGreaterThanOrEqual(0);
      expect(box.y, name).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, name).toBeLessThanOrEqual(1600);
      expect(box.y + box.height, name).toBeLessThanOrEqual(1000);
      // Not fitted by shrinking it past reading: a state's box keeps most of its laid-out size.
      expect(box.height, name).toBeGreaterThanOrEqual(26);
    }
  });

  it('draws every Choice state as a decision (a diamond), and no other state so', async () => {
    // Prepare
    const choices = Object.entries(definition.States)
      .filter(([, state]) => state.Type === 'Choice')
      .map(([name]) => name);

    // Act
    const diamonds = await page.$$eval('g.state', (groups) =>
      groups
        .filter((group) => group.querySelector('polygon.shape'))
        .map((group) => ({
          name: group.getAttribute('data-state'),
          kind: group.getAttribute('data-kind'),
          label: group.querySelector('.kind-label')?.textContent,
        })),
    );

    // Assess
    expect(choices).toEqual(['CheckLeftovers']);
    expect(diamonds).toEqual(choices.map((name) => ({ name, kind: 'choice', label: 'choice' })));
  });

  it("lists each execution on one line, its whole name in the tooltip, with its booking's run type", async () => {
    // Prepare: a booking started with the trip id left blank, named by a UUID
    await page.fill('#trip-id', '');
    await page.selectOption('#run-type', 'failHotelReservation');
    await page.click('#start-button');
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as {
        document: { getElementById(id: string): { textContent: string | null } | null };
      };
      return /^Started [0-9a-f-]{36}$/.test(
        document.getElementById('start-result')?.textContent ?? '',
      );
    });
    const { executions = [] } = await platform.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: platform.stack.stateMachineArn }),
    );
    await page.waitForSelector(`#executions li:nth-child(${executions.length})`);

    // Act
    const listed = await page.$$eval('#executions li', (items) =>
      items.map((item) => {
        const name = item.querySelector('.execution-name') as unknown as {
          textContent: string | null;
          title: string;
          getBoundingClientRect(): { height: number };
        };
        return {
          arn: item.getAttribute('data-execution-arn') ?? '',
          name: name.textContent ?? '',
          title: name.title,
          height: name.getBoundingClientRect().height,
          runType: item.querySelector('.execution-label')?.textContent ?? '',
        };
      }),
    );

    // Assess: every execution, newest first, each as DescribeExecution tells it
    expect(listed).toHaveLength(executions.length);
    const uuid = listed.find((item) => /^[0-9a-f-]{36}$/.test(item.title));
    expect(uuid?.name).toBe(`${uuid?.title.slice(0, 8)}…`);
    for (const item of listed) {
      const { name, input } = await platform.clients.sfn.send(
        new DescribeExecutionCommand({ executionArn: item.arn }),
      );
      expect(item.title).toBe(name);
      expect(item.runType, name).toBe(
        (JSON.parse(input ?? '{}') as { run_type?: string }).run_type,
      );
      // One line: the longest names (browser-failFlightsConfirmation-...) once wrapped to three.
      expect(item.height, name).toBeLessThan(26);
    }
    expect(uuid?.runType).toBe('failHotelReservation');
  });

  it('shows each history event at its time after the execution started', async () => {
    // Prepare: the execution shown, ended, read here on its own
    const executionArn = (await page.getAttribute('#selected-title', 'data-execution-arn')) ?? '';
    const ended = await waitForExecution(platform.clients.sfn, executionArn);
    const start = ended.description.startDate?.getTime() ?? Number.NaN;
    await page.waitForSelector(`#events tbody tr:nth-child(${ended.events.length})`);

    // Act
    const rows = await page.$$eval('#events tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );

    // Assess: one row per event, in order, each "+<seconds> s" after the start
    expect(rows).toHaveLength(ended.events.length);
    ended.events.forEach((event, index) => {
      const [id, after, type] = rows[index] ?? [];
      expect(id).toBe(String(event.id));
      expect(type).toBe(event.type);
      const seconds = Number(/^\+(\d+\.\d{3}) s$/.exec(after ?? '')?.[1]);
      const expected = ((event.timestamp?.getTime() ?? Number.NaN) - start) / 1000;
      expect(Math.abs(seconds - expected), `${after} for event ${event.id}`).toBeLessThanOrEqual(
        0.0005,
      );
    });
  });

  it('asked nothing of any other origin', () => {
    expect(elsewhere).toEqual([]);
  });
});

describe('the console at first sight', () => {
  /** A page of its own on the console, at `width` px. */
  const openPage = (width = 1600) => browser.newPage({ viewport: { width, height: 1000 } });

  // An execution there before the page opens, whether or not the tests above ran.
  beforeAll(async () => {
    await runTrip(platform);
  });

  it('says "Loading…" until the first list arrives, never "None yet" while executions exist', async () => {
    // Prepare: the executions' first answer held back until the page has been looked at.
    const fresh = await openPage();
    const { promise: held, resolve: release } = Promise.withResolvers<void>();
    await fresh.route('**/api/executions*', async (route) => {
      await held;
      await route.continue();
    });
    const { executions = [] } = await platform.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: platform.stack.stateMachineArn }),
    );

    // Act
    await fresh.goto(`${platform.stack.endpoints.console}/`);
    await fresh.waitForSelector('svg#graph g.state');
    const before = await fresh.textContent('#executions-empty');
    const readyBefore = await fresh.getAttribute('body', 'data-ready');
    release();
    await fresh.waitForSelector('body[data-ready="true"]');

    // Assess
    expect(executions.length).toBeGreaterThan(0);
    expect(before).toBe('Loading…');
    expect(readyBefore).toBeNull();
    expect(await fresh.isVisible('#executions-empty')).toBe(false);
    await fresh.close();
  });

  it('selects the newest execution on load: its path, history and panels shown without a click', async () => {
    // Act
    const fresh = await openPage();
    await fresh.goto(`${platform.stack.endpoints.console}/`);
    await fresh.waitForSelector('body[data-ready="true"]');

    // Assess
    const newest = await fresh.getAttribute('#executions li:first-child', 'data-execution-arn');
    expect(newest).toBeTruthy();
    const selected = await fresh.$$eval('#executions li.selected', (items) =>
      items.map((item) => item.getAttribute('data-execution-arn')),
    );
    expect(selected).toEqual([newest]);
    expect(await fresh.getAttribute('#selected-title', 'data-execution-arn')).toBe(newest);
    const ended = await waitForExecution(platform.clients.sfn, newest ?? '');
    expect(await fresh.$$eval('#events tbody tr', (rows) => rows.length)).toBe(ended.events.length);
    expect(
      await fresh.$$eval('g.state:not([data-status="none"])', (states) => states.length),
    ).toBeGreaterThan(0);
    expect(await fresh.isVisible('#notifications')).toBe(true);
    await fresh.close();
  });

  it.each([1600, 1280])(
    'at %i px wide, a long error wraps within the history: nothing is cut off at its edge',
    async (width) => {
      // Prepare: a booking whose first step fails with a very long error name.
      const fresh = await openPage(width);
      await fresh.goto(`${platform.stack.endpoints.console}/`);
      await fresh.waitForSelector('body[data-ready="true"]');
      if (width === 1600) await bookFromConsole(fresh, 'success', LONG_ERROR_TRIP);
      else await fresh.click(`#executions li[data-execution-arn$=":${LONG_ERROR_TRIP}"] button`);
      await fresh.waitForSelector('#events tbody tr[data-type="TaskFailed"]');

      // Act
      const panel = await fresh.$eval('#details-panel', (element) => {
        const { left, right } = element.getBoundingClientRect();
        return { left, right, scrollWidth: element.scrollWidth, clientWidth: element.clientWidth };
      });
      const cell = await fresh.$eval(
        '#events tbody tr[data-type="TaskFailed"] td:nth-child(5)',
        (td) => {
          const { left, right } = td.getBoundingClientRect();
          return { left, right, text: td.textContent };
        },
      );

      // Assess: the whole error, inside the panel, which does not scroll sideways
      expect(cell.text).toBe(LONG_ERROR);
      expect(cell.left).toBeGreaterThanOrEqual(panel.left);
      expect(cell.right).toBeLessThanOrEqual(panel.right);
      expect(panel.scrollWidth).toBeLessThanOrEqual(panel.clientWidth);
      await fresh.screenshot({ path: join(tmpdir(), `console-long-error-${width}.png`) });
      await fresh.close();
    },
  );
});

describe('npm run pictures', () => {
  it("takes the reference's three pictures from the console", async () => {
    // Prepare
    const folder = join(tmpdir(), `console-pictures-${process.pid}`);

    try {
      // Act
      const files = await takePictures(platform.stack.endpoints.console ?? '', folder);

      // Assess: three PNGs of a drawn graph
      expect(files.map((file) => file.slice(folder.length + 1))).toEqual(
        PICTURES.map((picture) => picture.file),
      );
      for (const file of files) {
        expect(existsSync(file)).toBe(true);
        const png = readFileSync(file);
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        const width = png.readUInt32BE(16);
        const height = png.readUInt32BE(20);
        expect(width).toBeGreaterThan(400);
        expect(height).toBeGreaterThan(800);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
