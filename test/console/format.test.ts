/**
 * How the console writes an execution's name in its list and an event's time in the history.
 */
import { describe, expect, it } from 'vitest';
import { maskEmailAddresses, shortName, sinceStart } from '../../local/console/format.ts';

describe('shortName', () => {
  it('shortens a UUID (a trip started without an id) to its first 8 characters', () => {
    expect(shortName('0f3c2a9e-5b7d-4c1e-9a2b-3d4e5f6a7b8c')).toBe('0f3c2a9e…');
  });

  it('keeps any other name whole (the page ends it with an ellipsis when it is too long)', () => {
    expect(shortName('my-trip-2')).toBe('my-trip-2');
    expect(shortName('0f3c2a9e-5b7d-4c1e-9a2b-3d4e5f6a7b8c-retry')).toBe(
      '0f3c2a9e-5b7d-4c1e-9a2b-3d4e5f6a7b8c-retry',
    );
  });
});

describe('sinceStart', () => {
  const start = '2026-11-30T05:00:00.000Z';

  it('gives the seconds since the start, to the millisecond, under a minute', () => {
    expect(sinceStart(start, start)).toBe('+0.000 s');
    expect(sinceStart('2026-11-30T05:00:00.412Z', start)).toBe('+0.412 s');
    expect(sinceStart('2026-11-30T05:00:59.999Z', start)).toBe('+59.999 s');
  });

  it('gives minutes and seconds from a minute on', () => {
    expect(sinceStart('2026-11-30T05:05:49.040Z', start)).toBe('+5 min 49.0 s');
  });

  it('gives nothing when a time is missing', () => {
    expect(sinceStart(undefined, start)).toBe('');
    expect(sinceStart(start, undefined)).toBe('');
  });
});

describe('maskEmailAddresses', () => {
  it('masks every email address in a text to its first letter and its domain, and nothing else', () => {
    expect(
      maskEmailAddresses('{"contact":"jane.doe+trips@example.com","to":"bob@mail.example.org"}'),
    ).toBe('{"contact":"j***@example.com","to":"b***@mail.example.org"}');
    expect(maskEmailAddresses('no address here, not even @ or a@b')).toBe(
      'no address here, not even @ or a@b',
    );
  });

  it('leaves a masked address as it is', () => {
    expect(maskEmailAddresses('sent to j***@example.com')).toBe('sent to j***@example.com');
  });
});
