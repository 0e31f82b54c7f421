/** The function's metrics (EMF). Namespace and service come from the Powertools environment. */
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics();
