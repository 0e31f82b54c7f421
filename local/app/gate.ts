/**
 * The I/O gate: an HTTP proxy the functions of a platform call instead of DynamoDB, Step
 * Functions, EventBridge and SNS (their AWS_ENDPOINT_URL_* point at it; it forwards each call to
 * the platform's own endpoint). Each call is shown to `decide` before it goes on, with who made
 * it, what it is and its body; the answer lets it pass, or crashes the caller just before it (the
 * call never leaves) or just after its effect landed (forwarded and answered upstream, the answer
 * never delivered). A crashed caller is dead: that call's connection breaks, and every later
 * call of the same invocation (the same trace id, which Lambda gives each invocation) is refused
 * the same way before it goes anywhere, so nothing the invocation would still do after that point
 * (a `finally`, a retry of the SDK) has any effect, and it ends at once with an error, as an
 * invocation whose runtime died (Lambda then retries the event). `cut()` refuses every call
 * from then on, the whole platform's (a process killed). Attached from outside: the platform
 * runs as ever, with the gate's endpoint in the functions' environment. (A refused call's
 * connection is destroyed, never held: a held one would keep a socket of the caller's SDK
 * client busy for good, and a client has 50.)
 *
 * It knows no application: the crash harness (crash-points.ts) and the soak decide with it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerOf } from '../emulators/api-calls.ts';
import { type Listening, listen, readBody } from '../http/http-server.ts';

/** One call a function made, as the gate sees it. */
export interface GateCall {
  /** The function (its logical id, from the SDK's User-Agent). */
  caller: string;
  /** IAM's name for it: dynamodb:PutItem, states:DescribeExecution, sns:Publish... */
  action: string;
  /** The request body, as text (what the call is about: keys, trip ids). */
  body: string;
  /** The invocation it belongs to (X-Amzn-Trace-Id), '' when it has none. */
  invocation: string;
}

/** What becomes of a call: it passes, or its caller crashes just before it or just after it. */
export type Verdict = 'pass' | 'crash-before' | 'crash-after';

export interface Upstreams {
  dynamodb: string;
  sfn: string;
  /** SNS and EventBridge (the platform serves both on one endpoint). */
  messaging: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

const serviceOf = (target: string): { upstream: keyof Upstreams; prefix: string } => {
  if (target.startsWith('DynamoDB_')) return { upstream: 'dynamodb', prefix: 'dynamodb' };
  if (target.startsWith('AWSStepFunctions')) return { upstream: 'sfn', prefix: 'states' };
  if (target.startsWith('AWSEvents')) return { upstream: 'messaging', prefix: 'events' };
  return { upstream: 'messaging', prefix: 'sns' };
};

const actionOf = (target: string, prefix: string, body: string): string => {
  if (target !== '') return `${prefix}:${target.split('.').at(-1) ?? ''}`;
  return `${prefix}:${new URLSearchParams(body).get('Action') ?? ''}`;
};

/** The invocation a request belongs to: the Root of its trace header. */
const invocationOf = (request: IncomingMessage): string =>
  /Root=([^;]+)/.exec(String(request.headers['x-amzn-trace-id'] ?? ''))?.[1] ?? '';

export class IoGate {
  /** Decides each call; by default every call passes. */
  decide: (call: GateCall) => Verdict = () => 'pass';
  /** Told of each crash, once the call it happened at is held. */
  onCrash: (call: GateCall, verdict: Exclude<Verdict, 'pass'>) => void = () => undefined;
  upstreams: Upstreams = { dynamodb: '', sfn: '', messaging: '' };
  readonly #listening: Listening;
  readonly #dead = new Set<string>();
  #cut = false;

  private constructor(listening: Listening) {
    this.#listening = listening;
  }

  static async start(): Promise<IoGate> {
    let handle: (request: IncomingMessage, response: ServerResponse) => Promise<void> = async () =>
      undefined;
    const listening = await listen('I/O gate', (rq, rs) => handle(rq, rs), 0, '127.0.0.1');
    const gate = new IoGate(listening);
    handle = (request, response) => gate.#handle(request, response);
    return gate;
  }

  get url(): string {
    return this.#listening.url;
  }

  /** The functions' environment that sends their calls through the gate. */
  environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_DYNAMODB: this.url,
      AWS_ENDPOINT_URL_SFN: this.url,
      AWS_ENDPOINT_URL_SNS: this.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.url,
    };
  }

  /** Refuses every call from now on: the process the functions run in is gone. */
  cut(): void {
    this.#cut = true;
  }

  /** Whether `cut()` was called. */
  get isCut(): boolean {
    return this.#cut;
  }

  async close(): Promise<void> {
    this.#cut = true;
    await this.#listening.close();
  }

  /** The call goes nowhere: its connection breaks, as one to a process that died. */
  #refuse(response: ServerResponse) {
    response.socket?.destroy();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request, MAX_BODY_BYTES);
    const body = raw.toString('utf8');
    const target = String(request.headers['x-amz-target'] ?? '');
    const { upstream, prefix } = serviceOf(target);
    const call: GateCall = {
      caller: callerOf(request),
      action: actionOf(target, prefix, body),
      body,
      invocation: invocationOf(request),
    };
    if (this.#cut || (call.invocation !== '' && this.#dead.has(call.invocation)))
      return this.#refuse(response);
    const verdict = this.decide(call);
    const crash = (when: Exclude<Verdict, 'pass'>) => {
      if (call.invocation !== '') this.#dead.add(call.invocation);
      this.onCrash(call, when);
      this.#refuse(response);
    };
    if (verdict === 'crash-before') return crash(verdict);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let answer: Response;
    let answerBody: Buffer;
    try {
      answer = await fetch(`${this.upstreams[upstream]}${request.url ?? '/'}`, {
        method: request.method ?? 'POST',
        headers,
        ...(raw.length > 0 ? { body: raw } : {}),
      });
      answerBody = Buffer.from(await answer.arrayBuffer());
    } catch {
      // The endpoint behind went away (its platform is closing): so does the call.
      return this.#refuse(response);
    }
    // The effect has landed upstream; a caller crashing now never hears of it.
    if (verdict === 'crash-after') return crash(verdict);
    if (this.#cut || (call.invocation !== '' && this.#dead.has(call.invocation)))
      return this.#refuse(response);
    const answerHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name))
        answerHeaders[name] = value;
    });
    response.writeHead(answer.status, {
      ...answerHeaders,
      'content-length': String(answerBody.length),
    });
    response.end(answerBody);
  }
}
