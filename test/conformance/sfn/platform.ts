/**
 * The platform's Step Functions API for the conformance cases: the built-in service behind its
 * own HTTP front (local/emulators/sfn/api.ts), on a free loopback port, with the cases' tiny
 * functions (functions.ts) as its Lambda and retries that do not wait. The cases talk to it
 * with the AWS SDK, as a user would; no booking app, no DynamoDB. The one place that knows how
 * the service is built: if its options change, only this file follows.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS } from '../../../local/aws/credentials.ts';
import { stepFunctionsApi } from '../../../local/emulators/sfn/api.ts';
import { StepFunctionsService } from '../../../local/emulators/sfn/service.ts';
import { listen } from '../../../local/http/http-server.ts';
import { invokeFunction } from './functions.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ConformanceRole`;

export interface ConformancePlatform {
  sfn: SFNClient;
  close: () => Promise<void>;
}

export const startConformancePlatform = async (): Promise<ConformancePlatform> => {
  const service = new StepFunctionsService({
    region: REGION,
    accountId: ACCOUNT,
    retryDelayMs: 0,
    // Every case's executions stay described until the file ends.
    retainedExecutions: 10_000,
    invokeFunction,
  });
  const server = await listen('Step Functions API', stepFunctionsApi(service), 0, '127.0.0.1');
  const sfn = new SFNClient({
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: server.url,
    // A refusal is an answer, not a fault to retry.
    maxAttempts: 1,
  });
  return {
    sfn,
    close: async () => {
      sfn.destroy();
      await service.close();
      await server.close();
    },
  };
};
