/**
 * Local security, one rule for every port of the offline platform (listen() applies it): only
 * the user's own tools may drive it, never a web page the user happens to visit.
 *
 * - Host must name this machine's loopback address (or `localhost`) with the port the request
 *   came in on: a DNS-rebinding page reaches 127.0.0.1 under its own name, and is refused.
 * - A request a browser sends for another origin is refused: a foreign `Origin`, or a
 *   `Sec-Fetch-Site` other than `same-origin` or `none` (typed in the address bar). This covers
 *   what a page can send without asking (a text/plain POST, an `<img>` GET that starts something),
 *   whatever the method: a refused request does nothing. Only the console's page may be opened
 *   from a link elsewhere (a GET navigation): its GETs change nothing.
 *
 * The AWS CLI, the SDKs and curl send neither Origin nor Sec-Fetch-Site, and the console's page
 * asks only its own origin: they pass.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** Listen addresses that stand for every interface: no Host can name them. */
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The host names a server listening on `host` answers to: the loopback names, the listen address
 * itself when it is a specific one, and any the user allowed (host.docker.internal, say).
 */
export const allowedHostNames = (host: string, extra: readonly string[] = []): string[] => {
  const own = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return [...new Set([...LOOPBACK, ...(WILDCARD.has(own) ? [] : [own]), ...extra])].map((name) =>
    name.toLowerCase(),
  );
};

/**
 * Why the request must be refused, or undefined when it may go on. `linkable`: a port whose GETs
 * change nothing (the console's page), so that a link to it from elsewhere opens it; never the
 * HTTP API, whose GET routes may start work.
 */
export const refusalOf = (
  request: IncomingMessage,
  hostNames: readonly string[],
  linkable = false,
): string | undefined => {
  const port = request.socket.localPort;
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !hostNames.some((name) => host === `${name}:${port}`)) {
    return `Host ${host ?? '(none)'} is not this machine's loopback address with port ${port}`;
  }
  const { origin } = request.headers;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    return `Requests from the web page at ${origin} are refused`;
  }
  const site = request.headers['sec-fetch-site'];
  const openedFromLink =
    linkable &&
    origin === undefined &&
    (request.method === 'GET' || request.method === 'HEAD') &&
    request.headers['sec-fetch-mode'] === 'navigate' &&
    // A top-level page only: an <iframe> on another site is refused.
    request.headers['sec-fetch-dest'] === 'document';
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !openedFromLink) {
    return `Requests from another site (Sec-Fetch-Site: ${site}) are refused`;
  }
  return undefined;
};
