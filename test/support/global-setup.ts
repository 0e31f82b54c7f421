/**
 * Starts one DynamoDB for the whole run of a vitest project, with the template's table in it:
 * AWS's DynamoDB Local (one JVM, shared by every test file) in the `dynamodb-local` project,
 * dynalite in the `dynalite` project. Tests keep out of each other's way by using their own trip
 * ids; a test platform gets a database of its own in the same JVM (test/support/stack.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createTables } from '../../local/emulators/dynamodb.ts';
import { type DynamoDBChoice, startDynamoDB } from '../../local/emulators/dynamodb-backend.ts';
import { buildAll } from '../../local/template/build.ts';
import { PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    /** Which DynamoDB this project runs on. */
    dynamodbBackend: DynamoDBChoice;
    /** The shared DynamoDB Local JVM's loopback endpoint ('' on dynalite). */
    dynamodbLocalJvm: string;
    /** The functions, built once for every test that runs the offline platform. */
    buildDir: string;
  }
}

export default async function setup(project: TestProject) {
  const backend: DynamoDBChoice = project.name === 'dynalite' ? 'dynalite' : 'local';
  // One folder per run and project: two test runs at once (watch mode and a one-off) must not share it.
  const buildDir = join(PROJECT_ROOT, '.aws-sam', `test-build-${process.pid}-${backend}`);
  const [dynamodb] = await Promise.all([
    startDynamoDB({ choice: backend, port: 0, host: '127.0.0.1' }).catch((error: Error) => {
      throw new Error(`The ${project.name} tests need their DynamoDB: ${error.message}`);
    }),
    buildAll(buildDir),
  ]);
  await createTables(dynamodb.endpoint, readTemplate());
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('dynamodbBackend', backend);
  project.provide('dynamodbLocalJvm', dynamodb.jvm?.endpoint ?? '');
  project.provide('buildDir', buildDir);
  return async () => {
    await dynamodb.close?.();
    rmSync(buildDir, { recursive: true, force: true });
  };
}
