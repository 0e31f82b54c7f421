// The floor the design sets for a cold start: the ReserveHotel step written bare on AWS SDK v3,
// as the nodejs24.x runtime provides it (no middy, Powertools, zod or layer), making the same
// DynamoDB call as functions/reserve-hotel.ts: a PutItem of the pending hotel booking, on the
// condition that it is not there yet, its id a SHA-256 of the trip and the hotel. Built by the
// bench as the functions are built (SDK external), never shipped.
import { createHash } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});
const TABLE_NAME = process.env.TABLE_NAME;

export const handler = async (trip) => {
  const id = createHash('sha256')
    .update(JSON.stringify(['hotel', trip.trip_id, trip.hotel, trip.check_in, trip.check_out]))
    .digest('hex')
    .slice(0, 32);
  const now = new Date().toISOString();
  try {
    await client.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: { S: trip.trip_id },
          sk: { S: `HOTEL#${id}` },
          trip_id: { S: trip.trip_id },
          type: { S: 'Hotel' },
          id: { S: id },
          hotel: { S: trip.hotel },
          check_in: { S: trip.check_in },
          check_out: { S: trip.check_out },
          transaction_status: { S: 'pending' },
          created_at: { S: now },
          updated_at: { S: now },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // Already reserved: the same request seen again.
    if (error?.name !== 'ConditionalCheckFailedException') throw error;
  }
  return { status: 'ok', booking_id: id };
};
