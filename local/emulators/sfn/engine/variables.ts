/**
 * Workflow variables (workflow-variables): the top-level states share one scope; each Parallel
 * branch and Map iteration runs in a scope of its own that reads the outer ones and assigns only
 * its own (a name of an outer scope is refused at CreateStateMachine). A state reads the values
 * from before it ran: what it assigns takes effect when it exits. Limits: 256 KiB a value and an
 * Assign, 10 MiB in all.
 */
import { MAX_ASSIGN_BYTES, MAX_VARIABLE_BYTES, MAX_VARIABLES_BYTES } from './defaults.ts';
import { STATES, StatesError } from './errors.ts';
import type { Json, JsonObject } from './types.ts';

/** The bytes of all variables of one execution, shared by its scopes. */
interface Usage {
  bytes: number;
}

export class VariableScope {
  readonly #values = new Map<string, { value: Json; bytes: number }>();
  readonly #parent: VariableScope | undefined;
  readonly #usage: Usage;

  constructor(parent?: VariableScope) {
    this.#parent = parent;
    this.#usage = parent ? parent.#usage : { bytes: 0 };
  }

  /** A scope inside this one: a Parallel branch's or a Map iteration's. */
  child() {
    return new VariableScope(this);
  }

  /** The value of `name` here or in an outer scope; undefined if none assigned it. */
  get(name: string): Json | undefined {
    const own = this.#values.get(name);
    return own ? own.value : this.#parent?.get(name);
  }

  has(name: string): boolean {
    return this.#values.has(name) || (this.#parent?.has(name) ?? false);
  }

  /** Every variable visible here, the inner scope's winning (JSONata's bindings). */
  visible(): JsonObject {
    const outer = this.#parent?.visible() ?? {};
    for (const [name, { value }] of this.#values) outer[name] = value;
    return outer;
  }

  /** Assigns in this scope; `state` names who assigns, for the limits' error. */
  assign(values: JsonObject, state: string) {
    const sizes = Object.entries(values).map(([name, value]) => {
      const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
      if (bytes > MAX_VARIABLE_BYTES) {
        throw limit(state, `the variable '${name}' is ${bytes} bytes, over ${MAX_VARIABLE_BYTES}`);
      }
      return { name, value, bytes };
    });
    const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
    if (total > MAX_ASSIGN_BYTES) {
      throw limit(state, `its Assign is ${total} bytes, over ${MAX_ASSIGN_BYTES}`);
    }
    const replaced = sizes.reduce((sum, { name }) => sum + (this.#values.get(name)?.bytes ?? 0), 0);
    if (this.#usage.bytes + total - replaced > MAX_VARIABLES_BYTES) {
      throw limit(state, `the execution's variables would be over ${MAX_VARIABLES_BYTES} bytes`);
    }
    this.#usage.bytes += total - replaced;
    for (const { name, value, bytes } of sizes) this.#values.set(name, { value, bytes });
  }

  /** Lets go of this scope's variables (a branch or iteration that ended): they leave the total. */
  release() {
    for (const { bytes } of this.#values.values()) this.#usage.bytes -= bytes;
    this.#values.clear();
  }
}

const limit = (state: string, what: string) =>
  new StatesError(
    STATES.DataLimitExceeded,
    `The state '${state}' exceeded a variable limit: ${what}.`,
  );
