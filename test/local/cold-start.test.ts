/**
 * A function's log lines tell its cold start as on Lambda: `cold_start: true` on the first call
 * of its execution environment, `false` on every later one. Powertools' logger counts a cold
 * start only when Lambda says the environment was started on demand
 * (AWS_LAMBDA_INITIALIZATION_TYPE), so the platform must give each function that variable too.
 *
 * Checked from the log lines themselves, the functions called through the Lambda API.
 */
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP } from '../../functions/commons/trip/document.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { useTestStack } from '../support/stack.ts';

interface LogLine {
  level: string;
  message: string;
  function_name?: string;
  function_request_id?: string;
  cold_start?: boolean;
}

/** The JSON log lines written to stdout while `act` runs (the functions log there, as on Lambda). */
const logLinesOf = async (act: () => Promise<void>): Promise<LogLine[]> => {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await act();
  } finally {
    process.stdout.write = write;
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
};

describe('cold starts in the logs', () => {
  // INFO: every test platform is otherwise SILENT.
  const platform = useTestStack({ environment: { POWERTOOLS_LOG_LEVEL: 'INFO' } });

  const invoke = async (functionName: string, payload: unknown) => {
    const lambda = new LambdaClient({
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      endpoint: platform.stack.endpoints.lambda,
    });
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }),
    );
    expect(output.FunctionError).toBeUndefined();
    return output.$metadata.requestId;
  };

  const trip = () => ({ ...REFERENCE_TRIP, trip_id: `cold-${randomUUID()}` });

  it("says cold_start true on a function's first call, false on its next ones, each function for itself", async () => {
    // Act
    const requests: Record<string, string | undefined> = {};
    const lines = await logLinesOf(async () => {
      requests.first = await invoke('ReserveHotelFunction', trip());
      requests.second = await invoke('ReserveHotelFunction', trip());
      requests.third = await invoke('ReserveHotelFunction', trip());
      requests.other = await invoke('ReserveFlightFunction', trip());
    });

    // Assess: every line of a call says the same, and one line at least was written per call
    const coldStartsOf = (name: string, request: string | undefined) => [
      ...new Set(
        lines
          .filter((line) => line.function_name === name && line.function_request_id === request)
          .map((line) => line.cold_start),
      ),
    ];
    expect(coldStartsOf('ReserveHotelFunction', requests.first)).toEqual([true]);
    expect(coldStartsOf('ReserveHotelFunction', requests.second)).toEqual([false]);
    expect(coldStartsOf('ReserveHotelFunction', requests.third)).toEqual([false]);
    expect(coldStartsOf('ReserveFlightFunction', requests.other)).toEqual([true]);
  });
});
