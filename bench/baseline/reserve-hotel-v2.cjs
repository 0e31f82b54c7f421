// The reference's ReserveHotel, as it must run on nodejs24.x: AWS SDK v2 is no longer in the
// runtime, so it is bundled. Built by the bench only, never shipped. One change: the endpoint is
// read from AWS_ENDPOINT_URL_DYNAMODB, which SDK v2 does not do by itself.
const { DynamoDB } = require('aws-sdk');

exports.handler = async (event) => {
  console.log('request:', JSON.stringify(event, undefined, 2));
  const hotelBookingID = hashCode(`${event.trip_id}${event.hotel}${event.check_in}`);
  if (event.run_type === 'failHotelReservation') {
    throw new Error('Failed to reserve the hotel');
  }
  const dynamo = new DynamoDB({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  const params = {
    TableName: process.env.TABLE_NAME,
    Item: {
      pk: { S: event.trip_id },
      sk: { S: `HOTEL#${hotelBookingID}` },
      trip_id: { S: event.trip_id },
      type: { S: 'Hotel' },
      id: { S: hotelBookingID },
      hotel: { S: event.hotel },
      check_in: { S: event.check_in },
      check_out: { S: event.check_out },
      transaction_status: { S: 'pending' },
    },
  };
  const result = await dynamo.putItem(params).promise();
  console.log('inserted hotel booking:', result);
  return { status: 'ok', booking_id: hotelBookingID };
};

function hashCode(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return `${Math.abs(h)}`;
}
