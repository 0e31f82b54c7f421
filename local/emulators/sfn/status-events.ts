/**
 * AWS's "Step Functions Execution Status Change" event for an execution that has ended, as Step
 * Functions puts it on the default event bus (source aws.states; dates in epoch milliseconds;
 * input and output as the JSON strings the execution had).
 */
import type { BusEvent } from '../events.ts';
import type { ExecutionRecord } from './records.ts';

export const executionStatusChange = (record: ExecutionRecord): BusEvent => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  resources: [record.executionArn],
  time: record.stopDate ?? new Date(),
  detail: {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate.getTime(),
    stopDate: record.stopDate?.getTime() ?? null,
    input: record.input,
    output: record.output ?? null,
    inputDetails: { included: true },
    outputDetails: record.output === undefined ? null : { included: true },
    error: record.error ?? null,
    cause: record.cause ?? null,
    redriveCount: 0,
  },
});
