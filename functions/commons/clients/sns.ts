/**
 * The SNS client, created once per execution environment. The endpoint comes from
 * AWS_ENDPOINT_URL_SNS when set (the offline platform).
 */
import { SNSClient } from '@aws-sdk/client-sns';

export const sns = new SNSClient({});
