/**
 * The template's functions on this machine: each one's code (its esbuild bundle, or its plain
 * JavaScript in CodeUri) and exactly the environment Lambda gives it, with the SDK pointed at the
 * local endpoints; run by the local Lambda (local/emulators/lambda-runtime.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import {
  type FunctionConfig,
  type FunctionLogLine,
  LocalLambda,
} from '../emulators/lambda-runtime.ts';
import { bundleFileOf } from '../template/build.ts';
import { functionArn, type LocalAccount, type Resolve } from '../template/resolve.ts';
import type { LoadedTemplate } from '../template/support.ts';
import {
  type FunctionDefinition,
  functionsOf,
  parseHandler,
  plainHandlerFile,
  type Template,
} from '../template/template.ts';

/** The endpoints a function's SDK is pointed at. */
export interface FunctionEndpoints {
  dynamodb: string;
  sfn: string;
  lambda: string;
  /** SNS and EventBridge, one endpoint for both. */
  messaging?: string;
}

const asString = (value: unknown, what: string): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new Error(`${what} does not resolve to a string`);
};

/** Where a function's code is: its bundle in `buildDir`, or its handler's file in CodeUri. */
const codeOf = (fn: FunctionDefinition, templateDir: string, buildDir: string): string =>
  fn.build
    ? join(buildDir, fn.logicalId, bundleFileOf({ ...fn, build: fn.build }))
    : (plainHandlerFile(fn, templateDir) ?? join(templateDir, fn.codeUri, fn.handler));

/** Every function's local configuration: its code, and exactly the environment Lambda gives it. */
export const functionConfigs = (
  template: Template,
  resolve: Resolve,
  account: LocalAccount,
  endpoints: FunctionEndpoints,
  code: { templateDir: string; buildDir: string },
  extra: Record<string, string> = {},
  extraByFunction: Record<string, Record<string, string>> = {},
): FunctionConfig[] =>
  functionsOf(template).map((fn) => {
    const bundle = codeOf(fn, code.templateDir, code.buildDir);
    const variables = (fn.properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const memorySize = Number(resolve(fn.properties.MemorySize ?? 128));
    const environment: Record<string, string> = {
      ...Object.fromEntries(
        // Resolved as one map: a variable whose value is AWS::NoValue is dropped from it.
        Object.entries(resolve(variables) as Record<string, unknown>).map(([name, value]) => [
          name,
          asString(value, `${fn.logicalId} ${name}`),
        ]),
      ),
      AWS_REGION: account.region,
      AWS_DEFAULT_REGION: account.region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
      ...(endpoints.messaging
        ? {
            AWS_ENDPOINT_URL_SNS: endpoints.messaging,
            AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.messaging,
          }
        : {}),
      AWS_EXECUTION_ENV: `AWS_Lambda_${String(resolve(fn.properties.Runtime ?? 'nodejs24.x'))}`,
      AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
      // The SDK names the caller in its User-Agent: how the platform tells the functions apart.
      // Powertools appends its own 43 characters to an app id without "/PTEnv/", and the SDK
      // warns about an app id over 50; with the marker it leaves the id alone.
      AWS_SDK_UA_APP_ID: `${fn.logicalId}/PTEnv/local`,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
      // As Lambda says of an environment started by an invocation: without it, Powertools
      // counts no cold start, and every log line says cold_start false.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.logicalId}`,
      LAMBDA_TASK_ROOT: fn.build ? dirname(bundle) : join(code.templateDir, fn.codeUri),
      LANG: 'en_US.UTF-8',
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      ...extra,
      ...extraByFunction[fn.logicalId],
    };
    return {
      name: fn.logicalId,
      arn: functionArn(account, fn.logicalId),
      bundle,
      handlerExport: parseHandler(fn.handler).exportPath,
      timeoutSeconds: Number(resolve(fn.properties.Timeout ?? 3)),
      memorySize,
      environment,
    };
  });

/** The local Lambda running the template's functions; their code must be there (built). */
export const startFunctions = (
  loaded: LoadedTemplate,
  endpoints: FunctionEndpoints,
  buildDir: string,
  {
    environment,
    environmentByFunction,
    onLog,
  }: {
    /** More environment for every function. */
    environment?: Record<string, string> | undefined;
    /** More environment for the functions named (by logical id), over `environment`. */
    environmentByFunction?: Record<string, Record<string, string>> | undefined;
    /** Given each write of the functions (default: this process's stdout and stderr). */
    onLog?: ((line: FunctionLogLine) => void) | undefined;
  } = {},
): LocalLambda => {
  const configs = functionConfigs(
    loaded.runnable,
    loaded.resolve,
    loaded.account,
    endpoints,
    { templateDir: loaded.dir, buildDir },
    environment,
    environmentByFunction,
  );
  for (const config of configs) {
    if (!existsSync(config.bundle)) {
      throw new Error(
        `${config.bundle} is missing: run npm run build (or start without skipping the build)`,
      );
    }
  }
  return new LocalLambda(configs, loaded.account, onLog);
};
