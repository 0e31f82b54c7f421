/**
 * The stack's console (local/console/): every state machine of the template on its graph, read
 * through the Step Functions API like any client; the application's form and panels from its
 * plugin's extension.
 */
import { type ConsoleExtension, startConsole } from '../console/server.ts';
import type { Running } from '../plugin.ts';
import type { Definition } from '../template/asl.ts';

export const startStackConsole = (
  /** Each state machine's definition, by ARN. */
  definitions: Record<string, string>,
  running: Running,
  options: {
    host: string;
    port: number;
    allowedHosts: readonly string[] | undefined;
    title: string;
    extension: ConsoleExtension | undefined;
    /** The test case an execution ran (the built-in Step Functions knows; an external one, not). */
    testCaseOf: ((executionArn: string) => string | undefined) | undefined;
  },
) =>
  startConsole({
    host: options.host,
    port: options.port,
    region: running.region,
    stateMachines: Object.entries(definitions).map(([arn, definition]) => ({
      arn,
      definition: JSON.parse(definition) as Definition,
    })),
    endpoints: { sfn: running.endpoints.sfn },
    title: options.title,
    ...(options.extension ? { extension: options.extension } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.testCaseOf ? { testCaseOf: options.testCaseOf } : {}),
  });
