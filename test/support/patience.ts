/**
 * How long the suite waits. A test's claim is what happens, never how fast (the bench measures
 * speed): a bound that a loaded machine can reach (2 shared cores at a load of 8 and more while
 * other suites run) fails a test that is right, one run in many. So a wait for something that
 * will happen (a saga's end, npm start's banner, a page's update) gives up only after HANG_MS,
 * far past what the slowest run has needed, and a test or hook after TEST_TIMEOUT_MS, room for a
 * few such waits: only a hang ever reaches either. Nothing in a test may be retried instead.
 */

/** A wait for one thing that will happen: past this, it is a hang. */
export const HANG_MS = 60_000;

/** A test's or a hook's whole time (vitest.config.ts): past this, something in it hangs. */
export const TEST_TIMEOUT_MS = 3 * HANG_MS;
