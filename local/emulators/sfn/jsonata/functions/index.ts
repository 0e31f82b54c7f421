/**
 * The functions Step Functions adds to JSONata (transforming-data, "JSONata functions provided
 * by Step Functions"), each in its own module, with the signature jsonata checks its arguments
 * against; and `$eval`, which Step Functions does not provide: calling it fails as calling any
 * function that does not exist does.
 */
import { HASH_SIGNATURE, hash } from './hash.ts';
import { PARSE_SIGNATURE, parse } from './parse.ts';
import { PARTITION_SIGNATURE, partition } from './partition.ts';
import { RANDOM_SIGNATURE, random } from './random.ts';
import { RANGE_SIGNATURE, range } from './range.ts';
import { UUID_SIGNATURE, uuid } from './uuid.ts';

type Implementation = (...args: never[]) => unknown;

export const STEP_FUNCTIONS_FUNCTIONS: Record<
  string,
  { implementation: Implementation; signature: string }
> = {
  partition: { implementation: partition, signature: PARTITION_SIGNATURE },
  range: { implementation: range, signature: RANGE_SIGNATURE },
  hash: { implementation: hash, signature: HASH_SIGNATURE },
  random: { implementation: random, signature: RANDOM_SIGNATURE },
  uuid: { implementation: uuid, signature: UUID_SIGNATURE },
  parse: { implementation: parse, signature: PARSE_SIGNATURE },
};

/** JSONata's functions Step Functions leaves out. */
export const WITHHELD_FUNCTIONS = ['eval'];
