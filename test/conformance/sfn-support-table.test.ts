/**
 * The support table of docs/step-functions-conformance.md is the one the conformance cases
 * give: a case added, or a line of known-failing.ts removed, changes the table, and the page
 * must follow (`node test/conformance/sfn/support-table.ts --write`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SfnCase } from './sfn/case.ts';
import {
  DOCS_PAGE,
  normalised,
  renderSupportTable,
  rowsOf,
  withTable,
} from './sfn/support-table.ts';

describe('the Step Functions support table', () => {
  it('in the docs page is the one the conformance cases give', () => {
    // Prepare
    const page = readFileSync(DOCS_PAGE, 'utf8');

    // Act
    const regenerated = withTable(page, renderSupportTable());

    // Assess
    expect(normalised(page), 'run: node test/conformance/sfn/support-table.ts --write').toBe(
      normalised(regenerated),
    );
  });

  it('counts a case under each state type, field, operator and function its definition uses', () => {
    // Prepare
    const c: SfnCase = {
      name: 'a case',
      page: 'https://states-language.net/spec.html',
      definition: {
        StartAt: 'Check',
        TimeoutSeconds: 5,
        States: {
          Check: {
            Type: 'Choice',
            Choices: [{ Not: { Variable: '$.a', IsNull: true }, Next: 'Both' }],
            Default: 'Both',
          },
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Pass',
                States: {
                  Pass: {
                    Type: 'Pass',
                    QueryLanguage: 'JSONata',
                    Output: '{% $uuid() %}',
                    End: true,
                  },
                },
              },
            ],
            ResultSelector: { 'n.$': 'States.ArrayLength($)' },
            End: true,
          },
        },
      },
      expect: { accepted: true },
    };

    // Act
    const rows = rowsOf(c).sort();

    // Assess
    expect(rows).toEqual(
      [
        'JSONPath | (state machine) | TimeoutSeconds',
        'JSONPath | Choice | (any)',
        'JSONPath | Choice | Choices',
        'JSONPath | Choice | Choices: Not',
        'JSONPath | Choice | Choices: IsNull',
        'JSONPath | Choice | Default',
        'JSONPath | Parallel | (any)',
        'JSONPath | Parallel | Branches',
        'JSONPath | Parallel | ResultSelector',
        'JSONPath | (intrinsic) | States.ArrayLength',
        'JSONata | Pass | (any)',
        'JSONata | Pass | Output',
        'JSONata | (function) | $uuid',
      ].sort(),
    );
  });
});
