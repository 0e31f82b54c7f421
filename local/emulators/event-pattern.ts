/**
 * EventBridge's event patterns, apart from delivery: reading a pattern (and refusing one
 * EventBridge refuses, with InvalidEventPatternException's reason), and matching an event.
 * No maintained npm package does this faithfully (AWS's own engine, Event Ruler, is Java), so it
 * is written here from the EventBridge user guide's pages on patterns (docs/local-eventbridge.md
 * lists what is supported and refused). The refusals' wording is Event Ruler's, which
 * EventBridge returns after "Event pattern is not valid. Reason: ".
 *
 * How a match is decided, as the guide describes it (the array rule is Event Ruler's):
 * - pattern and event are read as field paths joined by dots, so `{"a": {"b": [1]}}` and
 *   `{"a.b": [1]}` are the same pattern, and match `{"a": {"b": 1}}` and `{"a.b": 1}` alike;
 * - a pattern matches when every field matches (`$or` picks one of its objects), a field when
 *   any of its values matches, and an array in the event when any of its elements does; two
 *   fields never match inside different elements of the same array;
 * - exact numbers are compared by the text they were written as (300 is not 300.0), the
 *   `numeric` filter by value.
 */
import { BlockList, isIP } from 'node:net';

/** A JSON number and the text it was written as: exact matching compares the text. */
export class JsonNumber {
  readonly text: string;
  readonly value: number;
  constructor(text: string, value: number) {
    this.text = text;
    this.value = value;
  }
}

export type JsonScalar = null | boolean | string | JsonNumber;
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

/** What EventBridge answers a pattern it refuses with (InvalidEventPatternException). */
export class InvalidEventPattern extends Error {
  override readonly name = 'InvalidEventPatternException';
  readonly reason: string;
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.reason = reason;
  }
}

/** A match that would take too long to decide locally (refused, never guessed). */
export class PatternTooComplexToMatch extends Error {
  override readonly name = 'PatternTooComplexToMatch';
}

/** A JSON object (not an array, not a number read by parseJson). */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof JsonNumber);

/** Parses JSON keeping each number's text (a reviver's `context.source`, Node 21+). */
export const parseJson = (text: string): JsonValue =>
  JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' ? new JsonNumber(context?.source ?? String(value), value) : value,
  ) as JsonValue;

/** A value already in memory (a template's pattern, an event a service built) as JSON reads it. */
export const jsonOf = (value: unknown): JsonValue => {
  if (value instanceof JsonNumber || value === null) return value;
  if (typeof value === 'number') return new JsonNumber(JSON.stringify(value), value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(jsonOf);
  if (value instanceof Date) return value.toISOString();
  if (isObject(value)) {
    const object: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) object[key] = jsonOf(item);
    }
    return object;
  }
  return null;
};

// ---------------------------------------------------------------------------------------------
// Reading a pattern

/** One test on a field's value (a leaf of the event); `exists` is decided on the field. */
type Test =
  | { kind: 'exact'; value: JsonScalar }
  | { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; value: string; ignoreCase: boolean }
  | { kind: 'wildcard'; pattern: RegExp; source: string }
  | { kind: 'numeric'; bounds: NumericBound[] }
  | { kind: 'cidr'; block: BlockList; family: 'ipv4' | 'ipv6' }
  | { kind: 'exists'; exists: boolean }
  | { kind: 'anything-but'; excluded: Test[] };

interface NumericBound {
  operator: '=' | '<' | '<=' | '>' | '>=';
  value: number;
}

/** A pattern as a tree: every field and every `$or` must hold. */
interface Conjunction {
  fields: Map<string, Test[]>;
  ors: Conjunction[][];
}

export interface EventPattern {
  readonly root: Conjunction;
  /** The wildcard strings of each field, for the complexity check. */
  readonly wildcards: ReadonlyMap<string, readonly string[]>;
}

/** Field names Event Ruler keeps for itself inside `$or` (its RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** The largest pattern TestEventPattern and PutRule take (their EventPattern's length constraint). */
export const MAX_PATTERN_LENGTH = 4096;

const refuse = (reason: string): never => {
  throw new InvalidEventPattern(reason);
};

const joinPath = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`);

/** Reads a pattern (its JSON text, or the object a template holds); refuses what EventBridge refuses. */
export const compilePattern = (pattern: string | unknown): EventPattern => {
  let json: JsonValue;
  if (typeof pattern === 'string') {
    try {
      json = parseJson(pattern);
    } catch (error) {
      return refuse(`Filter is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    json = jsonOf(pattern);
  }
  if (!isObject(json)) return refuse('Filter is not an object');
  const wildcards = new Map<string, string[]>();
  const root = readObject(json, '', false, wildcards);
  checkWildcardComplexity(wildcards);
  return { root, wildcards };
};

const readObject = (
  object: Record<string, JsonValue>,
  prefix: string,
  insideOr: boolean,
  wildcards: Map<string, string[]>,
): Conjunction => {
  const entries = Object.entries(object);
  if (entries.length === 0) refuse('Empty objects are not allowed');
  const conjunction: Conjunction = { fields: new Map(), ors: [] };
  for (const [key, value] of entries) {
    if (key === '$or') {
      conjunction.ors.push(readOr(value, prefix, wildcards));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      refuse(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    const path = joinPath(prefix, key);
    if (Array.isArray(value)) {
      // A field named again (or by another spelling of its path) replaces the earlier one.
      conjunction.fields.set(path, readValues(value, path, wildcards));
    } else if (isObject(value)) {
      const nested = readObject(value, path, insideOr, wildcards);
      for (const [field, tests] of nested.fields) conjunction.fields.set(field, tests);
      conjunction.ors.push(...nested.ors);
    } else {
      refuse(`"${key}" must be an object or an array`);
    }
  }
  return conjunction;
};

const readOr = (
  value: JsonValue,
  prefix: string,
  wildcards: Map<string, string[]>,
): Conjunction[] => {
  if (!Array.isArray(value)) return refuse('It must be an Array followed with $or.');
  const branches = value.map((branch) =>
    isObject(branch)
      ? readObject(branch, prefix, true, wildcards)
      : refuse('Only JSON object is allowed in array of $or relationship.'),
  );
  if (branches.length < 2) refuse('There must have at least 2 Objects in $or relationship.');
  return branches;
};

const readValues = (
  values: JsonValue[],
  path: string,
  wildcards: Map<string, string[]>,
): Test[] => {
  if (values.length === 0) refuse('Empty arrays are not allowed');
  return values.map((value): Test => {
    if (isObject(value)) return readExpression(value, path, wildcards);
    if (Array.isArray(value))
      return refuse('Match value must be String, number, true, false, or null');
    return { kind: 'exact', value };
  });
};

/** The one entry of a match expression, as Event Ruler reads it. */
const onlyEntry = (expression: Record<string, JsonValue>, missing: string) => {
  const entries = Object.entries(expression);
  const [first] = entries;
  if (!first) return refuse(missing);
  if (entries.length > 1) refuse('Only one key allowed in match expression');
  return first;
};

const readExpression = (
  expression: Record<string, JsonValue>,
  path: string,
  wildcards: Map<string, string[]>,
): Test => {
  const [operator, operand] = onlyEntry(expression, 'Match expression name not found');
  switch (operator) {
    case 'exactly':
      if (typeof operand !== 'string') refuse('exact match pattern must be a string');
      return { kind: 'exact', value: operand as string };
    case 'prefix':
    case 'suffix':
      return readPrefixOrSuffix(operator, operand);
    case 'equals-ignore-case':
      if (typeof operand !== 'string') refuse('equals-ignore-case match pattern must be a string');
      return { kind: 'equals-ignore-case', value: operand as string, ignoreCase: true };
    case 'wildcard':
      if (typeof operand !== 'string') refuse('wildcard match pattern must be a string');
      return readWildcard(operand as string, path, wildcards);
    case 'numeric':
      return { kind: 'numeric', bounds: readNumeric(operand) };
    case 'exists':
      if (typeof operand !== 'boolean')
        refuse('exists match pattern must be either true or false.');
      return { kind: 'exists', exists: operand as boolean };
    case 'cidr':
      if (typeof operand !== 'string') refuse('prefix match pattern must be a string');
      return readCidr(operand as string);
    case 'anything-but':
      return readAnythingBut(operand, path, wildcards);
    default:
      return refuse(`Unrecognized match type ${operator}`);
  }
};

const readPrefixOrSuffix = (operator: 'prefix' | 'suffix', operand: JsonValue): Test => {
  if (isObject(operand)) {
    const name = operator === 'prefix' ? 'Prefix' : 'Suffix';
    const [inner, value] = onlyEntry(operand, `${name} expression name not found`);
    if (inner !== 'equals-ignore-case') refuse(`Unsupported ${operator} pattern: ${inner}`);
    if (typeof value !== 'string') refuse('equals-ignore-case match pattern must be a string');
    return { kind: operator, value: value as string, ignoreCase: true };
  }
  if (typeof operand !== 'string') refuse(`${operator} match pattern must be a string`);
  return { kind: operator, value: operand as string, ignoreCase: false };
};

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * A wildcard string: `*` matches any run of characters (none included), `\*` a star and `\\` a
 * backslash; two stars in a row, and a backslash before anything else, are refused. Positions
 * count from the string's opening quote, as Event Ruler's do.
 */
export const wildcardRegExp = (source: string): RegExp => {
  let expression = '';
  for (let index = 0; index < source.length; index++) {
    const character = source[index] ?? '';
    if (character === '*') {
      if (source[index + 1] === '*') refuse(`Consecutive wildcard characters at pos ${index + 1}`);
      expression += '[\\s\\S]*';
    } else if (character === '\\') {
      const next = source[index + 1];
      if (next !== '*' && next !== '\\') refuse(`Invalid escape character at pos ${index + 1}`);
      expression += escapeRegExp(next ?? '');
      index++;
    } else {
      expression += escapeRegExp(character);
    }
  }
  return new RegExp(`^${expression}$`, 'u');
};

const readWildcard = (source: string, path: string, wildcards: Map<string, string[]>): Test => {
  const pattern = wildcardRegExp(source);
  wildcards.set(path, [...(wildcards.get(path) ?? []), source]);
  return { kind: 'wildcard', pattern, source };
};

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** `["=", n]`, `["<"|"<="|">"|">=", n]`, or a range `[">"|">=", low, "<"|"<=", high]`. */
const readNumeric = (operand: JsonValue): NumericBound[] => {
  if (!Array.isArray(operand)) return refuse('Value of numeric must be an array.');
  const [operator, value, secondOperator, secondValue, ...rest] = operand;
  if (typeof operator !== 'string') {
    return refuse(`Invalid member in numeric match: ${describe(operator)}`);
  }
  if (!NUMERIC_OPERATORS.has(operator)) refuse(`Unrecognized numeric range operator: ${operator}`);
  const name = operator === '=' ? 'equals' : operator;
  if (!(value instanceof JsonNumber)) return refuse(`Value of ${name} must be numeric`);
  const first = { operator, value: value.value } as NumericBound;
  if (secondOperator === undefined) return [first];
  if (operator !== '>' && operator !== '>=') refuse('Too many elements in numeric expression');
  if (typeof secondOperator !== 'string') {
    return refuse(`Bad value in numeric range: ${describe(secondOperator)}`);
  }
  if (secondOperator !== '<' && secondOperator !== '<=') {
    refuse(`Bad numeric range operator: ${secondOperator}`);
  }
  if (!(secondValue instanceof JsonNumber)) {
    return refuse(`Value of ${secondOperator} must be numeric`);
  }
  if (rest.length > 0) refuse('Too many terms in numeric range expression');
  if (secondValue.value <= value.value) refuse('Bottom must be less than top');
  return [first, { operator: secondOperator, value: secondValue.value } as NumericBound];
};

const describe = (value: JsonValue | undefined): string =>
  value instanceof JsonNumber ? value.text : value === undefined ? ']' : JSON.stringify(value);

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** The family of an IP address literal, as Event Ruler accepts one. */
const ipFamily = (address: string): 'ipv4' | 'ipv6' | undefined => {
  if (IPV4.test(address) && isIP(address) === 4) return 'ipv4';
  if (IPV6.test(address) && isIP(address) === 6) return 'ipv6';
  return undefined;
};

const readCidr = (cidr: string): Test => {
  const parts = cidr.split('/');
  const [address = '', bits = ''] = parts;
  if (parts.length !== 2) refuse("Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(bits)) refuse('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(bits);
  if (maskBits < 0) refuse('Malformed CIDR, mask bits must not be negative');
  const family = ipFamily(address);
  if (!family) {
    return refuse(
      IPV4.test(address) || IPV6.test(address)
        ? `Invalid IP address: ${address}`
        : `Nonstandard IP address: ${address}`,
    );
  }
  if (family === 'ipv4' && maskBits > 31) refuse('IPv4 mask bits must be < 32');
  if (family === 'ipv6' && maskBits > 127) refuse('IPv6 mask bits must be < 128');
  const block = new BlockList();
  block.addSubnet(address, maskBits, family);
  return { kind: 'cidr', block, family };
};

/**
 * `anything-but`: a string or a number, a list of strings or of numbers, or an object naming
 * `prefix`, `suffix`, `equals-ignore-case` or `wildcard` with a string or a list of strings.
 */
const readAnythingBut = (
  operand: JsonValue,
  path: string,
  wildcards: Map<string, string[]>,
): Test => {
  if (isObject(operand)) {
    const entries = Object.entries(operand);
    const [first] = entries;
    if (!first) return refuse('Anything-But expression name not found');
    const [operator, value] = first;
    if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(operator)) {
      refuse(`Unsupported anything-but pattern: ${operator}`);
    }
    if (!(typeof value === 'string' || Array.isArray(value))) {
      refuse('Value of anything-but must be an array or single string/number value.');
    }
    const items = Array.isArray(value) ? value : [value];
    const excluded = items.map((item) => anythingButOf(operator, item, path, wildcards));
    if (entries.length > 1) refuse('Too many elements in numeric expression');
    return { kind: 'anything-but', excluded };
  }
  if (Array.isArray(operand)) {
    const strings = operand.filter((item) => typeof item === 'string').length;
    const numbers = operand.filter((item) => item instanceof JsonNumber).length;
    if (strings + numbers < operand.length) {
      refuse('Inside anything but list, start|null|boolean is not supported.');
    }
    if (strings === numbers || (strings > 0 && numbers > 0)) {
      refuse(
        'Inside anything but list, either all values are number or string, mixed type is not supported',
      );
    }
    return { kind: 'anything-but', excluded: operand.map((value) => exactOrNumber(value)) };
  }
  if (typeof operand === 'string' || operand instanceof JsonNumber) {
    return { kind: 'anything-but', excluded: [exactOrNumber(operand)] };
  }
  return refuse('Value of anything-but must be an array or single string/number value.');
};

/** A number in anything-but is compared by value (Event Ruler's ComparableNumber), a string exactly. */
const exactOrNumber = (value: JsonValue): Test =>
  value instanceof JsonNumber
    ? { kind: 'numeric', bounds: [{ operator: '=', value: value.value }] }
    : { kind: 'exact', value: value as string };

const anythingButOf = (
  operator: string,
  item: JsonValue,
  path: string,
  wildcards: Map<string, string[]>,
): Test => {
  if (typeof item !== 'string') {
    if (operator === 'equals-ignore-case') {
      return refuse(
        'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
      );
    }
    return refuse(
      operator === 'wildcard'
        ? 'wildcard match pattern must be a string'
        : 'prefix/suffix match pattern must be a string',
    );
  }
  if (operator === 'wildcard') return readWildcard(item, path, wildcards);
  if ((operator === 'prefix' || operator === 'suffix') && item === '') {
    refuse('Null prefix/suffix not allowed');
  }
  return {
    kind: operator as 'prefix' | 'suffix' | 'equals-ignore-case',
    value: item,
    ignoreCase: operator === 'equals-ignore-case',
  };
};

// ---------------------------------------------------------------------------------------------
// Wildcard complexity

/**
 * EventBridge refuses a rule whose wildcards are too complex to match quickly ("There is a limit
 * to how complex a wildcard rule can be"), and publishes no number. Event Ruler measures, per
 * field, the most wildcard-pattern states one value can keep alive at once; this measures the
 * same on each field's wildcard strings (each a small automaton) and refuses above the limit.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

const checkWildcardComplexity = (wildcards: ReadonlyMap<string, readonly string[]>) => {
  for (const sources of wildcards.values()) {
    if (wildcardComplexity([...new Set(sources)]) > MAX_WILDCARD_COMPLEXITY) {
      refuse(
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
      );
    }
  }
};

/** A wildcard string as tokens: characters, and `null` for a star. */
const wildcardTokens = (source: string): (string | null)[] => {
  const tokens: (string | null)[] = [];
  for (let index = 0; index < source.length; index++) {
    const character = source[index] ?? '';
    if (character === '*') tokens.push(null);
    else if (character === '\\') tokens.push(source[++index] ?? '');
    else tokens.push(character);
  }
  return tokens;
};

/**
 * The most states, over every input, that the strings' automata are in at once after a star
 * (the states before any star are one path shared by every value, as Event Ruler's are).
 */
export const wildcardComplexity = (sources: readonly string[]): number => {
  const machines = sources.map(wildcardTokens);
  const alphabet = [...new Set(machines.flat().filter((token) => token !== null)), '\u0000'];
  /** A state is [machine, position]; a star at a position loops on any character. */
  const close = (states: Set<string>) => {
    for (const state of [...states]) {
      const [machine, position] = state.split(':').map(Number) as [number, number];
      let at = position;
      while (machines[machine]?.[at] === null) states.add(`${machine}:${++at}`);
    }
    return states;
  };
  const start = close(new Set(machines.map((_, machine) => `${machine}:0`)));
  const afterStar = (state: string) => {
    const [machine, position] = state.split(':').map(Number) as [number, number];
    return machines[machine]?.slice(0, position).includes(null) ?? false;
  };
  const seen = new Set<string>();
  const pending = [start];
  let most = 0;
  while (pending.length > 0 && seen.size < 10_000) {
    const states = pending.pop() ?? new Set<string>();
    const key = [...states].sort().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    most = Math.max(most, [...states].filter(afterStar).length);
    if (most > MAX_WILDCARD_COMPLEXITY) return most;
    for (const character of alphabet) {
      const next = new Set<string>();
      for (const state of states) {
        const [machine, position] = state.split(':').map(Number) as [number, number];
        // After a star, any character may still be the star's.
        if (position > 0 && machines[machine]?.[position - 1] === null) {
          next.add(`${machine}:${position}`);
        }
        if (machines[machine]?.[position] === character) next.add(`${machine}:${position + 1}`);
      }
      if (next.size > 0) pending.push(close(next));
    }
  }
  return most;
};

// ---------------------------------------------------------------------------------------------
// Matching an event

/** A scalar of the event at a field path, and where it sits in the event's arrays. */
interface Leaf {
  value: JsonScalar;
  /** Each enclosing array (by a number of this event's own) and the element's index in it. */
  elements: ReadonlyMap<number, number>;
}

const flatten = (event: JsonValue): Map<string, Leaf[]> => {
  const leaves = new Map<string, Leaf[]>();
  let arrays = 0;
  const walk = (node: JsonValue, path: string, elements: ReadonlyMap<number, number>) => {
    if (Array.isArray(node)) {
      const array = arrays++;
      node.forEach((item, index) => {
        walk(item, path, new Map(elements).set(array, index));
      });
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) walk(value, joinPath(path, key), elements);
    } else {
      const list = leaves.get(path) ?? [];
      list.push({ value: node, elements });
      leaves.set(path, list);
    }
  };
  walk(event, '', new Map());
  return leaves;
};

const lower = (text: string) => text.toLowerCase();

const testLeaf = (test: Test, value: JsonScalar): boolean => {
  switch (test.kind) {
    case 'exact':
      return test.value instanceof JsonNumber
        ? value instanceof JsonNumber && value.text === test.value.text
        : value === test.value;
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case': {
      if (typeof value !== 'string') return false;
      const [have, want] = test.ignoreCase
        ? [lower(value), lower(test.value)]
        : [value, test.value];
      if (test.kind === 'prefix') return have.startsWith(want);
      if (test.kind === 'suffix') return have.endsWith(want);
      return have === want;
    }
    case 'wildcard':
      return typeof value === 'string' && test.pattern.test(value);
    case 'numeric':
      return (
        value instanceof JsonNumber &&
        test.bounds.every(({ operator, value: bound }) => {
          const number = value.value;
          if (operator === '=') return number === bound;
          if (operator === '<') return number < bound;
          if (operator === '<=') return number <= bound;
          if (operator === '>') return number > bound;
          return number >= bound;
        })
      );
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const family = ipFamily(value);
      return family === test.family && test.block.check(value, family);
    }
    case 'anything-but':
      return !test.excluded.some((excluded) => testLeaf(excluded, value));
    case 'exists':
      return test.exists;
  }
};

/** Each array an assignment has entered, and the element it chose. */
type Choice = ReadonlyMap<number, number>;

const fits = (choice: Choice, leaf: Leaf) => {
  for (const [array, index] of leaf.elements) {
    const chosen = choice.get(array);
    if (chosen !== undefined && chosen !== index) return false;
  }
  return true;
};

const extend = (choice: Choice, leaf: Leaf): Choice => {
  const next = new Map(choice);
  for (const [array, index] of leaf.elements) next.set(array, index);
  return next;
};

/** Bounds the search over an event's arrays: a pathological event is refused, not guessed. */
const MAX_STEPS = 1_000_000;

/** Whether `event` (JSON text, or a value) matches `pattern`, as EventBridge decides it. */
export const matchesPattern = (pattern: EventPattern, event: string | JsonValue): boolean => {
  const leaves = flatten(typeof event === 'string' ? parseJson(event) : event);
  let steps = 0;
  const step = (count = 1) => {
    steps += count;
    if (steps > MAX_STEPS) {
      throw new PatternTooComplexToMatch(
        'The event has too many array elements to match this pattern locally',
      );
    }
  };

  /** Calls `next` with each way a field can hold under `choice`, until one returns true. */
  const field = (path: string, tests: Test[], choice: Choice, next: (c: Choice) => boolean) => {
    const all = leaves.get(path) ?? [];
    step(all.length);
    const candidates = all.filter((leaf) => fits(choice, leaf));
    for (const test of tests) {
      if (test.kind === 'exists') {
        step();
        if (
          test.exists
            ? candidates.length > 0 && tryEach(candidates, choice, next)
            : candidates.length === 0 && next(choice)
        ) {
          return true;
        }
        continue;
      }
      const matching = candidates.filter((leaf) => testLeaf(test, leaf.value));
      if (tryEach(matching, choice, next)) return true;
    }
    return false;
  };

  const tryEach = (matching: Leaf[], choice: Choice, next: (c: Choice) => boolean) => {
    for (const leaf of matching) {
      step();
      if (next(leaf.elements.size === 0 ? choice : extend(choice, leaf))) return true;
    }
    return false;
  };

  const conjunction = (node: Conjunction, choice: Choice, next: (c: Choice) => boolean) => {
    const fields = [...node.fields];
    const holds = (index: number, current: Choice): boolean => {
      if (index < fields.length) {
        const [path, tests] = fields[index] as [string, Test[]];
        return field(path, tests, current, (after) => holds(index + 1, after));
      }
      return ors(0, current);
    };
    const ors = (index: number, current: Choice): boolean => {
      const branches = node.ors[index];
      if (!branches) return next(current);
      return branches.some((branch) =>
        conjunction(branch, current, (after) => ors(index + 1, after)),
      );
    };
    return holds(0, choice);
  };

  return conjunction(pattern.root, new Map(), () => true);
};
