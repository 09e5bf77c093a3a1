/**
 * The local stand-ins refuse a taken port with a clear, named error.
 */
import { describe, expect, it } from 'vitest';
import { startDynalite } from './dynalite.ts';
import { startKinesalite } from './kinesalite.ts';
import { assertPortFree, PortInUseError } from './listenOnLoopback.ts';

describe.each([
  ['Kinesis (kinesalite)', (port: number) => startKinesalite({ port })],
  ['DynamoDB (dynalite)', (port: number) => startDynalite({ port })],
])('%s', (service, start) => {
  it('names itself and the port when the port is taken', async () => {
    // Prepare
    const first = await start(0);
    // Act
    const second = start(first.port);
    // Assess
    await expect(second).rejects.toBeInstanceOf(PortInUseError);
    await expect(second).rejects.toThrow(
      `Port ${first.port} on 127.0.0.1 is already in use, so ${service} cannot start`,
    );
    await first.close();
  });
});

it('assertPortFree passes for a free port and refuses a taken one', async () => {
  const running = await startDynalite();
  await expect(assertPortFree('the web app', running.port)).rejects.toMatchObject({
    code: 'PORT_IN_USE',
  });
  await running.close();
  await expect(assertPortFree('the web app', running.port)).resolves.toBeUndefined();
});
