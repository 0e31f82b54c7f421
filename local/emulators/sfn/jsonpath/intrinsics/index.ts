/**
 * The intrinsic functions of JSONPath states, by name, each in its own module under functions/,
 * and the evaluation of a parsed call: its arguments (literals, paths, nested calls) first, then
 * the function. A name Step Functions does not have is refused at CreateStateMachine.
 */
import type { Json } from '../../engine/types.ts';
import type { IntrinsicFunction } from './arguments.ts';
import { statesArray } from './functions/array.ts';
import { arrayContains } from './functions/array-contains.ts';
import { arrayGetItem } from './functions/array-get-item.ts';
import { arrayLength } from './functions/array-length.ts';
import { arrayPartition } from './functions/array-partition.ts';
import { arrayRange } from './functions/array-range.ts';
import { arrayUnique } from './functions/array-unique.ts';
import { base64Decode } from './functions/base64-decode.ts';
import { base64Encode } from './functions/base64-encode.ts';
import { format } from './functions/format.ts';
import { hash } from './functions/hash.ts';
import { jsonMerge } from './functions/json-merge.ts';
import { jsonToString } from './functions/json-to-string.ts';
import { mathAdd } from './functions/math-add.ts';
import { mathRandom } from './functions/math-random.ts';
import { stringSplit } from './functions/string-split.ts';
import { stringToJson } from './functions/string-to-json.ts';
import { uuid } from './functions/uuid.ts';
import type { IntrinsicCall } from './parser.ts';

export const INTRINSIC_FUNCTIONS: Record<string, IntrinsicFunction> = {
  'States.Format': (args, name) => format(args, name),
  'States.StringToJson': stringToJson,
  'States.JsonToString': jsonToString,
  'States.Array': statesArray,
  'States.ArrayPartition': arrayPartition,
  'States.ArrayContains': arrayContains,
  'States.ArrayRange': arrayRange,
  'States.ArrayGetItem': arrayGetItem,
  'States.ArrayLength': arrayLength,
  'States.ArrayUnique': arrayUnique,
  'States.Base64Encode': base64Encode,
  'States.Base64Decode': base64Decode,
  'States.Hash': hash,
  'States.JsonMerge': jsonMerge,
  'States.MathRandom': mathRandom,
  'States.MathAdd': mathAdd,
  'States.StringSplit': stringSplit,
  'States.UUID': uuid,
};

/** The functions whose value is a string: the only ones ErrorPath and CausePath may call. */
export const STRING_INTRINSICS = [
  'States.Format',
  'States.JsonToString',
  'States.ArrayGetItem',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.UUID',
];

/** The names in a call and its nested calls that Step Functions has no function for. */
export const unknownIntrinsics = (call: IntrinsicCall): string[] => [
  ...(Object.hasOwn(INTRINSIC_FUNCTIONS, call.name) ? [] : [call.name]),
  ...call.args.flatMap((arg) => (arg.kind === 'call' ? unknownIntrinsics(arg.call) : [])),
];

/** Evaluates a call; `resolve` gives a path argument's value (and throws when it has none). */
export const evaluateIntrinsic = async (
  call: IntrinsicCall,
  resolve: (path: string) => Promise<Json>,
): Promise<Json> => {
  const args: Json[] = [];
  for (const arg of call.args) {
    args.push(
      arg.kind === 'literal'
        ? arg.value
        : arg.kind === 'path'
          ? await resolve(arg.path)
          : await evaluateIntrinsic(arg.call, resolve),
    );
  }
  if (call.name === 'States.Format') {
    const first = call.args[0];
    return format(args, call.name, first?.kind === 'literal' ? first.raw : undefined);
  }
  return (INTRINSIC_FUNCTIONS[call.name] as IntrinsicFunction)(args, call.name);
};
