/**
 * The stack's HTTP API: the template's HttpApi routes, each to its function, behind the local
 * JWT issuer when a route has an authorizer (local/emulators/http-api.ts, api-auth.ts).
 */
import { localIssuer } from '../emulators/api-auth.ts';
import { httpApi, routesOf } from '../emulators/http-api.ts';
import type { LocalLambda } from '../emulators/lambda-runtime.ts';
import type { LoadedTemplate } from '../template/support.ts';

export const routesOfTemplate = (loaded: LoadedTemplate) =>
  routesOf(loaded.runnable, loaded.resolve);

/** The handler for the HTTP API's port. */
export const startHttpApi = async (loaded: LoadedTemplate, lambda: LocalLambda) => {
  const routes = routesOfTemplate(loaded);
  const issuer = routes.some((route) => route.authorizer) ? await localIssuer() : undefined;
  return httpApi(routes, lambda, issuer);
};
