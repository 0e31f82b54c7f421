/**
 * A request body that claims to be a trip document, read as `POST /trips` reads it: JSON by its
 * media type (415 otherwise), at most 8 KB, UTF-8, one JSON object. Pure (no configuration read),
 * so that every entry point that books a trip (the API's handler, the local console) refuses
 * the same bodies with the same answers; the document's fields are the trip schema's to check.
 */
import { badRequest, ClientError } from '#errors';

/** The largest request body accepted: a trip document is well under 2 KB. */
export const MAX_BODY_BYTES = 8192;

/** `application/json`, or a JSON type such as `application/vnd.api+json`, parameters allowed. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** Refuses bytes that are not UTF-8 instead of booking U+FFFD in their place; a BOM is kept (not JSON). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The JSON object in `bytes`, or a ClientError naming the rule it breaks. Only a JSON body is
 * taken (415 otherwise): a web page can POST text/plain anywhere without asking, never JSON.
 */
export const tripDocumentOf = (
  contentType: string | undefined,
  bytes: Uint8Array,
): Record<string, unknown> => {
  if (!JSON_MEDIA_TYPE.test(contentType ?? '')) {
    throw new ClientError(415, 'Unsupported Media Type', [
      { field: 'content-type', rule: 'must be application/json' },
    ]);
  }
  if (bytes.length > MAX_BODY_BYTES) {
    throw badRequest([{ field: 'body', rule: `must be at most ${MAX_BODY_BYTES} bytes` }]);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest([{ field: 'body', rule: 'must be valid UTF-8' }]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw badRequest([{ field: 'body', rule: 'must be valid JSON' }]);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw badRequest([{ field: 'body', rule: 'must be a JSON object (a trip document)' }]);
  }
  return document as Record<string, unknown>;
};
