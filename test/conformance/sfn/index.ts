/**
 * Every Step Functions conformance case file, in the order the suite and the support table
 * list them: the file's title (its page or topic) and its cases.
 */
import type { SfnCase } from './case.ts';
import { choiceCases } from './choice.ts';
import { contextObjectCases } from './context-object.ts';
import { definitionCases } from './definitions.ts';
import { errorHandlingCases } from './error-handling.ts';
import { inputOutputCases } from './input-output.ts';
import { intrinsicFunctionCases } from './intrinsic-functions.ts';
import { jsonataCases } from './jsonata.ts';
import { mapCases, parallelCases } from './parallel-map.ts';
import { passCases, taskCases } from './pass-task.ts';
import { variableCases } from './variables.ts';
import { failCases, succeedCases, waitCases } from './wait-succeed-fail.ts';

export interface CaseFile {
  title: string;
  cases: SfnCase[];
}

export const CASE_FILES: CaseFile[] = [
  { title: 'Input and output processing (JSONPath)', cases: inputOutputCases },
  { title: 'Intrinsic functions', cases: intrinsicFunctionCases },
  { title: 'Transforming data with JSONata', cases: jsonataCases },
  { title: 'Variables', cases: variableCases },
  { title: 'The Context object', cases: contextObjectCases },
  { title: 'Pass', cases: passCases },
  { title: 'Task', cases: taskCases },
  { title: 'Wait', cases: waitCases },
  { title: 'Succeed', cases: succeedCases },
  { title: 'Fail', cases: failCases },
  { title: 'Choice', cases: choiceCases },
  { title: 'Parallel', cases: parallelCases },
  { title: 'Map (inline)', cases: mapCases },
  { title: 'Error handling', cases: errorHandlingCases },
  { title: 'Definitions: CreateStateMachine', cases: definitionCases },
];

export const ALL_CASES: SfnCase[] = CASE_FILES.flatMap((file) => file.cases);
