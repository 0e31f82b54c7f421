/**
 * The Lambda wrapper every saga step shares: the Powertools logger's context, the input parsed by
 * its schema (a ParseError, which the ASL never retries), the trip id and step as log keys, and
 * one log line for what the step did. Errors are logged and rethrown unchanged: a failed step
 * must reach Step Functions as a failure, with its own name.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { InferOutput } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import type * as z from 'zod/mini';
import { InjectedStepFailure, InjectedTransientFailure } from '#errors';
import { logger } from '#lambda/logger.ts';
import { type Trip, TripSchema } from '#trip/document.ts';

/**
 * What a step did: the result it returns, and whether it changed anything (false when the call
 * repeated an earlier one). Not a trip's outcome (trip/rules.ts).
 */
export type StepResult<T> = { result: T; changed: boolean };

const logFailure = {
  onError: ({ error }: { error: unknown }) => {
    // The demo's own failures (a run type, the injected rate) were asked for: a warning that
    // names them, without a stack trace. Anything else is an error, with its stack.
    if (error instanceof InjectedStepFailure || error instanceof InjectedTransientFailure) {
      logger.warn('step failed, as the demo asked', { error: error.name, reason: error.message });
      return;
    }
    logger.error('step failed', error instanceof Error ? error : String(error));
  },
};

/** A saga step whose input has its own schema; `tripIdOf` names the trip in the logs. */
export const task = <S extends z.ZodMiniType, R extends object>(
  step: string,
  schema: S,
  tripIdOf: (input: InferOutput<S>) => string,
  run: (input: InferOutput<S>) => Promise<StepResult<R>>,
) =>
  middy()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logFailure)
    .use(parser({ schema }))
    .handler(async (input: InferOutput<S>): Promise<R> => {
      logger.appendKeys({ trip_id: tripIdOf(input), step });
      const { result, changed } = await run(input);
      logger.info(changed ? 'step done' : 'step repeated, nothing changed', { result });
      return result;
    });

/** A saga step that receives the saga's state and reads the trip from it. */
export const sagaTask = <R extends object>(
  step: string,
  run: (trip: Trip) => Promise<StepResult<R>>,
) => task(step, TripSchema, (trip) => trip.trip_id, run);
