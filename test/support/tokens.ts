/**
 * Tokens for the production profile's local API, as `npm run token` makes them: signed by the
 * local issuer, for the issuer and audience of the template's authorizer.
 */
import { issuerKey, type JwtAuthorizer, signToken } from '../../local/emulators/api-auth.ts';
import { routesOf } from '../../local/emulators/http-api.ts';
import { createResolver, localAccount } from '../../local/template/resolve.ts';
import { readTemplate } from '../../local/template/template.ts';

export const PRODUCTION = { Profile: 'production' } as const;

/** The JWT authorizer the template's API has with these parameters. */
export const authorizerFor = (parameters: Record<string, string> = PRODUCTION): JwtAuthorizer => {
  const template = readTemplate();
  const found = routesOf(template, createResolver(template, localAccount(), parameters)).find(
    (route) => route.authorizer,
  )?.authorizer;
  if (!found) throw new Error('With these parameters no route of the API has an authorizer');
  return found;
};

/** A token for `user`; `audience` or `expiresIn` make a token the API must refuse. */
export const tokenFor = async (
  user: string,
  overrides: { audience?: string; expiresIn?: number } = {},
): Promise<string> => {
  const { issuer, audience } = authorizerFor();
  return signToken(await issuerKey(), { user, issuer, audience: audience[0] ?? '', ...overrides });
};
