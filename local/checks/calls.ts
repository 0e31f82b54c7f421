/**
 * Which AWS operations each caller really makes, as the local endpoints see them: every function
 * sends its name in the User-Agent (AWS_SDK_UA_APP_ID, "app/<name>"), the state machine's task
 * calls are its own. The least-privilege test compares this with the template's IAM policies.
 */
import type { IncomingMessage } from 'node:http';

export interface Call {
  caller: string;
  /** IAM's name for it: dynamodb:PutItem, states:StartExecution, lambda:InvokeFunction. */
  action: string;
  /** The table, state machine, execution or function it was made on. */
  resource: string;
}

export class CallRecorder {
  readonly calls: Call[] = [];

  record(call: Call) {
    this.calls.push(call);
  }

  /** Each caller's actions, sorted. */
  actionsByCaller(): Record<string, string[]> {
    const actions = new Map<string, Set<string>>();
    for (const { caller, action } of this.calls) {
      const known = actions.get(caller) ?? new Set<string>();
      known.add(action);
      actions.set(caller, known);
    }
    return Object.fromEntries([...actions].map(([caller, set]) => [caller, [...set].sort()]));
  }
}

/**
 * The function a request came from, by the app id its SDK put in the User-Agent: "app/" and the
 * logical id (letters and digits only), then whatever else the id carries ("-PTEnv-local").
 */
export const callerOf = (request: IncomingMessage): string =>
  /\bapp\/([A-Za-z0-9]+)/.exec(String(request.headers['user-agent'] ?? ''))?.[1] ?? 'unknown';

/** The DynamoDB call a request makes: the operation from its X-Amz-Target, the table from its body. */
export const dynamodbCallOf = (request: IncomingMessage, body: Buffer): Call => {
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
