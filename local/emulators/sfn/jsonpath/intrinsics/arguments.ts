/**
 * What every intrinsic function shares: its failure (States.IntrinsicFailure, naming the function
 * and the rule) and the checks of its arguments' number and types.
 */
import { STATES, StatesError } from '../../engine/errors.ts';
import { isObject, type Json, type JsonObject } from '../../engine/types.ts';

/** An intrinsic function: its arguments' values in, its value out; throws IntrinsicFailure. */
export type IntrinsicFunction = (args: Json[], name: string) => Json;

export const intrinsicFailure = (name: string, rule: string) =>
  new StatesError(STATES.IntrinsicFailure, `Invalid arguments in ${name}: ${rule}`);

export const expectCount = (name: string, args: Json[], min: number, max = min) => {
  if (args.length < min || args.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    throw intrinsicFailure(name, `it takes ${wanted} argument(s), ${args.length} given`);
  }
};

export const expectArray = (name: string, value: Json | undefined, what: string): Json[] => {
  if (!Array.isArray(value)) throw intrinsicFailure(name, `${what} must be an array`);
  return value;
};

export const expectString = (name: string, value: Json | undefined, what: string): string => {
  if (typeof value !== 'string') throw intrinsicFailure(name, `${what} must be a string`);
  return value;
};

export const expectObject = (name: string, value: Json | undefined, what: string): JsonObject => {
  if (!isObject(value)) throw intrinsicFailure(name, `${what} must be a JSON object`);
  return value;
};

export const expectInteger = (name: string, value: Json | undefined, what: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw intrinsicFailure(name, `${what} must be an integer`);
  }
  return value;
};

/**
 * A number the function takes as an integer: a non-integer is rounded to the nearest one, as
 * ArrayPartition, ArrayRange, MathAdd and MathRandom do.
 */
export const expectRounded = (name: string, value: Json | undefined, what: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw intrinsicFailure(name, `${what} must be a number`);
  }
  return Math.round(value);
};

/** A string argument of the encoding and hash functions: at most 10,000 characters. */
export const MAX_INTRINSIC_STRING = 10_000;

export const expectShortString = (name: string, value: Json | undefined, what: string) => {
  const text = expectString(name, value, what);
  if (text.length > MAX_INTRINSIC_STRING) {
    throw intrinsicFailure(name, `${what} must have at most ${MAX_INTRINSIC_STRING} characters`);
  }
  return text;
};

/** JSON equality, as ArrayContains and ArrayUnique compare values. */
export const sameJson = (a: Json, b: Json): boolean => {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJson(item, b[i] as Json))
    );
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key] as Json, b[key] as Json))
    );
  }
  return false;
};
