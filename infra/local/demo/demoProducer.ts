/**
 * The local stack's demo producer: a separate process that sends demo traffic through the
 * real SDK and Kinesis, configured by the same SIGHTLINE_* variables an app would use.
 */
import { init } from '@sightline/sdk';
import { emitDemoTrace } from './demoTraffic.ts';

const sightline = init({
  flushIntervalMs: 500,
  onError: (error) => console.error('demo producer:', (error as Error).message),
});

// A burst first, so a newcomer's first page load already has data, then a steady trickle.
for (let index = 0; index < 20; index += 1) emitDemoTrace(sightline, Math.random, Date.now());
void sightline.flush();

const timer = setInterval(() => {
  const traces = 1 + Math.floor(Math.random() * 3);
  for (let index = 0; index < traces; index += 1) emitDemoTrace(sightline, Math.random, Date.now());
}, 1_000);

async function stop(): Promise<void> {
  clearInterval(timer);
  await sightline.shutdown();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
