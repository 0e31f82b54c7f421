/**
 * Choice (state-choice): the first rule that holds names the next state; with none, Default;
 * with no Default either, the state fails with States.NoChoiceMatched. A JSONPath rule is a
 * data-test expression (jsonpath/choice-rules.ts) on the effective input; a JSONata rule's
 * Condition must give a boolean. A matched rule's Assign (and, in JSONata, Output) stand for
 * the state's, which apply when Default is taken.
 */
import { typedField } from '../../jsonata/processing.ts';
import { ruleHolds } from '../../jsonpath/choice-rules.ts';
import type { StateAction } from '../action.ts';
import { STATES, StatesError } from '../errors.ts';
import { causeIn } from '../scope.ts';
import type { JsonObject } from '../types.ts';

export const choiceState: StateAction = async ({ state, input, effective, scope }) => {
  for (const [index, rule] of (state.Choices ?? []).entries()) {
    const holds =
      scope.language === 'JSONata'
        ? (await typedField(
            scope,
            { input },
            `Choices/${index}/Condition`,
            rule.Condition ?? null,
            'boolean',
          )) === true
        : await ruleHolds(rule, effective, scope);
    if (holds) return { next: rule.Next as string, rule: rule as JsonObject };
  }
  if (state.Default === undefined) {
    throw new StatesError(STATES.NoChoiceMatched, causeIn(scope, 'No Matches!'));
  }
  return { next: state.Default };
};
