/**
 * The EventBridge client, created once per execution environment. The endpoint comes from
 * AWS_ENDPOINT_URL_EVENTBRIDGE when set (the offline platform).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

export const eventBridge = new EventBridgeClient({});
