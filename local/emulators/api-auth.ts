/**
 * The HTTP API's JWT authorizer, offline. Which routes the template's HttpApi keeps for the chosen
 * parameters, and which need a token, come from its DefinitionBody resolved as CloudFormation
 * resolves it (the production profile's conditions); a token is checked as API Gateway checks it
 * (signature against the issuer's keys, iss, aud or client_id, exp, nbf) with jose.
 *
 * The local issuer stands in for whatever issuer the template names (its Cognito user pool or
 * JwtIssuer): one key pair, kept in a file so that `npm run token` signs what `npm start`
 * verifies; the API serves its public keys as a JWKS at JWKS_PATH.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Resolve } from '../template/resolve.ts';
import { PROJECT_ROOT, type Template } from '../template/template.ts';

export const JWKS_PATH = '/.well-known/jwks.json';
const ISSUER_KEY_PATH =
  process.env.LOCAL_ISSUER_KEY ?? join(PROJECT_ROOT, '.aws-sam', 'local-issuer', 'key.json');
const ALGORITHM = 'ES256';

/** A route's JWT authorizer, as the API's OpenAPI body declares it. */
export interface JwtAuthorizer {
  name: string;
  issuer: string;
  audience: string[];
  /** The request header that carries the token (from `$request.header.<Name>`). */
  header: string;
}

/** The claims API Gateway hands to the function, each as a string. */
export type Claims = Record<string, string>;

type Operation = { security?: Record<string, string[]>[] };
interface OpenApiBody {
  paths?: Record<string, Record<string, Operation> | undefined>;
  components?: {
    securitySchemes?: Record<
      string,
      {
        'x-amazon-apigateway-authorizer'?: {
          type?: string;
          identitySource?: string;
          jwtConfiguration?: { issuer?: string; audience?: string[] };
        };
      }
    >;
  };
}

const methodKey = (method: string) =>
  method === 'ANY' ? 'x-amazon-apigateway-any-method' : method.toLowerCase();

/**
 * What the API's DefinitionBody says of a route, once its conditions are resolved: absent (the
 * body lists the path, but a condition removes it for these parameters), open, or behind a JWT
 * authorizer. A path or method the body does not list is open: SAM adds it from the event.
 */
export const routeAccessOf = (template: Template, resolve: Resolve) => {
  const bodies = new Map<string, { raw: OpenApiBody; resolved: OpenApiBody }>();
  const bodyOf = (apiId: string) => {
    if (!bodies.has(apiId)) {
      const raw = (template.Resources[apiId]?.Properties?.DefinitionBody ?? {}) as OpenApiBody;
      bodies.set(apiId, { raw, resolved: (resolve(raw) ?? {}) as OpenApiBody });
    }
    return bodies.get(apiId) as { raw: OpenApiBody; resolved: OpenApiBody };
  };
  return (
    apiId: string | undefined,
    method: string,
    path: string,
  ): 'absent' | { authorizer?: JwtAuthorizer } => {
    if (apiId === undefined) return {};
    const { raw, resolved } = bodyOf(apiId);
    if (!(path in (raw.paths ?? {}))) return {};
    const item = resolved.paths?.[path];
    if (!item) return 'absent';
    const operation = item[methodKey(method)];
    if (!operation) return {};
    const [requirement] = operation.security ?? [];
    const name = Object.keys(requirement ?? {})[0];
    if (name === undefined) return {};
    const scheme = resolved.components?.securitySchemes?.[name]?.['x-amazon-apigateway-authorizer'];
    const header = /^\$request\.header\.(.+)$/.exec(scheme?.identitySource ?? '')?.[1];
    const { issuer, audience } = scheme?.jwtConfiguration ?? {};
    if (scheme?.type !== 'jwt' || !header || !issuer || !audience?.length) {
      throw new Error(
        `${apiId}: ${method} ${path} names authorizer ${name}, which is no JWT authorizer with an identity header, an issuer and an audience`,
      );
    }
    return { authorizer: { name, issuer, audience, header: header.toLowerCase() } };
  };
};

// ------------------------------------------------------------------ the local issuer

export interface IssuerKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

const readKey = (path: string): IssuerKey => JSON.parse(readFileSync(path, 'utf8')) as IssuerKey;

/**
 * The local issuer's key pair, made on first use. Written under a temporary name and linked into
 * place, so two processes starting at once end up with the same key.
 */
export const issuerKey = async (path = ISSUER_KEY_PATH): Promise<IssuerKey> => {
  try {
    return readKey(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const key: IssuerKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM },
    publicJwk: { ...publicJwk, kid, alg: ALGORITHM, use: 'sig' },
  };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}`;
  writeFileSync(temporary, JSON.stringify(key), { mode: 0o600 });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readKey(path);
};

export interface TokenRequest {
  /** The user's name; the token's `sub`. */
  user: string;
  issuer: string;
  audience: string;
  /** Seconds from now; negative for a token that has already expired. */
  expiresIn?: number;
}

/** A token for `user`, signed by the local issuer, shaped like a Cognito ID token. */
export const signToken = async (key: IssuerKey, request: TokenRequest): Promise<string> => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: 'id', 'cognito:username': request.user })
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(request.user)
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (request.expiresIn ?? 3600))
    .sign(await importJWK(key.privateJwk, ALGORITHM));
};

/** API Gateway passes claims as strings. */
const asClaims = (payload: JWTPayload): Claims =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );

export interface LocalIssuer {
  jwks: JSONWebKeySet;
  /** The token's claims, or undefined when API Gateway would answer 401. */
  authorize: (
    authorizer: JwtAuthorizer,
    headers: IncomingHttpHeaders,
  ) => Promise<Claims | undefined>;
}

export const localIssuer = async (path = ISSUER_KEY_PATH): Promise<LocalIssuer> => {
  const jwks: JSONWebKeySet = { keys: [(await issuerKey(path)).publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  return {
    jwks,
    authorize: async (authorizer, headers) => {
      const value = headers[authorizer.header];
      const token = (Array.isArray(value) ? value[0] : value)?.replace(/^Bearer\s+/i, '').trim();
      if (!token) return undefined;
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: authorizer.issuer,
          algorithms: [ALGORITHM],
          requiredClaims: ['exp', 'sub'],
        });
        // API Gateway accepts a token whose aud, or else client_id, is one of the audience.
        const audiences = [payload.aud ?? payload.client_id].flat();
        if (!audiences.some((audience) => authorizer.audience.includes(String(audience))))
          return undefined;
        return asClaims(payload);
      } catch {
        return undefined;
      }
    },
  };
};
