/**
 * The booking app's plugin (local/plugin.ts): what the platform runs for this app and no other.
 * package.json names it for template.yaml ("offline"), so `npm start` runs it and `npm start --
 * --template PATH` of another app does not.
 *
 *   afterRestart   after a start on kept data: the sweep settles every trip left open, now
 *                  (none of the last run's executions survived it), before the API opens
 *   console        the booking form, the run types, the trip's items and notices
 *   formatMessage  a message to a customer, in one line, the contact masked
 *   describeInput  what a booking's run type asks for, when its execution starts
 *   banner         what npm start suggests trying with the app
 */
import { maskContact } from '#trip/document.ts';
import { shortId } from '../cli/start-output.ts';
import { maskEmailAddresses } from '../console/format.ts';
import type { TopicMessage } from '../emulators/messaging.ts';
import type { Plugin, Running } from '../plugin.ts';
import { bookingConsole, tripOf } from './console.ts';

/**
 * A message to a customer, in one line: the trip, who it went to (the contact masked), and the
 * message's first sentence, which says what happened (the rest lists the bookings); any email
 * address in it masked.
 */
const formatMessage = ({ subject, message, attributes }: TopicMessage) => {
  // Only a customer's notice (it names its trip and notice); the operators' records as they come.
  if (attributes.notice === undefined) return undefined;
  const trip = attributes.trip_id ? shortId(attributes.trip_id) : '';
  const to = attributes.contact ? `to ${maskContact(attributes.contact)}` : 'no contact';
  // The body: "Trip <id>", a blank line, then paragraphs; the first says what happened.
  const paragraph = message.split('\n').find((line, index) => index > 0 && /^\S/.test(line));
  const sentence = (paragraph ?? subject).split(/(?<=\.)\s/)[0]?.replace(/:$/, '.') ?? '';
  // Any email address the text holds (an operators' record carries whole events), masked.
  return `${trip} ✉ ${to}: ${maskEmailAddresses(sentence)}`;
};

/** What a booking's run type asks for, on npm start's line at the execution's start. */
const describeInput = ({ input }: { input: string }) => {
  const { runType } = tripOf(input);
  if (runType === undefined) return undefined;
  if (runType === 'success') return 'run type success: every step books';
  // failHotelReservation: the hotel reservation; failPayment: the payment.
  const step = runType
    .replace(/^fail/, '')
    .replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`)
    .trim();
  return `run type ${runType}: the ${step} fails on purpose`;
};

const banner = ({ endpoints: { api, lambda, messaging }, parameter }: Running) => `
  Saga ends        each execution's end goes to ReconcileTripFunction (EventBridge); SweepTripsFunction
                   settles what the events missed, on its schedule and at start over kept data
  Notifications    ${messaging}    each concluded trip's event goes on TripEventsBus to
                   NotifyCustomerFunction; what it sends the customer is printed here

${
  parameter('Profile') === 'production'
    ? `Production profile: every route needs a token; the reference's GET URLs and run types are off.
  npm run book -- --token-file <(npm run -s token -- --user alice)
  curl -H "Authorization: Bearer $(npm run -s token -- --user alice)" ${api}/trips/<trip_id>`
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
  describeInput,
  banner,
};

export default plugin;
