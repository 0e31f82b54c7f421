/**
 * CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Sub) resolved to local names and ARNs, so the
 * offline platform reads template.yaml as CloudFormation would: each resource's physical name
 * is its logical id, in account 123456789012 (as Step Functions Local uses) and AWS_REGION.
 */
import type { Template } from './template.ts';

export interface LocalAccount {
  region: string;
  accountId: string;
  stackName: string;
}

export const LOCAL_ACCOUNT_ID = '123456789012';

/** The stack name every template runs under offline (AWS::StackName). */
export const LOCAL_STACK_NAME = 'local';

export const localAccount = (): LocalAccount => ({
  region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  accountId: LOCAL_ACCOUNT_ID,
  stackName: LOCAL_STACK_NAME,
});

export const functionArn = (account: LocalAccount, name: string) =>
  `arn:aws:lambda:${account.region}:${account.accountId}:function:${name}`;

export const stateMachineArn = (account: LocalAccount, name: string) =>
  `arn:aws:states:${account.region}:${account.accountId}:stateMachine:${name}`;

export const topicArn = (account: LocalAccount, name: string) =>
  `arn:aws:sns:${account.region}:${account.accountId}:${name}`;

export const eventBusArn = (account: LocalAccount, name: string) =>
  `arn:aws:events:${account.region}:${account.accountId}:event-bus/${name}`;

/** A resource's Ref and attributes, by type, as CloudFormation gives them. */
const resourceValues = (
  account: LocalAccount,
  logicalId: string,
  type: string,
): { ref: string; attributes: Record<string, string> } => {
  const { region, accountId } = account;
  switch (type) {
    case 'AWS::Serverless::Function':
      return { ref: logicalId, attributes: { Arn: functionArn(account, logicalId) } };
    case 'AWS::DynamoDB::Table':
    case 'AWS::Serverless::SimpleTable':
      return {
        ref: logicalId,
        attributes: { Arn: `arn:aws:dynamodb:${region}:${accountId}:table/${logicalId}` },
      };
    case 'AWS::Serverless::StateMachine': {
      const arn = stateMachineArn(account, logicalId);
      return { ref: arn, attributes: { Arn: arn, Name: logicalId } };
    }
    case 'AWS::SNS::Topic': {
      const arn = topicArn(account, logicalId);
      return { ref: arn, attributes: { TopicArn: arn, TopicName: logicalId } };
    }
    case 'AWS::Events::EventBus':
      return {
        ref: logicalId,
        attributes: { Arn: eventBusArn(account, logicalId), Name: logicalId },
      };
    case 'AWS::Logs::LogGroup':
      return {
        ref: logicalId,
        attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${logicalId}:*` },
      };
    default:
      return { ref: logicalId, attributes: {} };
  }
};

export type Resolve = (value: unknown) => unknown;

/**
 * `--parameter-overrides` as the SAM CLI takes them: `Key=Value` pairs, space-separated, in one
 * or more arguments, a value optionally in double quotes.
 */
export const parseParameterOverrides = (texts: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    texts
      .flatMap((text) => text.split(/\s+/))
      .filter((pair) => pair !== '')
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--parameter-overrides takes Key=Value pairs, not "${pair}"`);
        return [pair.slice(0, at), pair.slice(at + 1).replace(/^"(.*)"$/, '$1')];
      }),
  );

/** What `!Ref AWS::NoValue` resolves to: the property or list item is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * A resolver for the template's intrinsics. `parameters` overrides the template's defaults,
 * as `--parameter-overrides` does for SAM.
 */
export const createResolver = (
  template: Template,
  account: LocalAccount,
  parameters: Record<string, string> = {},
): Resolve => {
  const pseudo: Record<string, string> = {
    'AWS::Region': account.region,
    'AWS::AccountId': account.accountId,
    'AWS::Partition': 'aws',
    'AWS::StackName': account.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  for (const name of Object.keys(parameters)) {
    if (!template.Parameters?.[name]) {
      throw new Error(`Parameter override ${name} is not a parameter of the template`);
    }
  }

  const ref = (name: string): string | typeof NO_VALUE => {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in pseudo) return pseudo[name] ?? '';
    if (name in parameters) return parameters[name] ?? '';
    const parameter = template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) throw new Error(`Parameter ${name} has no default`);
      return String(parameter.Default);
    }
    const resource = template.Resources[name];
    if (!resource) throw new Error(`Ref to ${name}: no such parameter or resource`);
    return resourceValues(account, name, resource.Type).ref;
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`GetAtt ${logicalId}.${attribute}: no such resource`);
    const value = resourceValues(account, logicalId, resource.Type).attributes[attribute];
    if (value === undefined) {
      throw new Error(
        `GetAtt ${logicalId}.${attribute}: not available locally for ${resource.Type}`,
      );
    }
    return value;
  };

  const sub = (text: string, variables: Record<string, unknown>): string =>
    text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in variables) return String(resolve(variables[name]));
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::'))
        return getAtt(name.slice(0, dot), name.slice(dot + 1));
      const value = ref(name);
      if (value === NO_VALUE) throw new Error(`Fn::Sub cannot use AWS::NoValue`);
      return value;
    });

  const conditions = template.Conditions ?? {};
  const condition = (name: string): boolean => {
    if (!(name in conditions)) throw new Error(`Condition ${name} is not defined`);
    return Boolean(resolve(conditions[name]));
  };

  const resolve: Resolve = (value) => {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return ref(String(argument));
    if (entries.length === 1 && key === 'Condition') return condition(String(argument));
    if (entries.length === 1 && key === 'Fn::If') {
      const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolve(condition(name) ? whenTrue : whenFalse);
    }
    if (entries.length === 1 && key === 'Fn::Equals') {
      const [left, right] = (argument as unknown[]).map(resolve);
      return JSON.stringify(left) === JSON.stringify(right);
    }
    if (entries.length === 1 && key === 'Fn::Not')
      return !(resolve((argument as unknown[])[0]) as boolean);
    if (entries.length === 1 && key === 'Fn::And')
      return (argument as unknown[]).every((item) => resolve(item) === true);
    if (entries.length === 1 && key === 'Fn::Or')
      return (argument as unknown[]).some((item) => resolve(item) === true);
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [logicalId, attribute] = argument as string[];
      return getAtt(String(logicalId), String(attribute));
    }
    if (entries.length === 1 && key === 'Fn::Sub') {
      if (typeof argument === 'string') return sub(argument, {});
      const [text, variables] = argument as [string, Record<string, unknown>];
      return sub(text, variables);
    }
    if (entries.length === 1 && key?.startsWith('Fn::')) {
      throw new Error(`${key} is not supported by the offline platform`);
    }
    return Object.fromEntries(
      entries
        .map(([name, inner]) => [name, resolve(inner)])
        .filter(([, resolved]) => resolved !== NO_VALUE),
    );
  };
  return resolve;
};
