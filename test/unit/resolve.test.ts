/**
 * template.yaml's intrinsics as the offline platform resolves them: the names and ARNs each
 * resource gets locally, parameters and their overrides, Fn::Sub, and conditions.
 */
import { describe, expect, it } from 'vitest';
import { createResolver, localAccount } from '../../local/template/resolve.ts';
import { readTemplate } from '../../local/template/template.ts';

const template = readTemplate();
const account = { ...localAccount(), region: 'eu-west-1' };

describe('resolving template.yaml locally', () => {
  it('gives each resource its logical id as its name, and the ARN that follows from it', () => {
    const resolve = createResolver(template, account);

    expect(resolve({ Ref: 'BookingsTable' })).toBe('BookingsTable');
    expect(resolve({ 'Fn::GetAtt': ['ReserveHotelFunction', 'Arn'] })).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:ReserveHotelFunction',
    );
    expect(resolve({ Ref: 'BookingSaga' })).toBe(
      'arn:aws:states:eu-west-1:123456789012:stateMachine:BookingSaga',
    );
  });

  it('resolves Fn::Sub with pseudo parameters and attributes', () => {
    const resolve = createResolver(template, account);

    expect(
      resolve({
        'Fn::Sub':
          'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${BookingSaga.Name}:*',
      }),
    ).toBe('arn:aws:states:eu-west-1:123456789012:execution:BookingSaga:*');
  });

  it('uses parameter defaults unless overridden, and refuses an unknown override', () => {
    expect(createResolver(template, account)({ Ref: 'CompensationFailureRate' })).toBe('0.4');
    expect(
      createResolver(template, account, { CompensationFailureRate: '0' })({
        Ref: 'CompensationFailureRate',
      }),
    ).toBe('0');
    expect(() => createResolver(template, account, { NoSuchParameter: 'x' })).toThrow(
      'Parameter override NoSuchParameter is not a parameter of the template',
    );
  });

  it('drops a variable whose condition resolves to AWS::NoValue, as CloudFormation does', () => {
    const variables = {
      TABLE_NAME: { Ref: 'BookingsTable' },
      AWS_ENDPOINT_URL_SFN: {
        'Fn::If': [
          'UsesLocalStepFunctions',
          { Ref: 'LocalStepFunctionsEndpoint' },
          { Ref: 'AWS::NoValue' },
        ],
      },
    };

    expect(createResolver(template, account)(variables)).toEqual({ TABLE_NAME: 'BookingsTable' });
    expect(
      createResolver(template, account, { LocalStepFunctionsEndpoint: 'http://sfn:8083' })(
        variables,
      ),
    ).toEqual({
      TABLE_NAME: 'BookingsTable',
      AWS_ENDPOINT_URL_SFN: 'http://sfn:8083',
    });
  });

  it('names what it cannot resolve', () => {
    const resolve = createResolver(template, account);

    expect(() => resolve({ Ref: 'Nothing' })).toThrow(
      'Ref to Nothing: no such parameter or resource',
    );
    expect(() => resolve({ 'Fn::GetAtt': ['BookingsTable', 'StreamArn'] })).toThrow(
      'not available locally',
    );
  });
});
