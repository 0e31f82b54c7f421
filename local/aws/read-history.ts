/**
 * An execution's whole history, page after page, through any Step Functions API: the built-in
 * one, Step Functions Local or AWS. What `npm run book`, the console and the tests read.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

export const readHistory = async (
  sfn: SFNClient,
  executionArn: string,
): Promise<HistoryEvent[]> => {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
};
