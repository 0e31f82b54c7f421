/**
 * Starts one emulated DynamoDB (dynalite, in memory) for the whole run, with the template's
 * table in it. Tests keep out of each other's way by using their own trip ids.
 */
import type { TestProject } from 'vitest/node';
import { createTables, startDynalite } from '../../local/dynamodb.ts';
import { readTemplate } from '../../local/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamodb = await startDynalite();
  await createTables(dynamodb.endpoint, readTemplate());
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return () => dynamodb.close();
}
