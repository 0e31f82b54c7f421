/**
 * The shapes the interpreter works on: JSON values, a state machine definition as CreateStateMachine
 * accepted it, and the query language each state runs in. Checked at creation (definition/), so
 * the interpreter trusts them.
 */
import type { Retrier } from '../../../template/asl.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type QueryLanguage = 'JSONPath' | 'JSONata';

export type StateType =
  | 'Pass'
  | 'Task'
  | 'Choice'
  | 'Wait'
  | 'Succeed'
  | 'Fail'
  | 'Parallel'
  | 'Map';

/** A retrier as the ASL writes it (the template's reader owns its shape and its arithmetic). */
export type { Retrier };

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  /** JSONPath. */
  ResultPath?: string | null;
  /** JSONata. */
  Output?: Json;
  Assign?: JsonObject;
}

/** One state as written: the fields of every type, each optional (definition/ checks which apply). */
export interface StateDefinition {
  Type: StateType;
  QueryLanguage?: QueryLanguage;
  Comment?: string;
  Next?: string;
  End?: boolean;
  // JSONPath input and output processing
  InputPath?: string | null;
  Parameters?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  OutputPath?: string | null;
  Result?: Json;
  // JSONata
  Arguments?: Json;
  Output?: Json;
  // both
  Assign?: JsonObject;
  // Task
  Resource?: string;
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
  // Choice
  Choices?: JsonObject[];
  Default?: string;
  // Wait
  Seconds?: number | string;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  // Fail
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
  // Parallel
  Branches?: MachineDefinition[];
  // Map
  ItemProcessor?: MachineDefinition & { ProcessorConfig?: { Mode?: string } };
  Iterator?: MachineDefinition;
  ItemsPath?: string;
  Items?: Json;
  ItemSelector?: Json;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
}

export interface MachineDefinition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  QueryLanguage?: QueryLanguage;
  TimeoutSeconds?: number;
  Comment?: string;
  Version?: string;
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
