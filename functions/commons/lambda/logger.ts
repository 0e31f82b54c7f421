/** The function's logger. Service name and level come from the Powertools environment variables. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();
