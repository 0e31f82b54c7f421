/**
 * Starts one emulated DynamoDB (dynalite, in memory) for the whole run, with the template's
 * table in it. Tests keep out of each other's way by using their own trip ids.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildAll } from '../../local/build.ts';
import { createTables, startDynalite } from '../../local/dynamodb.ts';
import { PROJECT_ROOT, readTemplate } from '../../local/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    /** The functions, built once for every test that runs the offline platform. */
    buildDir: string;
  }
}

export default async function setup(project: TestProject) {
  // One folder per run: two test runs at once (watch mode and a one-off) must not share it.
  const buildDir = join(PROJECT_ROOT, '.aws-sam', `test-build-${process.pid}`);
  const [dynamodb] = await Promise.all([startDynalite(), buildAll(buildDir)]);
  await createTables(dynamodb.endpoint, readTemplate());
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('buildDir', buildDir);
  return async () => {
    await dynamodb.close();
    rmSync(buildDir, { recursive: true, force: true });
  };
}
