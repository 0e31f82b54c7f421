/**
 * What an emulator tells of each AWS call it serves, to whoever listens: who called, which IAM
 * action, on which resource. The emulators only tell (an `on('call', ...)` subscription); the
 * checks that keep and judge the calls (local/checks/calls.ts: the least-privilege test, the
 * bench's cost count) attach from outside, and with no listener nothing is worked out at all.
 * Every function sends its name in the User-Agent (AWS_SDK_UA_APP_ID, "app/<name>"); the state
 * machine's task calls are its own.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';

export interface ApiCall {
  caller: string;
  /** IAM's name for it: dynamodb:PutItem, states:StartExecution, lambda:InvokeFunction. */
  action: string;
  /** The table, state machine, execution or function it was made on. */
  resource: string;
}

export class ApiCalls extends EventEmitter<{ call: [ApiCall] }> {
  /** Tells the listeners of a call; `describe` runs only when someone listens. */
  tell(describe: () => ApiCall) {
    if (this.listenerCount('call') > 0) this.emit('call', describe());
  }
}

/**
 * The function a request came from, by the app id its SDK put in the User-Agent: "app/" and the
 * logical id (letters and digits only), then whatever else the id carries ("-PTEnv-local").
 */
export const callerOf = (request: IncomingMessage): string =>
  /\bapp\/([A-Za-z0-9]+)/.exec(String(request.headers['user-agent'] ?? ''))?.[1] ?? 'unknown';

/** The DynamoDB call a request makes: the operation from its X-Amz-Target, the table from its body. */
export const dynamodbCallOf = (request: IncomingMessage, body: Buffer): ApiCall => {
  let table = '';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { TableName?: string; IndexName?: string };
    // An index is its own resource to IAM: table/<name>/index/<index>.
    table = `${parsed.TableName ?? ''}${parsed.IndexName ? `/index/${parsed.IndexName}` : ''}`;
  } catch {
    // A body that is not JSON names no table; DynamoDB answers it.
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  return {
    caller: callerOf(request),
    action: `dynamodb:${target.split('.')[1] ?? ''}`,
    resource: table,
  };
};
