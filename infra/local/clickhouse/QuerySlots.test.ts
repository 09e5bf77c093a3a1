import { describe, expect, it } from 'vitest';
import { QuerySlots } from './QuerySlots.ts';

const open = () => new AbortController().signal;

describe('QuerySlots', () => {
  it('runs up to the limit at once and hands a freed slot to the next in line', async () => {
    const slots = new QuerySlots(2, 10);
    const first = await slots.acquire(open());
    await slots.acquire(open());
    const order: string[] = [];

    const third = slots.acquire(open()).then((release) => {
      order.push('third');
      return release;
    });
    const fourth = slots.acquire(open()).then(() => order.push('fourth'));
    expect(slots.queued).toBe(2);
    first();
    (await third)();
    await fourth;

    expect(order).toEqual(['third', 'fourth']);
    expect(slots.running).toBe(2);
  });

  it('refuses beyond the line with TOO_MANY_SIMULTANEOUS_QUERIES', async () => {
    const slots = new QuerySlots(1, 1);
    await slots.acquire(open());
    void slots.acquire(open());

    await expect(slots.acquire(open())).rejects.toMatchObject({ clickhouseCode: 202 });
  });

  it('drops a waiter whose client went away', async () => {
    const slots = new QuerySlots(1, 5);
    const release = await slots.acquire(open());
    const gone = new AbortController();

    const waiting = slots.acquire(gone.signal);
    gone.abort(new Error('client disconnected'));
    await expect(waiting).rejects.toThrow('client disconnected');
    release();

    expect(slots.queued).toBe(0);
    expect(slots.running).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const slots = new QuerySlots(1, 5);
    const release = await slots.acquire(open());

    release();
    release();

    expect(slots.running).toBe(0);
  });
});
