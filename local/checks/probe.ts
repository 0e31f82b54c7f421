/**
 * A steady probe on every port of a running platform: one cheap request per port after another
 * (a pause of `everyMs` between them), each timed from sent to answered. A probe slower than
 * `stallMs` is a stall: the platform held every request on that port that long. Each port's first
 * answer (its cold start) is waited for and not counted. Runs in a thread of its own
 * (./probe-worker.ts) so the caller's own work does not slow it.
 */
import { Worker } from 'node:worker_threads';

/** The ports of a running platform (npm start's, or a test's). */
export interface PlatformEndpoints {
  api: string;
  lambda: string;
  sfn: string;
  dynamodb: string;
  messaging: string;
  console?: string | undefined;
}

/** One port's probe request. */
export interface PortProbe {
  name: string;
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ProbeStats {
  name: string;
  count: number;
  maxMs: number;
  p99Ms: number;
  /** Probes slower than the stall threshold (or unanswered). */
  stalls: number;
  /** Probes that got no answer at all (connection refused or reset, 60 s timeout). */
  failed: number;
  statuses: Record<string, number>;
}

/** A signature DynamoDB's endpoints take (they check the header's shape, not the signature). */
const DYNAMODB_AUTH = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
};

/**
 * The cheapest request each AWS protocol of the platform answers, for its endpoint; on the HTTP
 * API, a GET of `apiPath`, which the application names (one that changes nothing).
 */
export const probesFor = (endpoints: PlatformEndpoints, apiPath: string): PortProbe[] => [
  { name: 'api', url: `${endpoints.api}${apiPath}`, method: 'GET' },
  { name: 'lambda', url: `${endpoints.lambda}/2015-03-31/functions/`, method: 'GET' },
  {
    name: 'sfn',
    url: endpoints.sfn,
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AWSStepFunctions.ListStateMachines',
    },
    body: '{}',
  },
  {
    name: 'dynamodb',
    url: endpoints.dynamodb,
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      ...DYNAMODB_AUTH,
    },
    body: '{}',
  },
  {
    name: 'messaging',
    url: endpoints.messaging,
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
    },
    body: JSON.stringify({ Entries: [{ Source: 'probe', DetailType: 'probe', Detail: '{}' }] }),
  },
  ...(endpoints.console
    ? [{ name: 'console', url: `${endpoints.console}/api/graph`, method: 'GET' }]
    : []),
];

/** Starts probing; the returned function stops it and gives each port's figures. */
export const startProbe = (
  probes: PortProbe[],
  { everyMs = 100, stallMs = 1000 }: { everyMs?: number; stallMs?: number } = {},
): (() => Promise<ProbeStats[]>) => {
  const worker = new Worker(new URL('./probe-worker.ts', import.meta.url), {
    workerData: { probes, everyMs, stallMs },
  });
  const stats = new Promise<ProbeStats[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return async () => {
    worker.postMessage('stop');
    const result = await stats;
    await worker.terminate();
    return result;
  };
};
