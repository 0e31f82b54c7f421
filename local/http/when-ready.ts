/**
 * A port that opens before what it serves is ready (the functions' environment must name every
 * port before the functions exist; the HTTP API waits for what the application runs after a restart): a request that
 * arrives early is held, and answered once the handler is there; one held past HOLD_MS, or
 * arriving after start-up failed, gets 503 with Retry-After. Never a request left hanging.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequestHandler, sendJson } from './http-server.ts';

/** How long an early request waits for the port to be ready before it is told to come back. */
const HOLD_MS = 10_000;
const RETRY_AFTER_SECONDS = 2;

export interface PendingHandler {
  /** The handler to listen with: it holds requests until ready() (or fail()). */
  handle: RequestHandler;
  /** What the port serves from now on; the held requests go to it. */
  ready: (handler: RequestHandler) => void;
  /** Start-up failed: held and later requests get 503. */
  fail: (reason: string) => void;
}

/** A handler for the port `name` that is not ready yet. */
export const whenReady = (name: string, holdMs = HOLD_MS): PendingHandler => {
  let handler: RequestHandler | undefined;
  let failure: string | undefined;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const resume of waiting) resume();
    waiting.clear();
  };
  const unavailable = (response: ServerResponse, message: string) => {
    if (response.headersSent || response.destroyed) return;
    sendJson(response, 503, { message }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  };
  return {
    handle: async (request: IncomingMessage, response: ServerResponse) => {
      if (!handler && failure === undefined) {
        await new Promise<void>((resume) => {
          const timer = setTimeout(() => {
            waiting.delete(done);
            resume();
          }, holdMs);
          timer.unref();
          const done = () => {
            clearTimeout(timer);
            resume();
          };
          waiting.add(done);
        });
      }
      if (handler) return handler(request, response);
      unavailable(
        response,
        failure === undefined
          ? `The ${name} is still starting: try again in ${RETRY_AFTER_SECONDS} s`
          : `The ${name} did not start: ${failure}`,
      );
    },
    ready: (ready) => {
      handler = ready;
      wake();
    },
    fail: (reason) => {
      failure = reason;
      wake();
    },
  };
};
