/**
 * The documentation the conformance cases come from: each page's address, to which a case adds
 * the anchor of its section. The developer guide's pages as they read now, and the Amazon States
 * Language specification.
 */
const GUIDE = 'https://docs.aws.amazon.com/step-functions/latest/dg';

export const PAGES = {
  intrinsics: `${GUIDE}/intrinsic-functions.html`,
  jsonata: `${GUIDE}/transforming-data.html`,
  variables: `${GUIDE}/workflow-variables.html`,
  context: `${GUIDE}/input-output-contextobject.html`,
  paths: `${GUIDE}/amazon-states-language-paths.html`,
  inputPathParams: `${GUIDE}/input-output-inputpath-params.html`,
  resultPath: `${GUIDE}/input-output-resultpath.html`,
  ioExample: `${GUIDE}/input-output-example.html`,
  itemsPath: `${GUIDE}/input-output-itemspath.html`,
  itemSelector: `${GUIDE}/input-output-itemselector.html`,
  structure: `${GUIDE}/statemachine-structure.html`,
  pass: `${GUIDE}/state-pass.html`,
  task: `${GUIDE}/state-task.html`,
  lambda: `${GUIDE}/connect-lambda.html`,
  choice: `${GUIDE}/state-choice.html`,
  wait: `${GUIDE}/state-wait.html`,
  succeed: `${GUIDE}/state-succeed.html`,
  fail: `${GUIDE}/state-fail.html`,
  parallel: `${GUIDE}/state-parallel.html`,
  mapInline: `${GUIDE}/state-map-inline.html`,
  mapDistributed: `${GUIDE}/state-map-distributed.html`,
  errors: `${GUIDE}/concepts-error-handling.html`,
  diagnostics:
    'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html',
  spec: 'https://states-language.net/spec.html',
} as const;

/** Each page's title, for the support table. */
export const PAGE_TITLES: Record<keyof typeof PAGES, string> = {
  intrinsics: 'Intrinsic functions',
  jsonata: 'Transforming data with JSONata',
  variables: 'Passing data between states with variables',
  context: 'The Context object',
  paths: 'Using JSONPath paths',
  inputPathParams: 'InputPath, Parameters and ResultSelector',
  resultPath: 'ResultPath',
  ioExample: 'Manipulating state data with paths (example)',
  itemsPath: 'ItemsPath (Map)',
  itemSelector: 'ItemSelector (Map)',
  structure: 'State machine structure',
  pass: 'Pass state',
  task: 'Task state',
  lambda: 'Invoke a Lambda function',
  choice: 'Choice state',
  wait: 'Wait state',
  succeed: 'Succeed state',
  fail: 'Fail state',
  parallel: 'Parallel state',
  mapInline: 'Map state, Inline mode',
  mapDistributed: 'Map state, Distributed mode',
  errors: 'Handling errors',
  diagnostics: 'ValidateStateMachineDefinition diagnostics (API reference)',
  spec: 'Amazon States Language specification',
};
