/**
 * `npm run token -- --user alice`: prints a token for a user of the local API in the production
 * profile, signed by the local issuer (api-auth.ts) with the issuer and audience the template's
 * authorizer names for the given parameters. On AWS, users sign in to the stack's Cognito
 * user pool (or your JwtIssuer) instead.
 */
import { issuerKey, signToken } from '../emulators/api-auth.ts';
import { routesOf } from '../emulators/http-api.ts';
import { createResolver, localAccount, parseParameterOverrides } from '../template/resolve.ts';
import { readTemplate } from '../template/template.ts';
import { readCommandLine, usageError } from './command-line.ts';

const HELP = `Usage: npm run token -- --user <name> [options]

Prints a token (a JWT) for <name>, which the local HTTP API accepts on every route when it runs
the production profile (npm start -- --parameter-overrides Profile=production):

  curl -H "Authorization: Bearer $(npm run -s token -- --user alice)" http://127.0.0.1:3000/<route>

Options:
  --user <name>                 the signed-in user; the token's sub (required)
  --expires-in <seconds>        lifetime (default 3600; negative: already expired)
  --parameter-overrides <K=V>   the template parameters npm start runs with (Profile=production
                                is implied); they choose the issuer and the audience
  --help                        this text
`;

const fail = (message: string): never => usageError(HELP, message);

const { values } = readCommandLine(HELP, {
  options: {
    user: { type: 'string' },
    'expires-in': { type: 'string', default: '3600' },
    'parameter-overrides': { type: 'string', multiple: true },
  },
});
const user = values.user?.trim() || fail('--user is required');
const expiresIn = Number(values['expires-in']);
if (!Number.isInteger(expiresIn))
  fail(`--expires-in must be whole seconds, not "${values['expires-in']}"`);

try {
  const template = readTemplate();
  const parameters = {
    Profile: 'production',
    ...parseParameterOverrides(values['parameter-overrides'] ?? []),
  };
  const authorizer = routesOf(template, createResolver(template, localAccount(), parameters)).find(
    (route) => route.authorizer,
  )?.authorizer;
  if (!authorizer)
    fail('With these parameters no route of the API has an authorizer: no token is needed');
  const { issuer, audience } = authorizer as NonNullable<typeof authorizer>;
  const token = await signToken(await issuerKey(), {
    user,
    issuer,
    audience: audience[0] ?? '',
    expiresIn,
  });
  process.stdout.write(`${token}\n`);
} catch (error) {
  console.error(`Could not make a token: ${(error as Error).message}`);
  process.exit(1);
}
