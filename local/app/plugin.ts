/**
 * The booking app's plugin (local/plugin.ts): what the platform runs for this app and no other.
 * package.json names it for template.yaml ("offline"), so `npm start` runs it and `npm start --
 * --template PATH` of another app does not.
 *
 *   afterRestart   after a start on kept data: the sweep settles every trip left open, now
 *                  (none of the last run's executions survived it), before the API opens
 *   console        the booking form, the run types, the trip's items and notices
 *   formatMessage  a message to a customer, printed with the contact masked
 *   banner         what npm start suggests trying with the app
 */
import { maskContact } from '#trip/document.ts';
import { maskEmailAddresses } from '../console/format.ts';
import type { TopicMessage } from '../emulators/messaging.ts';
import type { Plugin, Running } from '../plugin.ts';
import { bookingConsole } from './console.ts';

/**
 * A message to a topic, as the customer would get it: the contact, and any email address the
 * text holds (an operators' record carries whole events), masked.
 */
const formatMessage = ({ topicArn, subject, message, attributes }: TopicMessage) => {
  const to = attributes.contact ? ` to ${maskContact(attributes.contact)}` : '';
  const topic = topicArn.slice(topicArn.lastIndexOf(':') + 1);
  const indented = maskEmailAddresses(message).replaceAll('\n', '\n    ');
  return `\n[${topic}]${to}: ${maskEmailAddresses(subject ?? '')}\n    ${indented}\n`;
};

const banner = ({ endpoints: { api, lambda, messaging }, parameter }: Running) => `
  Saga ends        each execution's end goes to ReconcileTripFunction (EventBridge); SweepTripsFunction
                   settles what the events missed, on its schedule and at start over kept data
  Notifications    ${messaging}    each concluded trip's event goes on TripEventsBus to
                   NotifyCustomerFunction; what it sends the customer is printed here

${
  parameter('Profile') === 'production'
    ? `Production profile: every route needs a token; the reference's GET URLs and run types are off.
  TOKEN=$(npm run -s token -- --user alice)
  npm run book -- --token "$TOKEN"
  curl -H "Authorization: Bearer $TOKEN" ${api}/trips/<trip_id>`
    : `Try:
  curl "${api}/?runType=failPayment"
  curl ${api}/trips/<trip_id>
  npm run book -- --run-type failPayment`
}
  aws lambda invoke --endpoint-url ${lambda} --function-name ReserveHotelFunction --payload file://events/reserve-hotel.json out.json`;

const plugin: Plugin = {
  name: 'Booking saga',
  // Kept data, and a Step Functions that starts empty: no execution of the last run survived
  // it. The sweep settles every trip left open now, before the API takes a request.
  afterRestart: (running) => running.runSchedules({ older_than_seconds: 0 }),
  console: bookingConsole,
  formatMessage,
  banner,
};

export default plugin;
