/**
 * EventBridge event patterns, case by case, from AWS's documentation only: each case names the
 * page and section it comes from, the pattern and the event shown or described there, and the
 * result the page states (a match, no match, or the error). Where a page shows a pattern but
 * not an event, the event is the smallest one the page's sentence is about.
 *
 * An event given as an object is completed with the envelope fields TestEventPattern requires
 * (ENVELOPE, the EC2 event of the event patterns page); one given as text is sent as written,
 * which is how a case about how a number was written (300 against 300.0) keeps its spelling.
 */

const GUIDE = 'https://docs.aws.amazon.com/eventbridge/latest/userguide';
export const PAGES = {
  patterns: `${GUIDE}/eb-event-patterns.html`,
  syntax: `${GUIDE}/eb-create-pattern.html`,
  operators: `${GUIDE}/eb-create-pattern-operators.html`,
  filtering: `${GUIDE}/content-filtering-with-event-patterns.html`,
  arrays: `${GUIDE}/eb-event-patterns-arrays.html`,
  nulls: `${GUIDE}/eb-event-patterns-null-values.html`,
  bestPractices: `${GUIDE}/eb-patterns-best-practices.html`,
  testEventPattern:
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html',
} as const;

export type Expected =
  | 'match'
  | 'no match'
  | 'InvalidEventPatternException'
  | 'ValidationException';

export interface PatternCase {
  name: string;
  page: string;
  section: string;
  pattern: string | Record<string, unknown>;
  event: string | Record<string, unknown>;
  expected: Expected;
  /** Reported in issue 21 as wrong (or refused) on the local bus before this suite. */
  reported?: true;
}

/** The event patterns page's EC2 event: every field TestEventPattern requires. */
export const ENVELOPE = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** A case's TestEventPattern request: its two strings, as a user sends them. */
export const requestOf = ({ pattern, event }: PatternCase) => ({
  EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern),
  Event: typeof event === 'string' ? event : JSON.stringify({ ...ENVELOPE, ...event }),
});

/** An event whose only content is `detail` (the envelope's other fields stay). */
const withDetail = (detail: Record<string, unknown>) => ({ detail });

/** The envelope as JSON text with `detail` written exactly as given (numbers keep their spelling). */
const withDetailText = (detail: string) =>
  `${JSON.stringify({ ...ENVELOPE, detail: null }).replace(/"detail":null}$/, `"detail":${detail}}`)}`;

const EC2_TERMINATED = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const AUTOSCALING_EVENT = {
  ...ENVELOPE,
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const RESOURCES_PATTERN = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const NUMERIC_EXAMPLE = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const COMPLEX_EXAMPLE = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

const OR_EXAMPLE = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};

const CLOUDTRAIL_OR = {
  'detail-type': ['AWS API Call via CloudTrail'],
  $or: [
    { source: ['aws.sqs'], detail: { eventName: ['CreateQueue', 'SetQueueAttributes'] } },
    { source: ['aws.kms'], detail: { eventName: ['CreateKey', 'DisableKeyRotation'] } },
  ],
};

const cloudTrailCall = (source: string, eventName: string) => ({
  source,
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventName },
});

/** Cases of one page section: the same page and section, a pattern, and events with their results. */
const section = (
  page: string,
  title: string,
  pattern: PatternCase['pattern'],
  events: [name: string, event: PatternCase['event'], expected: Expected, reported?: true][],
): PatternCase[] =>
  events.map(([name, event, expected, reported]) => ({
    name,
    page,
    section: title,
    pattern,
    event,
    expected,
    ...(reported ? { reported } : {}),
  }));

export const CASES: PatternCase[] = [
  // Amazon EventBridge event patterns
  ...section(PAGES.patterns, 'the EC2 instance-termination example', EC2_TERMINATED, [
    ['the terminated instance event matches', ENVELOPE, 'match'],
    [
      'the same event with another state does not',
      withDetail({ 'instance-id': 'i-1234567890abcdef0', state: 'running' }),
      'no match',
    ],
  ]),

  // Event pattern syntax
  ...section(PAGES.syntax, 'Matching event values', { source: ['aws.ec2', 'aws.fargate'] }, [
    ['a source listed second matches', { source: 'aws.fargate' }, 'match'],
    ['a source not listed does not', { source: 'aws.s3' }, 'no match'],
  ]),
  ...section(
    PAGES.syntax,
    'Event pattern syntax: the event must contain every field of the pattern, nested alike',
    EC2_TERMINATED,
    [
      [
        'an event without detail.state does not match',
        withDetail({ 'instance-id': 'i-1' }),
        'no match',
      ],
      [
        'a state outside detail (another nesting) does not match',
        { state: 'terminated', detail: { 'instance-id': 'i-1' } },
        'no match',
      ],
    ],
  ),
  ...section(
    PAGES.syntax,
    'Considerations: strings match character by character, without case-folding',
    { source: ['aws.ec2'] },
    [['AWS.EC2 does not match aws.ec2', { source: 'AWS.EC2' }, 'no match']],
  ),
  ...section(
    PAGES.syntax,
    'Considerations: numbers match by their string representation (300, 300.0 and 3.0e2 are not equal)',
    { detail: { 'x-limit': [300] } },
    [
      ['300 matches [300]', withDetailText('{"x-limit": 300}'), 'match'],
      ['300.0 does not match [300]', withDetailText('{"x-limit": 300.0}'), 'no match', true],
      ['3.0e2 does not match [300]', withDetailText('{"x-limit": 3.0e2}'), 'no match', true],
    ],
  ),
  ...section(
    PAGES.syntax,
    'Considerations: when a field is given twice, only the last pattern is used',
    '{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}',
    [
      [
        'eu-west passes the last pattern (the first would refuse it)',
        withDetail({ location: 'eu-west' }),
        'match',
      ],
      ['us-east fails the last pattern', withDetail({ location: 'us-east' }), 'no match'],
    ],
  ),
  ...section(
    PAGES.syntax,
    'Considerations: dot (.) joins field names, so nested and dotted names are the same',
    { detail: { state: { status: ['running'] } } },
    [
      [
        'a dotted name in the event matches a nested pattern',
        withDetail({ 'state.status': 'running' }),
        'match',
      ],
    ],
  ),
  ...section(
    PAGES.syntax,
    'Considerations: dot (.) joins field names, so nested and dotted names are the same',
    { detail: { 'state.status': ['running'] } },
    [
      [
        'a nested event matches a dotted pattern',
        withDetail({ state: { status: 'running' } }),
        'match',
      ],
    ],
  ),
  ...section(
    PAGES.syntax,
    'Matching event values: the value to match is in a JSON array',
    { source: 'aws.ec2' },
    [['a value that is not an array is refused', ENVELOPE, 'InvalidEventPatternException', true]],
  ),

  // Matching null values and empty strings
  ...section(PAGES.nulls, 'an empty string', { detail: { eventVersion: [''] } }, [
    ['matches the Auto Scaling event’s empty eventVersion', AUTOSCALING_EVENT, 'match'],
  ]),
  ...section(PAGES.nulls, 'a null value', { detail: { responseElements: [null] } }, [
    ['matches the Auto Scaling event’s null responseElements', AUTOSCALING_EVENT, 'match'],
  ]),
  ...section(
    PAGES.nulls,
    'null values and empty strings are not interchangeable',
    { detail: { responseElements: [''] } },
    [['an empty string does not match a null value', AUTOSCALING_EVENT, 'no match']],
  ),
  ...section(
    PAGES.nulls,
    'null values and empty strings are not interchangeable',
    { detail: { eventVersion: [null] } },
    [['null does not match an empty string', AUTOSCALING_EVENT, 'no match']],
  ),

  // Arrays
  ...section(
    PAGES.arrays,
    'an array in the event matches when the intersection is not empty',
    RESOURCES_PATTERN,
    [
      [
        'the pattern’s first ARN is the event’s second',
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
        'match',
      ],
      [
        'no ARN in common',
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          ],
        },
        'no match',
      ],
    ],
  ),

  // Comparison operators: the summary table
  ...section(PAGES.operators, 'And', { Location: ['New York'], Day: ['Monday'] }, [
    ['New York on Monday', { Location: 'New York', Day: 'Monday' }, 'match'],
    ['New York on Tuesday', { Location: 'New York', Day: 'Tuesday' }, 'no match'],
  ]),
  ...section(PAGES.operators, 'Anything-but', { state: [{ 'anything-but': 'initializing' }] }, [
    ['running', { state: 'running' }, 'match'],
    ['initializing', { state: 'initializing' }, 'no match'],
  ]),
  ...section(
    PAGES.operators,
    'Anything-but (begins with)',
    { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    [
      ['eu-west-1 is not in the US', { Region: 'eu-west-1' }, 'match'],
      ['us-east-1 is', { Region: 'us-east-1' }, 'no match'],
    ],
  ),
  ...section(
    PAGES.operators,
    'Anything-but (ends with)',
    { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    [
      ['photo.jpg', { FileName: 'photo.jpg' }, 'match', true],
      ['photo.png', { FileName: 'photo.png' }, 'no match', true],
    ],
  ),
  ...section(
    PAGES.operators,
    'Anything-but (ignore case)',
    { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    [
      ['INITIALIZING is a casing of initializing', { state: 'INITIALIZING' }, 'no match', true],
      ['running', { state: 'running' }, 'match', true],
    ],
  ),
  ...section(
    PAGES.operators,
    'Anything-but using a wildcard',
    { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    [
      ['a path through /lib/', { FilePath: '/usr/lib/libc.so' }, 'no match', true],
      ['a path not through /lib/', { FilePath: '/usr/bin/env' }, 'match', true],
    ],
  ),
  ...section(PAGES.operators, 'Begins with', { Region: [{ prefix: 'us-' }] }, [
    ['us-west-2', { Region: 'us-west-2' }, 'match'],
    ['eu-west-1', { Region: 'eu-west-1' }, 'no match'],
  ]),
  ...section(
    PAGES.operators,
    'Begins with (ignore case)',
    { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
    [
      ['EventBridge', { service: 'EventBridge' }, 'match', true],
      ['Lambda', { service: 'Lambda' }, 'no match'],
    ],
  ),
  ...section(PAGES.operators, 'Empty', { LastName: [''] }, [
    ['an empty LastName', { LastName: '' }, 'match'],
    ['a LastName', { LastName: 'Smith' }, 'no match'],
  ]),
  ...section(PAGES.operators, 'Equals', { Name: ['Alice'] }, [
    ['Alice', { Name: 'Alice' }, 'match'],
  ]),
  ...section(
    PAGES.operators,
    'Equals (ignore case)',
    { Name: [{ 'equals-ignore-case': 'alice' }] },
    [
      ['ALICE', { Name: 'ALICE' }, 'match', true],
      ['Bob', { Name: 'Bob' }, 'no match'],
    ],
  ),
  ...section(PAGES.operators, 'Ends with', { FileName: [{ suffix: '.png' }] }, [
    ['image.png', { FileName: 'image.png' }, 'match', true],
    ['image.jpg', { FileName: 'image.jpg' }, 'no match'],
  ]),
  ...section(
    PAGES.operators,
    'Ends with (ignore case)',
    { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] },
    [['EventBridge ends with TBRIDGE, any casing', { service: 'EVENTBRIDGE' }, 'match', true]],
  ),
  ...section(PAGES.operators, 'Exists', { ProductName: [{ exists: true }] }, [
    ['a ProductName', { ProductName: 'Widget' }, 'match'],
    ['no ProductName', {}, 'no match'],
  ]),
  ...section(PAGES.operators, 'Does not exist', { ProductName: [{ exists: false }] }, [
    ['no ProductName', {}, 'match'],
    ['a ProductName', { ProductName: 'Widget' }, 'no match'],
  ]),
  ...section(PAGES.operators, 'Not', { Weather: [{ 'anything-but': ['Raining'] }] }, [
    ['Sunny', { Weather: 'Sunny' }, 'match'],
    ['Raining', { Weather: 'Raining' }, 'no match'],
  ]),
  ...section(PAGES.operators, 'Null', { UserID: [null] }, [
    ['a null UserID', { UserID: null }, 'match'],
    ['a UserID', { UserID: 'u-1' }, 'no match'],
  ]),
  ...section(PAGES.operators, 'Numeric (equals)', { Price: [{ numeric: ['=', 100] }] }, [
    ['100', { Price: 100 }, 'match', true],
    ['101', { Price: 101 }, 'no match', true],
    ['the string "100" is not a number', { Price: '100' }, 'no match'],
  ]),
  ...section(PAGES.operators, 'Numeric (range)', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, [
    ['15', { Price: 15 }, 'match', true],
    ['10 (the bottom is open)', { Price: 10 }, 'no match', true],
    ['20 (the top is closed)', { Price: 20 }, 'match', true],
  ]),
  ...section(PAGES.operators, 'Or', { PaymentType: ['Credit', 'Debit'] }, [
    ['Debit', { PaymentType: 'Debit' }, 'match'],
    ['Cash', { PaymentType: 'Cash' }, 'no match'],
  ]),
  ...section(
    PAGES.operators,
    'Or (multiple fields)',
    { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    [
      ['Boston on Monday', { Location: 'Boston', Day: 'Monday' }, 'match', true],
      ['Boston on Tuesday', { Location: 'Boston', Day: 'Tuesday' }, 'no match', true],
    ],
  ),
  ...section(PAGES.operators, 'Wildcard', { FileName: [{ wildcard: 'dir/*.png' }] }, [
    ['a .png in dir', { FileName: 'dir/photo.png' }, 'match', true],
    ['a .jpg in dir', { FileName: 'dir/photo.jpg' }, 'no match', true],
  ]),
  ...section(
    PAGES.operators,
    'the summary lists all the comparison operators available',
    { FileName: [{ contains: 'photo' }] },
    [
      [
        'an operator not listed is refused',
        { FileName: 'photo.png' },
        'InvalidEventPatternException',
      ],
    ],
  ),

  // Content filtering: the filter types, section by section
  ...section(PAGES.filtering, 'Prefix matching', { time: [{ prefix: '2017-10-02' }] }, [
    ['2017-10-02T18:43:48Z', { time: '2017-10-02T18:43:48Z' }, 'match'],
    ['2017-10-03T18:43:48Z', { time: '2017-10-03T18:43:48Z' }, 'no match'],
  ]),
  ...section(
    PAGES.filtering,
    'Prefix matching while ignoring case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    [
      ['EVENTBRIDGE', withDetail({ service: 'EVENTBRIDGE' }), 'match', true],
      ['eventbus', withDetail({ service: 'eventbus' }), 'match', true],
      ['Events', withDetail({ service: 'Events' }), 'no match'],
    ],
  ),
  ...section(PAGES.filtering, 'Suffix matching', { FileName: [{ suffix: '.png' }] }, [
    ['a .png file', { FileName: 'cat.png' }, 'match', true],
  ]),
  ...section(
    PAGES.filtering,
    'Suffix matching while ignoring case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    [
      ['IMAGE.PNG', withDetail({ FileName: 'IMAGE.PNG' }), 'match', true],
      ['image.gif', withDetail({ FileName: 'image.gif' }), 'no match'],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Anything-but matching: a list of strings',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    [
      ['overloaded', withDetail({ state: 'overloaded' }), 'no match'],
      ['running', withDetail({ state: 'running' }), 'match'],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Anything-but matching: a number',
    { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    [
      ['123', withDetail({ 'x-limit': 123 }), 'no match'],
      ['124', withDetail({ 'x-limit': 124 }), 'match'],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Anything-but matching: a list of numbers',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    [
      ['200', withDetail({ 'x-limit': 200 }), 'no match'],
      ['150', withDetail({ 'x-limit': 150 }), 'match'],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Anything-but matching: a prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    [
      ['initializing', withDetail({ state: 'initializing' }), 'no match'],
      ['running', withDetail({ state: 'running' }), 'match'],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Anything-but matching: ignoring case, a list',
    {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] },
    },
    [
      ['STOPPED', withDetail({ state: 'STOPPED' }), 'no match', true],
      ['running', withDetail({ state: 'running' }), 'match', true],
    ],
  ),
  ...section(PAGES.filtering, 'Numeric matching', NUMERIC_EXAMPLE, [
    [
      'c-count 5, d-count 3, x-limit 301.8: true for all fields',
      withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }),
      'match',
      true,
    ],
    [
      'c-count 0 is not above 0',
      withDetail({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }),
      'no match',
      true,
    ],
    [
      'a numeric filter compares by value: 301.80 is 3.018e2',
      withDetailText('{"c-count": 5, "d-count": 3, "x-limit": 301.80}'),
      'match',
      true,
    ],
  ]),
  ...section(
    PAGES.filtering,
    'IP address matching',
    { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    [
      [
        '10.0.0.255 is in 10.0.0.0/24',
        withDetail({ sourceIPAddress: '10.0.0.255' }),
        'match',
        true,
      ],
      ['10.0.1.1 is not', withDetail({ sourceIPAddress: '10.0.1.1' }), 'no match', true],
    ],
  ),
  ...section(
    PAGES.filtering,
    'IP address matching (IPv4 and IPv6 addresses)',
    { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    [
      ['2001:db8::1', withDetail({ sourceIPAddress: '2001:db8::1' }), 'match', true],
      ['2001:db9::1', withDetail({ sourceIPAddress: '2001:db9::1' }), 'no match', true],
    ],
  ),
  ...section(PAGES.filtering, 'Exists matching', { detail: { state: [{ exists: true }] } }, [
    ['the EC2 event has detail.state', ENVELOPE, 'match'],
    ['an event with detail.c-count only', withDetail({ 'c-count': { c1: 100 } }), 'no match'],
  ]),
  ...section(
    PAGES.filtering,
    'Exists matching: only on leaf nodes',
    { detail: { 'c-count': [{ exists: false }] } },
    [
      ['no detail.c-count', withDetail({ state: ['initializing', 'running'] }), 'match'],
      ['detail.c-count is an object, not a leaf', withDetail({ 'c-count': { c1: 100 } }), 'match'],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Equals-ignore-case matching',
    { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    [['the EC2 event’s detail-type in any casing', ENVELOPE, 'match', true]],
  ),
  ...section(
    PAGES.filtering,
    'Matching using wildcards',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    [
      [
        'a bus in us-east-1',
        { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
        'match',
        true,
      ],
      [
        'a bus in us-west-2',
        { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/orders' },
        'no match',
        true,
      ],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Matching using wildcards: \\* is a literal star',
    { FileName: [{ wildcard: 'report\\*.csv' }] },
    [
      ['report*.csv', { FileName: 'report*.csv' }, 'match', true],
      ['report-2024.csv', { FileName: 'report-2024.csv' }, 'no match', true],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Matching using wildcards: \\\\ is a literal backslash',
    { FileName: [{ wildcard: 'C:\\\\*' }] },
    [['C:\\temp', { FileName: 'C:\\temp' }, 'match', true]],
  ),
  ...section(
    PAGES.filtering,
    'Matching using wildcards: consecutive wildcard characters are not supported',
    { FileName: [{ wildcard: 'dir/**.png' }] },
    [
      [
        'two stars in a row are refused',
        { FileName: 'dir/a.png' },
        'InvalidEventPatternException',
        true,
      ],
    ],
  ),
  ...section(
    PAGES.filtering,
    'Matching using wildcards: escaping other characters with a backslash is not supported',
    { FileName: [{ wildcard: 'dir\\/*.png' }] },
    [['\\/ is refused', { FileName: 'dir/a.png' }, 'InvalidEventPatternException', true]],
  ),
  ...section(PAGES.filtering, 'Complex example with multiple matching', COMPLEX_EXAMPLE, [
    [
      'an event true for every field',
      {
        time: '2017-10-02T16:24:49Z',
        detail: { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 },
      },
      'match',
      true,
    ],
    [
      'x-limit 200 is excluded',
      {
        time: '2017-10-02T16:24:49Z',
        detail: { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 200 },
      },
      'no match',
      true,
    ],
  ]),
  ...section(PAGES.filtering, 'Complex example with $or matching', OR_EXAMPLE, [
    [
      'only d-count holds',
      { time: '2017-10-02T16:24:49Z', detail: { 'c-count': 9, 'd-count': 3 } },
      'match',
      true,
    ],
    [
      'no branch holds',
      { time: '2017-10-02T16:24:49Z', detail: { 'c-count': 9, 'd-count': 30, 'x-limit': 1 } },
      'no match',
      true,
    ],
    [
      'a branch holds but the time does not',
      { time: '2018-01-01T00:00:00Z', detail: { 'd-count': 3 } },
      'no match',
    ],
  ]),

  // Best practices
  ...section(
    PAGES.bestPractices,
    'Specify the event source and detail type as filters ($or)',
    CLOUDTRAIL_OR,
    [
      ['CreateKey from AWS KMS', cloudTrailCall('aws.kms', 'CreateKey'), 'match', true],
      ['CreateQueue from Amazon SQS', cloudTrailCall('aws.sqs', 'CreateQueue'), 'match', true],
      [
        'CreateKey said to come from Amazon SQS',
        cloudTrailCall('aws.sqs', 'CreateKey'),
        'no match',
        true,
      ],
    ],
  ),

  // The TestEventPattern API
  ...section(
    PAGES.testEventPattern,
    'EventPattern: maximum length of 4096',
    { source: ['aws.ec2'], detail: { note: ['x'.repeat(4096)] } },
    [['a pattern over 4096 characters', ENVELOPE, 'ValidationException']],
  ),
  ...section(PAGES.testEventPattern, 'Event: the mandatory fields', { source: ['aws.ec2'] }, [
    ['an event without id', JSON.stringify({ ...ENVELOPE, id: undefined }), 'ValidationException'],
    [
      'an event without resources',
      JSON.stringify({ ...ENVELOPE, resources: undefined }),
      'ValidationException',
    ],
  ]),
];
