/**
 * Admission of HTTP queries to the embedded engine: a fixed number run at once, the rest wait
 * in arrival order, and beyond a bounded line new ones are refused the way ClickHouse refuses
 * them (TOO_MANY_SIMULTANEOUS_QUERIES). A request whose client goes away leaves the line.
 */
import { ClickHouseException } from './errors.ts';

export type ReleaseSlot = () => void;

interface Waiter {
  grant: (release: ReleaseSlot) => void;
  refuse: (reason: unknown) => void;
}

export class QuerySlots {
  readonly #limit: number;
  readonly #maxQueued: number;
  readonly #waiting: Waiter[] = [];
  #running = 0;

  constructor(limit: number, maxQueued: number) {
    this.#limit = limit;
    this.#maxQueued = maxQueued;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  acquire(signal: AbortSignal): Promise<ReleaseSlot> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.#limit) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting.length >= this.#maxQueued) {
      return Promise.reject(
        ClickHouseException.of(
          'TOO_MANY_SIMULTANEOUS_QUERIES',
          `Too many simultaneous queries: ${this.#running} running and ${this.#waiting.length} waiting on the embedded engine`,
        ),
      );
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        refuse: (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Refuses every waiting request, e.g. because the server is closing. */
  refuseWaiting(reason: unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.refuse(reason);
  }

  #releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so `running` stays at the limit.
      if (next) next.grant(this.#releaser());
      else this.#running--;
    };
  }
}
