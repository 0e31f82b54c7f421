/**
 * template.yaml as CloudFormation receives it: transformed by AWS's own SAM translator
 * (sam-transform.py), with each IAM role's inline statements read back. The template test and
 * the least-privilege test check the same transformed template.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, TEMPLATE_PATH } from '../../local/template.ts';

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

/** The transformed template's resources; python3 with aws-sam-translator is required. */
export const transformTemplate = (path = TEMPLATE_PATH): TransformedResources => {
  const result = spawnSync('python3', [join('test', 'support', 'sam-transform.py'), path], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (result.error) {
    throw new Error(
      `python3 could not run (${result.error.message}); it is required, not optional`,
    );
  }
  if (result.status !== 0) throw new Error(`The SAM transform failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { Resources: TransformedResources }).Resources;
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
