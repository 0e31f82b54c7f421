/**
 * What DynamoDB refuses in a request body before any table sees it, for the fronts of both local
 * DynamoDBs (dynalite's in ./dynamodb.ts, DynamoDB Local's proxy): attribute values nested past
 * DynamoDB's 32 levels, expressions past 4 KB, bodies that are not UTF-8 JSON. A light module of
 * its own: the checking thread (local/http/off-thread.ts) loads it to check large bodies there.
 */
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { textNestsDeeperThan } from '../http/nesting.ts';
import { offThread } from '../http/off-thread.ts';

/** What DynamoDB says of an attribute nested more than 32 levels deep (31 Map/List wraps pass). */
const NESTING_MESSAGE =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
const MAX_WRAPS = 31;
/** DynamoDB's limit on any expression string. */
const MAX_EXPRESSION_BYTES = 4096;
/**
 * How deep an expression may nest parentheses. dynalite's expression parser backtracks at every
 * level: 16 nested `(` cost it 2 s, 20 over half a minute, with the whole process frozen. Four
 * levels keep a 4 KB expression under a fifth of a second; hand-written ones rarely nest past two.
 */
export const MAX_EXPRESSION_PARENTHESES = 4;
const parenthesesDepth = (expression: string) => {
  let depth = 0;
  let deepest = 0;
  for (const character of expression) {
    if (character === '(') deepest = Math.max(deepest, ++depth);
    else if (character === ')') depth--;
  }
  return deepest;
};

/**
 * Why DynamoDB (or the offline platform, for what dynalite cannot take) refuses the request, or
 * undefined: attribute values (Map `M`, List `L`) nested deeper than DynamoDB allows anywhere in
 * it (Item, Key, ExpressionAttributeValues, batch requests), an expression over 4 KB, or one
 * nesting parentheses deeper than dynalite parses in good time (only in front of dynalite:
 * `dynaliteParser`). Walked with a stack of its own: dynalite's validator recurses, and an item
 * 1,000 levels deep overflows the call stack (DynamoDB Local's overflows its Java stack too, and
 * answers an HTML page with a 500).
 */
export const dynamoDbRefusal = (
  body: unknown,
  { dynaliteParser = true }: { dynaliteParser?: boolean } = {},
): string | undefined => {
  const pending: { value: unknown; wraps: number }[] = [{ value: body, wraps: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, wraps } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const element of value) pending.push({ value: element, wraps });
      continue;
    }
    const entries = Object.entries(value);
    // An attribute value is an object with one member, its type.
    const wrapper = entries.length === 1 && (entries[0]?.[0] === 'M' || entries[0]?.[0] === 'L');
    if (wrapper && wraps + 1 > MAX_WRAPS) return NESTING_MESSAGE;
    for (const [name, member] of entries) {
      if (typeof member === 'string' && name.endsWith('Expression')) {
        const size = Buffer.byteLength(member);
        if (size > MAX_EXPRESSION_BYTES) {
          return `Invalid ${name}: Expression size has exceeded the maximum allowed size; expression size: ${size}`;
        }
        if (dynaliteParser && parenthesesDepth(member) > MAX_EXPRESSION_PARENTHESES) {
          return `Invalid ${name}: The expression nests parentheses more than ${MAX_EXPRESSION_PARENTHESES} deep, the most the offline platform parses`;
        }
      }
      pending.push({ value: member, wraps: wraps + Number(wrapper) });
    }
  }
  return undefined;
};

/**
 * Deeper than any DynamoDB request: attribute values stop at 32 levels, each two JSON levels
 * (`{"M": {"name": ...}}`), inside a request's few levels of its own.
 */
const MAX_JSON_NESTING = 128;

/**
 * Bodies up to this size are parsed to tell a refusal apart when they nest too deep (JSON.parse
 * takes some 100 ms per MB of deep nesting: 25 ms here at most); a larger one is only measured.
 */
const MAX_DEEP_BODY_PARSED = 256 * 1024;

/** The errors DynamoDB answers a body it cannot take with, in the shape its SDKs read. */
export const DYNAMODB_VALIDATION = 'com.amazon.coral.validate#ValidationException';
export const DYNAMODB_SERIALIZATION = 'com.amazon.coral.service#SerializationException';

export interface BodyCheck {
  /** DynamoDB's ValidationException (attributes nested too deep, an expression too long). */
  validation?: string;
  /** DynamoDB's SerializationException: not UTF-8 JSON, or nested past any request's shape. */
  serialization?: string;
}

const NOT_READABLE = 'The request body is not a JSON document DynamoDB can read';

/**
 * What DynamoDB would refuse in a request body: measured before it is parsed, parsed unless it
 * is both large and nested past any request's shape, and walked without recursion
 * (dynamoDbRefusal). A large body nested past MAX_JSON_NESTING can only be a request whose
 * attribute values nest past DynamoDB's 32 levels (its ValidationException), or no request.
 */
export interface BodyCheckOptions {
  /** In front of dynalite: also refuse expressions its parser cannot take in good time. */
  dynaliteParser?: boolean;
  /** The operation (X-Amz-Target's), to check its members' types (in front of DynamoDB Local). */
  operation?: string;
}

export const bodyCheckOf = (body: Uint8Array, options: BodyCheckOptions = {}): BodyCheck => {
  if (!isUtf8(body)) return { serialization: NOT_READABLE };
  const deep = textNestsDeeperThan(body, MAX_JSON_NESTING);
  if (deep && body.length > MAX_DEEP_BODY_PARSED) return { validation: NESTING_MESSAGE };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { serialization: NOT_READABLE };
  }
  const validation = dynamoDbRefusal(parsed, options);
  if (validation) return { validation };
  if (deep) return { serialization: NOT_READABLE };
  const typeError = options.operation ? typeErrorOf(parsed, options.operation) : undefined;
  return typeError ? { serialization: typeError } : {};
};

const require = createRequire(import.meta.url);

/** dynalite's description of each operation's members and their types, by operation. */
type MemberTypes = Record<string, unknown>;
const memberTypes = new Map<string, MemberTypes | undefined>();
const typesOf = (operation: string): MemberTypes | undefined => {
  if (!memberTypes.has(operation)) {
    const name = `${operation.charAt(0).toLowerCase()}${operation.slice(1)}`;
    let types: MemberTypes | undefined;
    try {
      types = (
        require(require.resolve(`dynalite/validations/${name}.js`)) as { types?: MemberTypes }
      ).types;
    } catch {
      // An operation dynalite does not describe: DynamoDB Local checks it alone.
    }
    memberTypes.set(operation, types);
  }
  return memberTypes.get(operation);
};

/**
 * The SerializationException DynamoDB answers a member of the wrong JSON type with (a list
 * where a string goes, a number for a map), worked out by dynalite's type check, which follows
 * DynamoDB's: DynamoDB Local fails such a request with a 500 instead. Undefined when the types
 * are right, or the operation is not one dynalite describes.
 */
const typeErrorOf = (parsed: unknown, operation: string): string | undefined => {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'Start of structure or map found where not expected: the request body must be a JSON object';
  }
  const types = typesOf(operation);
  if (!types) return undefined;
  const { checkTypes } = require(require.resolve('dynalite/validations/index.js')) as {
    checkTypes: (data: unknown, types: MemberTypes) => unknown;
  };
  try {
    checkTypes(parsed, types);
  } catch (error) {
    const body = (error as { body?: { Message?: string } }).body;
    if (body?.Message !== undefined) return body.Message;
    throw error;
  }
  return undefined;
};

/** The operation an X-Amz-Target header names (`DynamoDB_20120810.PutItem`), if it names one. */
export const operationOf = (target: string | string[] | undefined): string | undefined =>
  /^DynamoDB_20120810\.(\w+)$/.exec(String(target ?? ''))?.[1];

/** Bodies up to this size are checked on the calling thread (a few ms); larger ones, off it. */
const CHECKED_IN_PLACE_BYTES = 256 * 1024;

/** bodyCheckOf, in the checking thread (local/http/off-thread.ts) for a large body. */
export const checkDynamoDbBody = async (
  body: Uint8Array,
  options: BodyCheckOptions = {},
): Promise<BodyCheck> => {
  if (body.length <= CHECKED_IN_PLACE_BYTES) return bodyCheckOf(body, options);
  // Large, and nested too deep in its first part: known here, without copying it off.
  if (textNestsDeeperThan(body.subarray(0, CHECKED_IN_PLACE_BYTES), MAX_JSON_NESTING)) {
    return isUtf8(body) ? { validation: NESTING_MESSAGE } : { serialization: NOT_READABLE };
  }
  return offThread<BodyCheck>(new URL(import.meta.url), 'bodyCheckOf', body, options);
};
