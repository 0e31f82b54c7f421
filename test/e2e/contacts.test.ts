/**
 * The customer's contact never leaves in clear: `npm start` for real (every function logging at
 * DEBUG), a booking of every run type with a contact, a conflicting repeat under another
 * contact, an operators' record (an event the notifier fails three times), `npm run repair`;
 * then every output of the run is searched for the contacts: npm start's stdout and stderr
 * (which prints every topic message), the API's answers, the console's, the executions'
 * descriptions and histories, the repair's output. Each contact must be nowhere but masked.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, RUN_TYPES } from '../../functions/commons/trip/document.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { shortId } from '../../local/cli/start-output.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { startNpmStart, stopNpmStarts } from '../support/npm-start.ts';
import { HANG_MS } from '../support/patience.ts';

afterAll(() => stopNpmStarts());

const until = async (predicate: () => Promise<boolean> | boolean, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('the contact, through a whole run of npm start', () => {
  it('appears in no output: not npm start, the API, the console, the histories nor the repair, only masked', async () => {
    // Prepare: npm start, every function logging everything it logs.
    const npmStart = await startNpmStart([
      ...['--retry-delay-ms', '0', '--parameter-overrides', 'LogLevel=DEBUG'],
    ]);
    const { child, output } = npmStart;
    const [api, lambda, sfnPort, dynamodb, consolePort, messaging] = (
      [
        'HTTP API',
        'Lambda Invoke',
        'Step Functions',
        'DynamoDB',
        'Console',
        'SNS, EventBridge',
      ] as const
    ).map(npmStart.port);
    const apiUrl = `http://127.0.0.1:${api}`;
    const consoleUrl = `http://127.0.0.1:${consolePort}`;
    const answers: string[] = [];
    const fetchText = async (url: string, init?: RequestInit) => {
      const text = await (await fetch(url, init)).text();
      answers.push(text);
      return text;
    };
    const post = (body: unknown) =>
      fetchText(`${apiUrl}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // Act: a booking of every run type, each with its own contact, and a conflicting repeat.
    const run = randomUUID().slice(0, 8);
    const trips = RUN_TYPES.map((runType) => ({
      ...REFERENCE_TRIP,
      trip_id: `contact-${runType}-${run}`,
      run_type: runType,
      contact: `jane.${runType.toLowerCase()}.${run}@contact.example.com`,
    }));
    const arns: string[] = [];
    for (const trip of trips) {
      arns.push((JSON.parse(await post(trip)) as { execution_arn: string }).execution_arn);
    }
    const [first] = trips;
    const conflict = await post({ ...first, contact: `john.other.${run}@contact.example.com` });
    for (const trip of trips) {
      await until(
        async () => {
          const status = JSON.parse(await fetchText(`${apiUrl}/trips/${trip.trip_id}`)) as {
            saga_status: string;
            notifications: { delivery_status: string }[];
          };
          return (
            status.saga_status !== 'running' &&
            status.notifications.some((item) => item.delivery_status === 'sent')
          );
        },
        HANG_MS,
        `${trip.trip_id} not told`,
      );
    }
    // An operators' record: an outcome event the notifier cannot take, three times.
    const events = new EventBridgeClient({
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      endpoint: `http://127.0.0.1:${messaging}`,
    });
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'TripEventsBus',
            Source: 'booking-saga',
            DetailType: 'BookingFailed',
            Detail: JSON.stringify({ trip_id: 'not a trip id' }),
          },
        ],
      }),
    );
    events.destroy();
    await until(() => output().includes('✉ RepairAlertsTopic'), HANG_MS, 'no operators record');
    const repair = await promisify(execFile)(
      'npm',
      [
        ...['run', '--silent', 'repair', '--', '--lambda-endpoint', `http://127.0.0.1:${lambda}`],
        ...['--dynamodb-endpoint', `http://127.0.0.1:${dynamodb}`],
      ],
      { cwd: PROJECT_ROOT },
    );
    await fetchText(`${consoleUrl}/api/executions`);
    const sfn = new SFNClient({
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      endpoint: `http://127.0.0.1:${sfnPort}`,
    });
    for (const executionArn of arns) {
      await fetchText(`${consoleUrl}/api/execution?arn=${encodeURIComponent(executionArn)}`);
      answers.push(JSON.stringify(await sfn.send(new DescribeExecutionCommand({ executionArn }))));
      answers.push(
        JSON.stringify(await sfn.send(new GetExecutionHistoryCommand({ executionArn }))),
      );
    }
    sfn.destroy();
    process.kill(-(child.pid ?? 0), 'SIGINT');
    await until(() => output().includes('Stopped.'), HANG_MS, 'npm start did not stop');

    // Assess: the run did tell each customer (masked in the printout), and no contact is in clear.
    const everything = [output(), ...answers, repair.stdout, repair.stderr, conflict].join('\n');
    for (const trip of trips) {
      expect(output()).toContain(`${shortId(trip.trip_id)} ✉ to j***@contact.example.com: `);
      expect(everything).not.toContain(trip.contact);
      expect(everything).not.toContain(trip.contact.split('@')[0]);
    }
    expect(output()).toContain('✉ RepairAlertsTopic: ');
    expect(everything).not.toContain(`john.other.${run}`);
    expect(JSON.parse(conflict)).toMatchObject({ errors: [{ field: 'trip_id' }] });
  }, 180_000);
});
