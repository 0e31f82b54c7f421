/** maxResults (1-1000) and an opaque nextToken, as Step Functions' list APIs page. */
import { StepFunctionsError } from './errors.ts';

export const paginate = <T>(items: T[], maxResults: unknown, nextToken: unknown) => {
  if (
    maxResults !== undefined &&
    (typeof maxResults !== 'number' ||
      !Number.isInteger(maxResults) ||
      maxResults < 0 ||
      maxResults > 1000)
  ) {
    throw new StepFunctionsError(
      'ValidationException',
      `Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = Buffer.from(String(nextToken), 'base64url').toString('utf8');
    // Only a token this service gave out: a position in digits (not '', which Number reads as 0).
    start = /^\d+$/.test(decoded) ? Number(decoded) : Number.NaN;
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new StepFunctionsError('InvalidToken', `Invalid Token: '${String(nextToken)}'`);
    }
  }
  const size = maxResults === undefined || maxResults === 0 ? 100 : (maxResults as number);
  const page = items.slice(start, start + size);
  const next =
    start + size < items.length
      ? Buffer.from(String(start + size)).toString('base64url')
      : undefined;
  return { page, nextToken: next };
};
