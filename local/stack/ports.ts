/**
 * The stack's ports, listening before their services exist: every function's environment names
 * every endpoint (AWS_ENDPOINT_URL_*), so the ports are open first and each serves once its
 * service is up. A request that comes before gets no answer until then.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Listening, listen, type RequestHandler } from '../http/http-server.ts';

export interface Port extends Listening {
  /** From now on, requests go to `handler`. */
  serve(handler: RequestHandler): void;
}

export const listenFirst = async (
  name: string,
  port: number,
  host: string,
  allowedHosts: readonly string[] | undefined,
): Promise<Port> => {
  let handler: RequestHandler = async () => undefined;
  const listening = await listen(
    name,
    (request: IncomingMessage, response: ServerResponse) => handler(request, response),
    port,
    host,
    allowedHosts ? { allowedHosts } : {},
  );
  return {
    ...listening,
    serve: (next) => {
      handler = next;
    },
  };
};
