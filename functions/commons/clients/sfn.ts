/**
 * The Step Functions client, created once per execution environment. The endpoint comes from
 * AWS_ENDPOINT_URL_SFN when set (Step Functions Local, the offline platform).
 */
import { SFNClient } from '@aws-sdk/client-sfn';

export const sfn = new SFNClient({});
