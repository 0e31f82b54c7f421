declare module 'asl-validator' {
  interface ValidationError {
    'Error code': string;
    Message: string;
    path?: string;
  }

  interface ValidationResult {
    isValid: boolean;
    errors: ValidationError[];
    errorsText: (separator?: string) => string;
  }

  /** Validates an Amazon States Language definition (JSON schema and semantic checks). */
  export default function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): ValidationResult;
}
