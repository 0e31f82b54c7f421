/**
 * What the project relies on from DynamoDB, on the platform's DynamoDB port, and every difference
 * between AWS's DynamoDB Local and dynalite that it depends on. This file runs in both vitest
 * projects: each `it` names what both do, or what each does, and asserts it on the one it runs
 * on. Where they differ, the test also checks the project keeps out of the difference.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeValue,
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ListTablesCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTables,
  reindexTables,
  type TableDefinition,
} from '../../local/emulators/dynamodb.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';

const backend = inject('dynamodbBackend');
const onDynamoDBLocal = backend === 'local';

const clientAs = (accessKeyId: string, region = 'us-east-1') =>
  new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region,
    credentials: { accessKeyId, secretAccessKey: 'any' },
    maxAttempts: 1,
  });
const client = clientAs('local');

/** The application's own source: what the Lambda functions send to DynamoDB. */
const applicationSource = readdirSync(join(PROJECT_ROOT, 'functions'), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => readFileSync(join(PROJECT_ROOT, 'functions', file), 'utf8'))
  .join('\n');

/** A table of this file's own, shaped like the bookings table. */
const tableName = `Differences-${randomUUID()}`;
const createTable = () =>
  client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
let created: Awaited<ReturnType<typeof createTable>>;

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ name: 'no error', message: '' }),
    (error: Error & { Item?: unknown }) => error,
  );

/** A booking written as cancelled, then a reserve of it that must not bring it back. */
const reserveOverCancelled = async (options: Partial<PutItemCommandInput> = {}) => {
  const key = { pk: { S: `trip-${randomUUID()}` }, sk: { S: 'HOTEL#1' } };
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { ...key, transaction_status: { S: 'cancelled' } },
    }),
  );
  const error = await errorOf(
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...key, transaction_status: { S: 'pending' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ...options,
      }),
    ),
  );
  return { key, error };
};

beforeAll(async () => {
  created = await createTable();
  // As on DynamoDB, a table takes writes once ACTIVE (dynalite makes it so after a while).
  await waitUntilTableExists(
    { client, maxWaitTime: 60, minDelay: 0.05, maxDelay: 0.2 },
    { TableName: tableName },
  );
});

afterAll(() => {
  client.destroy();
});

describe(`DynamoDB on the platform's port (${onDynamoDBLocal ? 'DynamoDB Local' : 'dynalite'})`, () => {
  it('both: a write whose condition fails is ConditionalCheckFailedException and changes nothing', async () => {
    const { key, error } = await reserveOverCancelled();

    expect(error.name).toBe('ConditionalCheckFailedException');
    const { Items } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key.pk },
        ConsistentRead: true,
      }),
    );
    expect(Items?.map((item) => item.transaction_status?.S)).toEqual(['cancelled']);
  });

  it('both: any access key and any region reach the same tables on this port', async () => {
    const stranger = clientAs('SomeoneElse', 'eu-west-1');

    const { TableNames = [] } = await stranger.send(new ListTablesCommand({ Limit: 100 }));
    stranger.destroy();

    // DynamoDB Local keeps a database per access key and region: the platform's proxy maps
    // every client to one. dynalite has one store for all.
    expect(TableNames).toContain('BookingsTable');
  });

  it('differ: CreateTable answers ACTIVE on DynamoDB Local, CREATING on dynalite, and both are ACTIVE when described next', async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));

    expect(created.TableDescription?.TableStatus).toBe(onDynamoDBLocal ? 'ACTIVE' : 'CREATING');
    // The platform writes right after creating the table, with no wait for ACTIVE.
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('differ: TransactWriteItems, UpdateTimeToLive and PartiQL run on DynamoDB Local, dynalite refuses them; the functions use none', async () => {
    const item = { pk: { S: `trip-${randomUUID()}` }, sk: { S: 'PAYMENT#1' } };

    const errors = await Promise.all([
      errorOf(
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName: tableName, Item: item } }],
          }),
        ),
      ),
      errorOf(
        client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
          }),
        ),
      ),
      errorOf(
        client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${tableName}"` })),
      ),
    ]);

    expect(errors.map((error) => error.name)).toEqual(
      Array(3).fill(onDynamoDBLocal ? 'no error' : 'UnknownOperationException'),
    );
    for (const operation of [
      'TransactWriteItems',
      'TransactGetItems',
      'TimeToLive',
      'ExecuteStatement',
    ]) {
      expect(applicationSource, operation).not.toContain(operation);
    }
  });

  it('differ: ReturnValuesOnConditionCheckFailure returns the item on DynamoDB Local, nothing on dynalite; the functions read the item again instead', async () => {
    const { key, error } = await reserveOverCancelled({
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    expect(error.name).toBe('ConditionalCheckFailedException');
    expect((error as { Item?: unknown }).Item).toEqual(
      onDynamoDBLocal ? { ...key, transaction_status: { S: 'cancelled' } } : undefined,
    );
    expect(applicationSource).not.toContain('ReturnValuesOnConditionCheckFailure');
  });

  it("both: point-in-time recovery is not there (UnknownOperationException), so the platform leaves out the template's PITR and SSE settings", async () => {
    const error = await errorOf(
      client.send(new DescribeContinuousBackupsCommand({ TableName: tableName })),
    );
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));

    expect(error.name).toBe('UnknownOperationException');
    expect(Table?.SSEDescription).toBeUndefined();
  });

  it("differ: a table's ARN names region ddblocal on DynamoDB Local, the client's region on dynalite; the platform reads neither", async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));

    // The functions' environment and the IAM checks take their ARNs from the template instead.
    expect(Table?.TableArn).toBe(
      `arn:aws:dynamodb:${onDynamoDBLocal ? 'ddblocal' : 'us-east-1'}:000000000000:table/${tableName}`,
    );
  });

  it('differ: errors have the same names and other messages; the project matches names only', async () => {
    const errors = await Promise.all([
      errorOf(
        client.send(
          new QueryCommand({
            TableName: `Missing-${randomUUID()}`,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: 'x' } },
          }),
        ),
      ),
      errorOf(
        client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'sk = :sk',
            ExpressionAttributeValues: { ':sk': { S: 'x' } },
          }),
        ),
      ),
    ]);

    expect(errors.map(({ name, message }) => [name, message])).toEqual(
      onDynamoDBLocal
        ? [
            ['ResourceNotFoundException', 'Cannot do operations on a non-existent table'],
            ['ValidationException', 'Query condition missed key schema element'],
          ]
        : [
            ['ResourceNotFoundException', 'Requested resource not found'],
            ['ValidationException', 'Query condition missed key schema element: pk'],
          ],
    );
    expect(applicationSource).not.toMatch(/error\.message\s*===|message\.includes/);
  });
});

describe('the re-index after a start on kept data (reindexTables)', () => {
  // A table of the shape a template declares: a sparse global index and a local one.
  const table: TableDefinition = {
    logicalId: `Reindexed-${randomUUID()}`,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'shard', AttributeType: 'S' },
      { AttributeName: 'when', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'ByShard',
        KeySchema: [{ AttributeName: 'shard', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: 'ByWhen',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'when', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
  const items: Record<string, AttributeValue>[] = [
    {
      pk: { S: 'a' },
      sk: { S: '1' },
      shard: { S: 's1' },
      note: { S: 'indexed by both' },
      when: { S: 't1' },
    },
    { pk: { S: 'a' }, sk: { S: '2' }, shard: { S: 's1' }, note: { S: 'in the global index' } },
    { pk: { S: 'b' }, sk: { S: '1' }, when: { S: 't2' }, note: { S: 'in the local index' } },
    { pk: { S: 'b' }, sk: { S: '2' }, note: { S: 'in no index' } },
  ];
  const scan = async () =>
    (await client.send(new ScanCommand({ TableName: table.logicalId }))).Items ?? [];

  beforeAll(async () => {
    await createTables(inject('dynamodbEndpoint'), {
      Resources: {
        [table.logicalId]: {
          Type: 'AWS::DynamoDB::Table',
          Properties: { ...table } as Record<string, unknown>,
        },
      },
    });
    // dynalite answers CREATING, and is ACTIVE once described.
    await client.send(new DescribeTableCommand({ TableName: table.logicalId }));
    for (const Item of items)
      await client.send(new PutItemCommand({ TableName: table.logicalId, Item }));
  });

  it('both: writes again each item that carries an index key, and changes no item', async () => {
    // Prepare
    const before = await scan();

    // Act
    const written = await reindexTables(inject('dynamodbEndpoint'), [table]);

    // Assess
    expect(written).toBe(3);
    expect(await scan()).toEqual(before);
    const byShard = await client.send(
      new QueryCommand({
        TableName: table.logicalId,
        IndexName: 'ByShard',
        // Both names are reserved words: the re-index names every attribute through an alias.
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': 'shard' },
        ExpressionAttributeValues: { ':shard': { S: 's1' } },
      }),
    );
    expect(byShard.Items?.map((item) => item.sk?.S).sort()).toEqual(['1', '2']);
  });
});
