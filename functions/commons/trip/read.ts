/**
 * Reading a trip with the functions' own client and table: every item, by kind, each parsed
 * (items.ts). Apart from the table's writes, so that the saga's steps, which never read a whole
 * trip, do not load the items' schemas.
 */
import { documentClient } from '#clients/dynamodb.ts';
import { TABLE_NAME } from '#table/bookings-table.ts';
import { readTripItems, type TripItems } from '#trip/items.ts';

export const readTrip = (tripId: string): Promise<TripItems> =>
  readTripItems(documentClient, TABLE_NAME, tripId);
