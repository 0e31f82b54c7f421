/**
 * template.yaml as CloudFormation receives it: transformed by AWS's own SAM translator
 * (sam-transform.py), with each IAM role's inline statements read back. The template test and
 * the least-privilege test check the same transformed template.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createResolver, localAccount } from '../../local/template/resolve.ts';
import { PROJECT_ROOT, readTemplate, TEMPLATE_PATH } from '../../local/template/template.ts';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export interface TransformedResource {
  Type: string;
  Properties: Record<string, unknown>;
}

export type TransformedResources = Record<string, TransformedResource>;

interface RoleProperties {
  ManagedPolicyArns?: string[];
  Policies?: { PolicyDocument: { Statement: Statement[] } }[];
}

/**
 * The transformed template's resources, with `parameters` as the stack's parameter values;
 * python3 with aws-sam-translator is required.
 */
export const transformTemplate = (
  path = TEMPLATE_PATH,
  parameters: Record<string, string> = {},
): TransformedResources => {
  const result = spawnSync(
    'python3',
    [
      join('test', 'support', 'sam-transform.py'),
      path,
      ...Object.entries(parameters).map(([name, value]) => `${name}=${value}`),
    ],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  if (result.error) {
    throw new Error(
      `python3 could not run (${result.error.message}); it is required, not optional`,
    );
  }
  if (result.status !== 0) throw new Error(`The SAM transform failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { Resources: TransformedResources }).Resources;
};

/**
 * `value` (a transformed resource's property) as CloudFormation deploys it for `parameters`: each
 * Fn::If decided by template.yaml's conditions, AWS::NoValue dropped; other intrinsics kept.
 */
export const withConditions = (value: unknown, parameters: Record<string, string>): unknown => {
  const decide = createResolver(readTemplate(), localAccount(), parameters);
  const NO_VALUE = Symbol('AWS::NoValue');
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk).filter((item) => item !== NO_VALUE);
    if (typeof node !== 'object' || node === null) return node;
    const entries = Object.entries(node);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref' && argument === 'AWS::NoValue') return NO_VALUE;
    if (entries.length === 1 && key === 'Fn::If') {
      const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return walk(decide({ Condition: name }) ? whenTrue : whenFalse);
    }
    return Object.fromEntries(
      entries.map(([name, inner]) => [name, walk(inner)]).filter(([, inner]) => inner !== NO_VALUE),
    );
  };
  return walk(value);
};

const roleOf = (resources: TransformedResources, roleId: string): RoleProperties => {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`No role ${roleId}`);
  return role.Properties as RoleProperties;
};

/** The logical ids of every IAM role. */
export const rolesOf = (resources: TransformedResources): string[] =>
  Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::IAM::Role');

/** The role's inline statements, in order. */
export const statementsOf = (resources: TransformedResources, roleId: string): Statement[] =>
  (roleOf(resources, roleId).Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);

export const managedPoliciesOf = (resources: TransformedResources, roleId: string): string[] =>
  roleOf(resources, roleId).ManagedPolicyArns ?? [];

/** A resource of a policy statement, written as the template writes it. */
export const resourceName = (resource: unknown): string => {
  if (typeof resource === 'string') return resource;
  const value = resource as Record<string, unknown>;
  if ('Ref' in value) return `!Ref ${value.Ref}`;
  if ('Fn::GetAtt' in value) return `!GetAtt ${(value['Fn::GetAtt'] as string[]).join('.')}`;
  if ('Fn::Sub' in value) return `!Sub ${value['Fn::Sub']}`;
  return JSON.stringify(resource);
};

/** The role's inline permissions: action -> the resources it is granted on. Allow only. */
export const permissionsOf = (
  resources: TransformedResources,
  roleId: string,
): Record<string, string[]> => {
  const permissions: Record<string, string[]> = {};
  for (const statement of statementsOf(resources, roleId)) {
    // A Deny would change what the Allow statements mean; none is expected, so none is read.
    if (statement.Effect !== 'Allow') {
      throw new Error(`${roleId} has a ${statement.Effect} statement; only Allow is expected`);
    }
    const targets = [statement.Resource].flat().map(resourceName);
    for (const action of [statement.Action].flat())
      permissions[action] = [...(permissions[action] ?? []), ...targets].sort();
  }
  return permissions;
};
