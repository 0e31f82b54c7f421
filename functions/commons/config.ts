/** Environment configuration, read once per module at start-up; a missing value fails fast. */
import { ConfigurationError } from '#errors';

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`Environment variable ${name} is not set`);
  }
  return value;
};

/** `FAILURE_INJECTION` is `enabled` for the demo and `disabled` for a real deployment. */
export const failureInjectionEnabled = (): boolean => {
  const value = requireEnv('FAILURE_INJECTION');
  if (value !== 'enabled' && value !== 'disabled') {
    throw new ConfigurationError(
      `FAILURE_INJECTION must be "enabled" or "disabled", not "${value}"`,
    );
  }
  return value === 'enabled';
};
