/**
 * Which AWS operations each caller really makes, as the local endpoints see them. The recorder
 * attaches from outside: it listens to what each emulator of a running platform tells of its
 * calls (local/emulators/api-calls.ts), so the emulators take no parameter for it. The
 * least-privilege test compares the calls with the template's IAM policies; the bench counts them.
 */
import type { ApiCall, ApiCalls } from '../emulators/api-calls.ts';
import type { LocalStack } from '../stack.ts';

export type Call = ApiCall;

export class CallRecorder {
  readonly calls: Call[] = [];

  record(call: Call) {
    this.calls.push(call);
  }

  /**
   * Records every call the platform's emulators serve from now on: DynamoDB (unless external),
   * Step Functions (its API and its tasks' invocations, unless external), SNS and EventBridge.
   */
  observe(stack: Pick<LocalStack, 'dynamodb' | 'stepFunctions' | 'events' | 'topics'>): this {
    const sources: (ApiCalls | undefined)[] = [
      stack.dynamodb.calls,
      stack.stepFunctions?.calls,
      stack.events.calls,
      stack.topics.calls,
    ];
    for (const source of sources) source?.on('call', (call) => this.record(call));
    return this;
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
