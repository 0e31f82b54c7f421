/**
 * Logger and metrics, one of each per function. Service name, namespace and level come from the
 * Powertools environment variables set in template.yaml.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics();
