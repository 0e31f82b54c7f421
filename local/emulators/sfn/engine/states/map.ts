/**
 * Map, inline (state-map-inline): one iteration per item, each in a variable scope of its own,
 * with the context object's Map.Item (Index, Value, Source), at most MaxConcurrency at once (0
 * or none: as many as an inline Map runs, 40). The items: JSONPath ItemsPath on the effective
 * input (an array), JSONata Items (an array or an expression giving one) or the input. Each
 * item goes through ItemSelector (or the legacy Parameters) first. The first iteration to fail
 * fails the state; the iterations still running are aborted.
 */
import { expressionOf } from '../../jsonata/expression.ts';
import { evaluateFields, typedField } from '../../jsonata/processing.ts';
import { resolvePath } from '../../jsonpath/resolve.ts';
import { evaluateTemplate } from '../../jsonpath/template.ts';
import type { StateAction } from '../action.ts';
import { INLINE_MAP_CONCURRENCY } from '../defaults.ts';
import { ExecutionAborted, fieldError } from '../errors.ts';
import { innerSignal, withEndEvent } from '../runtime.ts';
import type { Json, JsonObject, MachineDefinition } from '../types.ts';

export const mapState: StateAction = async ({
  name,
  state,
  input,
  effective,
  scope,
  runtime,
  signal,
  runNested,
}) => {
  const jsonata = scope.language === 'JSONata';
  const { history } = runtime;

  // The items.
  let items: Json;
  if (jsonata) {
    items =
      state.Items === undefined
        ? input
        : expressionOf(state.Items) !== undefined || Array.isArray(state.Items)
          ? await typedField(scope, { input }, 'Items', state.Items, 'array')
          : state.Items;
    if (!Array.isArray(items)) {
      throw fieldError(
        scope,
        `Map state input must be an array but was: ${JSON.stringify(items)}`,
        'Items',
      );
    }
  } else {
    const itemsPath = state.ItemsPath ?? '$';
    const selection = await resolvePath(itemsPath, effective, scope);
    items = selection.found ? selection.value : (undefined as unknown as Json);
    if (!Array.isArray(items)) {
      throw fieldError(scope, `Reference path "${itemsPath}" must point to array.`, 'ItemsPath');
    }
  }

  // How many at once.
  let concurrency: Json = state.MaxConcurrency ?? 0;
  if (jsonata && expressionOf(state.MaxConcurrency) !== undefined) {
    concurrency = await typedField(
      scope,
      { input },
      'MaxConcurrency',
      state.MaxConcurrency as string,
      'number',
    );
  } else if (state.MaxConcurrencyPath !== undefined) {
    const selection = await resolvePath(state.MaxConcurrencyPath, effective, scope);
    concurrency = selection.found ? selection.value : null;
  }
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 0) {
    throw fieldError(
      scope,
      `The MaxConcurrency value ${JSON.stringify(concurrency)} is not a valid integer.`,
      'MaxConcurrency',
    );
  }
  const limit = Math.min(
    concurrency === 0 ? INLINE_MAP_CONCURRENCY : concurrency,
    INLINE_MAP_CONCURRENCY,
  );

  const processor = (state.ItemProcessor ?? state.Iterator) as MachineDefinition;
  const selector = state.ItemSelector ?? state.Parameters;
  const list = items;
  history.stateStarted('Map', list.length);
  const { controller: iterations, dispose } = innerSignal(signal);
  const results: Json[] = new Array(list.length).fill(null);
  const running = new Set<number>();
  let next = 0;
  let failure: unknown;

  const iterate = async (index: number) => {
    const item: JsonObject = { Index: index, Value: list[index] as Json, Source: 'STATE_DATA' };
    const itemScope = { ...scope, context: { ...scope.context, Map: { Item: item } } };
    history.mapIteration('Started', name, index);
    const variables = scope.variables.child();
    running.add(index);
    try {
      let itemInput: Json = item.Value as Json;
      if (selector !== undefined) {
        itemInput = jsonata
          ? ((
              await evaluateFields(itemScope, { input }, [
                { location: 'ItemSelector', template: selector },
              ])
            )[0] as Json)
          : await evaluateTemplate(selector, effective, itemScope);
      }
      results[index] = await runNested(processor, itemInput, {
        variables,
        signal: iterations.signal,
        item,
      });
      running.delete(index);
      history.mapIteration('Succeeded', name, index);
    } catch (error) {
      running.delete(index);
      if (iterations.signal.aborted) return;
      history.mapIteration('Failed', name, index);
      failure = error;
      for (const other of running) history.mapIteration('Aborted', name, other);
      iterations.abort(new ExecutionAborted('an iteration failed'));
    } finally {
      variables.release();
    }
  };
  const worker = async () => {
    while (failure === undefined && !iterations.signal.aborted && next < list.length)
      await iterate(next++);
  };
  return withEndEvent(history, 'Map', signal, dispose, async () => {
    await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
    if (signal.aborted) throw signal.reason;
    if (failure !== undefined) throw failure;
    return { result: results };
  });
};
