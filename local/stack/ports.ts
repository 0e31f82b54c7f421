/**
 * The stack's ports, listening before their services exist: every function's environment names
 * every endpoint (AWS_ENDPOINT_URL_*), so the ports are open first and each serves once its
 * service is up. A request that comes before is held until then (local/http/when-ready.ts), or
 * answered 503 with Retry-After: never left hanging.
 */
import { type Listening, listen, type RequestHandler } from '../http/http-server.ts';
import { whenReady } from '../http/when-ready.ts';

export interface Port extends Listening {
  /** From now on, requests go to `handler` (those held meanwhile too). */
  serve(handler: RequestHandler): void;
  /** Start-up failed: held and later requests get 503 naming why. */
  fail(reason: string): void;
}

export const listenFirst = async (
  name: string,
  port: number,
  host: string,
  allowedHosts: readonly string[] | undefined,
): Promise<Port> => {
  const pending = whenReady(name);
  const listening = await listen(
    name,
    pending.handle,
    port,
    host,
    allowedHosts ? { allowedHosts } : {},
  );
  return { ...listening, serve: pending.ready, fail: pending.fail };
};

/**
 * The ports every function's environment names, listening: the Lambda API, Step Functions' (when
 * it is the built-in one), the HTTP API, SNS and EventBridge. Closing closes the four.
 */
export const listenForServices = async (
  ports: { lambda: number; sfn: number; api: number; messaging: number },
  host: string,
  allowedHosts: readonly string[] | undefined,
  builtInStepFunctions: boolean,
) => {
  const opened: Port[] = [];
  const listen = async (name: string, port: number) => {
    const listening = await listenFirst(name, port, host, allowedHosts);
    opened.push(listening);
    return listening;
  };
  const close = async () => {
    for (const port of opened.reverse()) await port.close();
  };
  const fail = (reason: string) => {
    for (const port of opened) port.fail(reason);
  };
  try {
    return {
      lambda: await listen('Lambda API', ports.lambda),
      sfn: builtInStepFunctions ? await listen('Step Functions API', ports.sfn) : undefined,
      api: await listen('HTTP API', ports.api),
      messaging: await listen('SNS and EventBridge', ports.messaging),
      close,
      fail,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
