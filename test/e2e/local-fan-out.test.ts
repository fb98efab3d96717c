import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChannelListener,
  LocalFanOut,
  MAX_QUEUED_EVENTS,
  SubscriberOverflowError,
} from '../../server/events/local-fan-out.js';
import { createAppPubSub } from '../../server/events/pubsub.js';

/**
 * The replica's one transport subscription per channel, handed to every local subscriber: each
 * gets every event from the moment it subscribed, in order, until it leaves; the transport is
 * listened to once, and left when the last subscriber leaves; a subscriber that falls too far
 * behind ends with an error without holding up the others.
 */
describe('local fan-out of a channel to the subscribers of a replica', () => {
  /** The app's in-process transport, its listeners on channel `c` counted. */
  function transport() {
    const handle = createAppPubSub(undefined);
    const counts = { subscribed: 0, live: 0 };
    const listen: ChannelListener<number> = (onEvent) => {
      counts.subscribed += 1;
      counts.live += 1;
      const stop = handle.listen('c', (envelope) => onEvent((envelope.data as { n: number }).n));
      return () => {
        counts.live -= 1;
        stop();
      };
    };
    const publish = (n: number) =>
      handle.pubSub.publish('c', {
        topic: 'c',
        data: { n },
        origin: { actorId: null, requestId: 't', at: '' },
      });
    return { publish, subscribe: listen, counts };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('gives every subscriber every event arriving after it subscribed, in order, through one transport listener', async () => {
    const t = transport();
    const fanOut = new LocalFanOut<number>(t.subscribe);
    const a = fanOut.open();
    const b = fanOut.open();
    await tick();
    for (const n of [1, 2, 3]) t.publish(n); // before anyone asks: they wait in the queues
    const c = fanOut.open(); // subscribed after 1-3 arrived: gets only what follows
    t.publish(4);
    await tick();
    const take = async (it: AsyncIterator<number>, n: number) => {
      const got: number[] = [];
      for (let i = 0; i < n; i++) got.push((await it.next()).value as number);
      return got;
    };
    assert.deepEqual(await take(a, 4), [1, 2, 3, 4]);
    assert.deepEqual(await take(b, 4), [1, 2, 3, 4]);
    assert.deepEqual(await take(c, 1), [4]);
    assert.equal(t.counts.subscribed, 1, 'one transport listener for three subscribers');
  });

  it('stops a subscriber that leaves, and leaves the transport with the last one (listening again for a new one)', async () => {
    const t = transport();
    const fanOut = new LocalFanOut<number>(t.subscribe);
    const a = fanOut.open();
    const b = fanOut.open();
    await tick();
    const waiting = a.next();
    await a.return?.();
    assert.deepEqual(await waiting, { done: true, value: undefined }, 'a pending next ends at once');
    t.publish(1);
    await tick();
    assert.deepEqual(await b.next(), { done: false, value: 1 });
    assert.deepEqual(await a.next(), { done: true, value: undefined });
    await b.return?.();
    assert.equal(fanOut.size, 0);
    assert.equal(t.counts.live, 0, 'the transport is left with the last subscriber');
    const c = fanOut.open();
    await tick();
    t.publish(2);
    await tick();
    assert.deepEqual(await c.next(), { done: false, value: 2 });
    assert.equal(t.counts.subscribed, 2);
  });

  it('ends a subscriber that falls too far behind with an error, the others unaffected', async () => {
    const t = transport();
    const fanOut = new LocalFanOut<number>(t.subscribe);
    const slow = fanOut.open();
    const fast = fanOut.open();
    await tick();
    let received = 0;
    const reading = (async () => {
      while (received < MAX_QUEUED_EVENTS + 10 && !(await fast.next()).done) received += 1;
      await fast.return?.();
    })();
    for (let n = 0; n < MAX_QUEUED_EVENTS + 10; n++) {
      t.publish(n);
      if (n % 100 === 0) await tick();
    }
    await reading;
    assert.equal(received, MAX_QUEUED_EVENTS + 10);
    await assert.rejects(slow.next(), SubscriberOverflowError);
    assert.deepEqual(await slow.next(), { done: true, value: undefined });
    assert.equal(fanOut.size, 0, 'both have left (the fast one by ending its loop)');
  });
});
