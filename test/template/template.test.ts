/**
 * template.yaml and the ASL, checked by independent tools and against each other: cfn-lint, AWS's
 * SAM translator, asl-validator; every substitution defined and used, every invoked function
 * permitted, every handler present, and each function's permissions exactly what its code needs.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';
import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASL_PATH, readSagaDefinition } from '../../local/app/saga.ts';
import { placeholdersOf } from '../../local/template/asl.ts';
import { createResolver, localAccount } from '../../local/template/resolve.ts';
import {
  functionsOf,
  PROJECT_ROOT,
  readTemplate,
  TEMPLATE_PATH,
} from '../../local/template/template.ts';
import {
  managedPoliciesOf,
  permissionsOf as rolePermissions,
  rolesOf,
  type TransformedResources,
  transformTemplate,
  withConditions,
} from '../support/sam-template.ts';

const template = readTemplate();
const functions = functionsOf(template);
const stateMachine = template.Resources.BookingSaga?.Properties ?? {};
const substitutions = stateMachine.DefinitionSubstitutions as Record<
  string,
  { 'Fn::GetAtt': string[] }
>;

/** cfn-lint on template.yaml with these parameter values: its whole output and exit code. */
const cfnLint = async (parameters: string[]) => {
  const args = [
    '--format',
    'parseable',
    ...(parameters.length ? ['--parameters', ...parameters, '--'] : []),
    TEMPLATE_PATH,
  ];
  try {
    const { stdout, stderr } = await promisify(execFile)('cfn-lint', args, { cwd: PROJECT_ROOT });
    return { output: stdout + stderr, status: 0 };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') {
      throw new Error(`cfn-lint could not run (${failed.message}); it is required, not optional`);
    }
    return { output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`, status: failed.code };
  }
};

describe('independent checkers', () => {
  const PARAMETER_SETS = [
    [],
    ['Profile=production'],
    ['Profile=production', 'JwtIssuer=https://id.example.com', 'JwtAudience=booking-app'],
  ];
  // The three runs at once: cfn-lint takes seconds to load its rules, each run alike.
  let lints: Awaited<ReturnType<typeof cfnLint>>[] = [];
  beforeAll(async () => {
    lints = await Promise.all(PARAMETER_SETS.map(cfnLint));
  });

  it('cfn-lint finds nothing in template.yaml', () => {
    expect(lints[0]).toEqual({ output: '', status: 0 });
  });

  it.each([
    [1, PARAMETER_SETS[1]],
    [2, PARAMETER_SETS[2]],
  ])('cfn-lint finds nothing in template.yaml with the parameter set %i: %j', (index) => {
    expect(lints[index]).toEqual({ output: '', status: 0 });
  });

  it('asl-validator finds nothing in the state machine definition', () => {
    const result = aslValidator(structuredClone(readSagaDefinition()));

    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });
});

describe('the SAM transform of template.yaml', () => {
  let resources: TransformedResources;

  beforeAll(() => {
    resources = transformTemplate();
  });

  const permissionsOf = (roleId: string) => rolePermissions(resources, roleId);

  it('produces the saga: fifteen functions, a standard state machine, the table, an HTTP API', () => {
    const count = (type: string) => Object.values(resources).filter((r) => r.Type === type).length;

    expect(count('AWS::Lambda::Function')).toBe(15);
    expect(count('AWS::Events::EventBus')).toBe(1);
    expect(count('AWS::StepFunctions::StateMachine')).toBe(1);
    expect(count('AWS::DynamoDB::Table')).toBe(1);
    expect(count('AWS::ApiGatewayV2::Api')).toBe(1);
    expect(resources.BookingSaga?.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR' },
    });
  });

  const TABLE = '!GetAtt BookingsTable.Arn';
  const BUS = '!GetAtt TripEventsBus.Arn';
  // SAM's own statement for an on-failure destination, spelt as SAM spells it (IAM reads an
  // action's name case-insensitively): publishing to that one topic, nothing else.
  const OPERATORS_DESTINATION = { 'sns:publish': ['!Ref RepairAlertsTopic'] };
  const EXECUTIONS =
    '!Sub arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${BookingSaga.Name}:*';
  const leastPrivilege: Record<string, Record<string, string[]>> = {
    ReserveHotelFunction: { 'dynamodb:PutItem': [TABLE], 'dynamodb:GetItem': [TABLE] },
    ReserveFlightFunction: { 'dynamodb:PutItem': [TABLE], 'dynamodb:GetItem': [TABLE] },
    TakePaymentFunction: { 'dynamodb:PutItem': [TABLE], 'dynamodb:GetItem': [TABLE] },
    ConfirmHotelFunction: { 'dynamodb:UpdateItem': [TABLE], 'dynamodb:GetItem': [TABLE] },
    ConfirmFlightFunction: { 'dynamodb:UpdateItem': [TABLE], 'dynamodb:GetItem': [TABLE] },
    RefundPaymentFunction: { 'dynamodb:UpdateItem': [TABLE] },
    CancelFlightFunction: { 'dynamodb:UpdateItem': [TABLE] },
    CancelHotelFunction: { 'dynamodb:UpdateItem': [TABLE] },
    RecordLeftoverFunction: { 'dynamodb:PutItem': [TABLE] },
    RepairTripFunction: {
      'dynamodb:Query': [TABLE],
      'dynamodb:UpdateItem': [TABLE],
      'states:DescribeExecution': [EXECUTIONS],
      'events:PutEvents': [BUS],
    },
    ReconcileTripFunction: {
      'dynamodb:Query': [TABLE],
      'dynamodb:UpdateItem': [TABLE],
      'dynamodb:PutItem': [TABLE],
      'states:DescribeExecution': [EXECUTIONS],
      'events:PutEvents': [BUS],
      ...OPERATORS_DESTINATION,
    },
    NotifyCustomerFunction: {
      'dynamodb:Query': [TABLE],
      'dynamodb:PutItem': [TABLE],
      'dynamodb:UpdateItem': [TABLE],
      'sns:Publish': ['!Ref CustomerNotificationsTopic'],
      ...OPERATORS_DESTINATION,
    },
    SweepTripsFunction: {
      'dynamodb:Query': [TABLE, '!Sub ${BookingsTable.Arn}/index/OpenTrips'],
      'dynamodb:UpdateItem': [TABLE],
      'dynamodb:PutItem': [TABLE],
      'states:DescribeExecution': [EXECUTIONS],
      'events:PutEvents': [BUS],
    },
    StartBookingFunction: {
      'dynamodb:PutItem': [TABLE],
      'dynamodb:GetItem': [TABLE],
      'states:StartExecution': ['!Ref BookingSaga'],
      'states:DescribeExecution': [EXECUTIONS],
    },
    GetTripFunction: { 'states:DescribeExecution': [EXECUTIONS], 'dynamodb:Query': [TABLE] },
  };

  it.each(Object.entries(leastPrivilege))(
    '%s may do exactly what its code needs',
    (logicalId, expected) => {
      expect(permissionsOf(`${logicalId}Role`)).toEqual(expected);
      // Its logs, and X-Ray only where the saga's trace begins (StartBooking).
      expect(managedPoliciesOf(resources, `${logicalId}Role`)).toEqual([
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        ...(logicalId === 'StartBookingFunction'
          ? ['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess']
          : []),
      ]);
    },
  );

  it('traces each saga in the state machine, from the request that started it, with no tracer in the functions', () => {
    const functionIds = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId]) => logicalId);

    expect(functionIds).toHaveLength(15);
    const traced = functionIds.filter((id) => resources[id]?.Properties?.TracingConfig);
    expect(traced).toEqual(['StartBookingFunction']);
    expect(resources.StartBookingFunction?.Properties?.TracingConfig).toEqual({ Mode: 'Active' });
    expect(resources.BookingSaga?.Properties).toMatchObject({
      TracingConfiguration: { Enabled: true },
    });
    expect(managedPoliciesOf(resources, 'BookingSagaRole')).toEqual([
      'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess',
    ]);
  });

  it('grants exactly the same in the production profile', () => {
    const production = transformTemplate(TEMPLATE_PATH, { Profile: 'production' });

    for (const [logicalId, expected] of Object.entries(leastPrivilege))
      expect(rolePermissions(production, `${logicalId}Role`), logicalId).toEqual(expected);
  });

  it('covers every function of the template in that list', () => {
    expect(Object.keys(leastPrivilege).sort()).toEqual(functions.map((fn) => fn.logicalId).sort());
  });

  it('grants no wildcard action, no Scan and no DeleteItem to anyone', () => {
    for (const roleId of rolesOf(resources)) {
      for (const action of Object.keys(permissionsOf(roleId))) {
        expect(action, roleId).not.toContain('*');
        expect(action, roleId).not.toMatch(/^dynamodb:(Scan|DeleteItem|BatchWriteItem)$/);
      }
    }
  });

  it('lets the state machine invoke exactly the functions its ASL invokes', () => {
    const invoked = [...placeholdersOf(readFileSync(ASL_PATH, 'utf8'))].map(
      (name) => `!GetAtt ${substitutions[name]?.['Fn::GetAtt'].join('.')}`,
    );
    const permissions = permissionsOf('BookingSagaRole');

    expect(permissions['lambda:InvokeFunction']).toEqual(invoked.sort());
    // Beyond invoking: only the log-delivery actions, which accept no resource but "*".
    expect(Object.keys(permissions).filter((action) => !action.startsWith('logs:'))).toEqual([
      'lambda:InvokeFunction',
    ]);
  });
});

describe("the events' functions: what AWS does when one fails", () => {
  let resources: TransformedResources;

  beforeAll(() => {
    resources = transformTemplate();
  });

  const EVENT_TARGETS = ['ReconcileTripFunction', 'NotifyCustomerFunction'];

  it.each(EVENT_TARGETS)(
    '%s: Lambda retries its errors twice, then sends the event to the topic the alarms notify',
    (functionId) => {
      const alarmTopics = Object.values(template.Resources)
        .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
        .flatMap((resource) => resource.Properties?.AlarmActions as unknown[]);

      expect(resources[`${functionId}EventInvokeConfig`]).toEqual(
        expect.objectContaining({
          Type: 'AWS::Lambda::EventInvokeConfig',
          Properties: {
            FunctionName: { Ref: functionId },
            Qualifier: '$LATEST',
            MaximumRetryAttempts: 2,
            DestinationConfig: { OnFailure: { Destination: { Ref: 'RepairAlertsTopic' } } },
          },
        }),
      );
      // The topic every alarm notifies.
      expect(alarmTopics.length).toBeGreaterThan(0);
      expect(alarmTopics).toEqual(alarmTopics.map(() => ({ Ref: 'RepairAlertsTopic' })));
      // The rule's RetryPolicy stays: it covers handing the event to Lambda.
      const rules = Object.values(resources).filter(
        (resource) =>
          resource.Type === 'AWS::Events::Rule' &&
          JSON.stringify(resource.Properties.Targets).includes(`"${functionId}"`),
      );
      expect(rules.map((rule) => (rule.Properties.Targets as unknown[])[0])).toEqual([
        expect.objectContaining({
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ]);
    },
  );

  it('alarms on the errors of each function an event invokes, notifying the repair topic', () => {
    const watched = (alarm: Record<string, unknown>) =>
      [
        alarm.Dimensions,
        ...((alarm.Metrics as { MetricStat?: { Metric: { Dimensions: unknown } } }[]) ?? []).map(
          (metric) => metric.MetricStat?.Metric.Dimensions,
        ),
      ]
        .flat()
        .filter(Boolean) as { Name: string; Value: { Ref: string } }[];
    const errorAlarms = Object.values(template.Resources)
      .map((resource) => resource.Properties ?? {})
      .filter(
        (alarm) =>
          alarm.MetricName === 'Errors' ||
          JSON.stringify(alarm.Metrics ?? []).includes('"MetricName":"Errors"'),
      );
    const functions = errorAlarms.flatMap((alarm) =>
      watched(alarm)
        .filter((dimension) => dimension.Name === 'FunctionName')
        .map((dimension) => dimension.Value.Ref),
    );

    expect(functions.sort()).toEqual([...EVENT_TARGETS, 'SweepTripsFunction'].sort());
    for (const alarm of errorAlarms) {
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'RepairAlertsTopic' }],
      });
    }
  });
});

describe('template and ASL agree', () => {
  const placeholders = placeholdersOf(readFileSync(ASL_PATH, 'utf8'));

  it('defines every ${...} of the ASL in DefinitionSubstitutions, and no other', () => {
    expect([...placeholders].sort()).toEqual(Object.keys(substitutions).sort());
  });

  it('names each substitution <LogicalId>Arn after the function whose ARN it carries', () => {
    for (const [name, value] of Object.entries(substitutions)) {
      expect(value).toEqual({ 'Fn::GetAtt': [name.replace(/Arn$/, ''), 'Arn'] });
      expect(template.Resources[name.replace(/Arn$/, '')]?.Type).toBe('AWS::Serverless::Function');
    }
  });

  it('points DefinitionUri at the ASL file', () => {
    expect(join(PROJECT_ROOT, String(stateMachine.DefinitionUri))).toBe(ASL_PATH);
  });
});

describe('functions', () => {
  it.each(functions.map((fn) => [fn.logicalId, fn] as const))(
    '%s runs nodejs24.x on arm64, built by esbuild from an entry file that exists',
    (_id, fn) => {
      const entry = fn.build?.EntryPoints[0] ?? '';

      expect(fn.properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(fn.build).toMatchObject({
        Format: 'esm',
        Minify: true,
        Sourcemap: true,
        Target: 'node24',
      });
      expect(existsSync(join(PROJECT_ROOT, fn.codeUri, entry))).toBe(true);
      expect(fn.handler).toBe(`${basename(entry, extname(entry))}.handler`);
    },
  );

  it.each(functions.map((fn) => [fn.logicalId, fn] as const))(
    '%s has an event fixture for sam local invoke',
    (_id, fn) => {
      const entry = fn.build?.EntryPoints[0] ?? '';
      const fixture = join(PROJECT_ROOT, 'events', `${basename(entry, extname(entry))}.json`);

      expect(existsSync(fixture)).toBe(true);
      expect(() => JSON.parse(readFileSync(fixture, 'utf8'))).not.toThrow();
    },
  );
});

describe('the repair alarm', () => {
  it('watches the metric the leftover recorder emits, under the service the functions log as', () => {
    const alarm = template.Resources.NeedsRepairAlarm?.Properties ?? {};
    const environment = template.Globals?.Function?.Environment as
      | { Variables: Record<string, string> }
      | undefined;
    const variables = environment?.Variables ?? {};
    // countLeftover, which RecordLeftover and the reconciler call before writing a leftover.
    const recorder = readFileSync(
      join(PROJECT_ROOT, 'functions', 'commons', 'lambda', 'metrics.ts'),
      'utf8',
    );

    expect(recorder).toContain(`'${alarm.MetricName}'`);
    expect(alarm).toMatchObject({
      Namespace: variables.POWERTOOLS_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: variables.POWERTOOLS_SERVICE_NAME }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('the overdue notices alarm', () => {
  it('watches the metric the sweep emits for the notices still owed past its grace, once per sweep period', () => {
    const alarm = template.Resources.OverdueNoticesAlarm?.Properties ?? {};
    const environment = template.Globals?.Function?.Environment as
      | { Variables: Record<string, string> }
      | undefined;
    const variables = environment?.Variables ?? {};
    const sweep = readFileSync(
      join(PROJECT_ROOT, 'functions', 'commons', 'saga-end', 'sweep.ts'),
      'utf8',
    );
    const metrics = readFileSync(
      join(PROJECT_ROOT, 'functions', 'commons', 'lambda', 'metrics.ts'),
      'utf8',
    );

    expect(sweep).toContain('countOverdueNotices(');
    expect(metrics).toContain(`'${alarm.MetricName}'`);
    expect(alarm).toMatchObject({
      Namespace: variables.POWERTOOLS_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: variables.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 900,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: 'RepairAlertsTopic' }],
    });
  });
});

describe('local/app/sam-local-env.json, the --env-vars file for sam local', () => {
  it('overrides only variables the template declares for those functions (SAM ignores any other)', () => {
    const overrides = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'local', 'app', 'sam-local-env.json'), 'utf8'),
    ) as Record<string, Record<string, string>>;
    const declared = new Map(
      functions.map((fn) => [
        fn.logicalId,
        Object.keys((fn.properties.Environment as { Variables: object }).Variables),
      ]),
    );

    for (const [target, variables] of Object.entries(overrides)) {
      const functionIds = target === 'Parameters' ? [...declared.keys()] : [target];
      for (const id of functionIds) {
        expect(declared.has(id), `${id} is a function of the template`).toBe(true);
        for (const name of Object.keys(variables))
          expect(declared.get(id), `${id} declares ${name}`).toContain(name);
      }
    }
  });
});

describe('the dependencies layer', () => {
  const installed = (name: string) =>
    (
      JSON.parse(
        readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8'),
      ) as {
        version: string;
      }
    ).version;
  const manifest = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'layers', 'dependencies', 'package.json'), 'utf8'),
  ) as { dependencies: Record<string, string>; entryPoints: Record<string, string> };

  it('pins exactly the versions the functions are built and tested with', () => {
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      expect(version, name).toBe(installed(name));
    }
  });

  it('is the one layer every function takes, built by the Makefile', () => {
    expect(template.Globals?.Function?.Layers).toEqual([{ Ref: 'DependenciesLayer' }]);
    expect(template.Resources.DependenciesLayer?.Metadata).toMatchObject({
      BuildMethod: 'makefile',
    });
    expect(readFileSync(join(PROJECT_ROOT, 'Makefile'), 'utf8')).toContain(
      'build-DependenciesLayer:\n\tnode layers/build.ts "$(ARTIFACTS_DIR)"',
    );
  });

  it('leaves out of every bundle exactly the AWS SDK and the packages of the layer', () => {
    for (const fn of functions) {
      expect(fn.build?.External, fn.logicalId).toEqual([
        '@aws-sdk/*',
        '@aws-lambda-powertools/*',
        'zod',
        '@middy/*',
      ]);
    }
    const packages = new Set(
      Object.keys(manifest.entryPoints).map((specifier) =>
        specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/'),
      ),
    );
    expect([...packages].sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });
});

describe('the profiles, as CloudFormation deploys the transformed template', () => {
  const DEMO = { Profile: 'demo' };
  const PRODUCTION = { Profile: 'production' };
  const OWN_ISSUER = {
    Profile: 'production',
    JwtIssuer: 'https://id.example.com',
    JwtAudience: 'booking-app',
  };
  let resources: TransformedResources;

  beforeAll(() => {
    resources = transformTemplate(TEMPLATE_PATH, PRODUCTION);
  });

  type Operation = { security?: unknown; 'x-amazon-apigateway-integration'?: unknown };
  type Body = {
    paths: Record<string, Record<string, Operation>>;
    components?: { securitySchemes?: Record<string, Record<string, unknown>> };
  };
  const bodyFor = (parameters: Record<string, string>) =>
    withConditions(resources.BookingApi?.Properties.Body, parameters) as Body;
  /** `METHOD /path` -> the route's operation, for every route the API has. */
  const routesOf = (body: Body) =>
    Object.fromEntries(
      Object.entries(body.paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => method !== 'parameters')
          .map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation]),
      ),
    );
  const stageFor = (parameters: Record<string, string>) =>
    withConditions(resources.BookingApiApiGatewayDefaultStage?.Properties, parameters) as Record<
      string,
      unknown
    >;

  it('production: a JWT authorizer on every route, and no catch-all', () => {
    // Act
    const body = bodyFor(PRODUCTION);
    const routes = routesOf(body);

    // Assess
    expect(Object.keys(routes).sort()).toEqual(['GET /trips/{tripId}', 'POST /trips']);
    for (const [route, operation] of Object.entries(routes)) {
      expect(operation.security, route).toEqual([{ CustomerJwt: [] }]);
      expect(operation['x-amazon-apigateway-integration'], route).toBeDefined();
    }
    expect(body.components?.securitySchemes?.CustomerJwt).toEqual({
      type: 'oauth2',
      'x-amazon-apigateway-authorizer': {
        type: 'jwt',
        identitySource: '$request.header.Authorization',
        jwtConfiguration: {
          issuer: {
            'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${CustomerUserPool}',
          },
          audience: [{ Ref: 'CustomerUserPoolClient' }],
        },
      },
    });
  });

  it('production with JwtIssuer: that issuer and audience, and no user pool of its own', () => {
    // Act
    const scheme = bodyFor(OWN_ISSUER).components?.securitySchemes?.CustomerJwt;
    const resolve = createResolver(template, localAccount(), OWN_ISSUER);

    // Assess
    expect(scheme?.['x-amazon-apigateway-authorizer']).toMatchObject({
      jwtConfiguration: { issuer: { Ref: 'JwtIssuer' }, audience: [{ Ref: 'JwtAudience' }] },
    });
    expect(resolve({ Condition: 'CreatesUserPool' })).toBe(false);
    expect(resolve({ Condition: 'HasIssuer' })).toBe(true);
    expect(
      createResolver(template, localAccount(), PRODUCTION)({ Condition: 'CreatesUserPool' }),
    ).toBe(true);
    for (const id of ['CustomerUserPool', 'CustomerUserPoolClient'])
      expect(template.Resources[id], id).toMatchObject({ Condition: 'CreatesUserPool' });
  });

  it("demo: the reference's four routes, open to anyone, as before", () => {
    // Act
    const body = bodyFor(DEMO);
    const routes = routesOf(body);

    // Assess
    expect(Object.keys(routes).sort()).toEqual([
      'GET /',
      'GET /trips/{tripId}',
      'GET /{proxy+}',
      'POST /trips',
    ]);
    for (const operation of Object.values(routes)) expect(operation.security).toBeUndefined();
    expect(body.components).toBeUndefined();
    expect(stageFor(DEMO).AccessLogSettings).toBeUndefined();
    expect(stageFor(DEMO).RouteSettings).toBeUndefined();
  });

  it('production: each route throttled on its own, and every request in the access log', () => {
    // Act
    const stage = stageFor(PRODUCTION);
    const routes = Object.keys(routesOf(bodyFor(PRODUCTION)));

    // Assess
    const settings = stage.RouteSettings as Record<string, Record<string, number>>;
    expect(Object.keys(settings).sort()).toEqual(routes.sort());
    for (const route of routes) {
      expect(settings[route]?.ThrottlingRateLimit, route).toBeGreaterThan(0);
      expect(settings[route]?.ThrottlingBurstLimit, route).toBeGreaterThan(0);
    }
    expect(stage.AccessLogSettings).toMatchObject({
      DestinationArn: { 'Fn::GetAtt': ['BookingApiAccessLogGroup', 'Arn'] },
    });
    const format = (stage.AccessLogSettings as { Format: string }).Format;
    expect(Object.keys(JSON.parse(format))).toEqual(
      expect.arrayContaining(['requestId', 'routeKey', 'status', 'sub']),
    );
  });

  it('keeps the table on stack deletion and replacement; production also protects it from deletion', () => {
    // Prepare
    const table = resources.BookingsTable as unknown as Record<string, unknown> & {
      Properties: Record<string, unknown>;
    };

    // Assess
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(withConditions(table.Properties.DeletionProtectionEnabled, PRODUCTION)).toBe(true);
    expect(withConditions(table.Properties.DeletionProtectionEnabled, DEMO)).toBe(false);
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it('gives every log group the stack creates the retention parameter, and each function its own', () => {
    // Prepare
    const logGroups = Object.entries(resources).filter(
      ([, resource]) => resource.Type === 'AWS::Logs::LogGroup',
    );
    const lambdas = Object.entries(resources).filter(
      ([, resource]) => resource.Type === 'AWS::Lambda::Function',
    );

    // Assess
    for (const [id, group] of logGroups)
      expect(group.Properties.RetentionInDays, id).toEqual({ Ref: 'LogRetentionDays' });
    const used = lambdas.map(([id, fn]) => {
      const ref = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)
        ?.LogGroup?.Ref;
      expect(resources[ref ?? '']?.Type, id).toBe('AWS::Logs::LogGroup');
      return ref;
    });
    expect(new Set(used).size).toBe(lambdas.length);
    // The functions' groups, the state machine's and the API's access log: nothing else logs.
    expect(logGroups).toHaveLength(lambdas.length + 2);
  });

  it("is what samconfig.toml's production environment deploys, with injection off", () => {
    // Prepare
    const samconfig = readFileSync(join(PROJECT_ROOT, 'samconfig.toml'), 'utf8');
    const production = samconfig.slice(samconfig.indexOf('[production.deploy.parameters]'));
    const overrides = /parameter_overrides = "(.*)"/.exec(production)?.[1]?.replaceAll('\\"', '"');

    // Assess
    expect(overrides).toContain('Profile="production"');
    expect(overrides).toContain('FailureInjection="disabled"');
    expect(samconfig.slice(0, samconfig.indexOf('[production.'))).not.toContain('Profile=');
  });

  it('production: no failure injection, whatever FailureInjection says', () => {
    // Prepare
    const environment = template.Globals?.Function?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};
    const injection = (parameters: Record<string, string>) =>
      createResolver(template, localAccount(), parameters)(variables.FAILURE_INJECTION);

    // Assess
    expect(injection({ ...PRODUCTION, FailureInjection: 'enabled' })).toBe('disabled');
    expect(injection({ ...DEMO, FailureInjection: 'enabled' })).toBe('enabled');
    expect(injection({ ...DEMO, FailureInjection: 'disabled' })).toBe('disabled');
  });
});
