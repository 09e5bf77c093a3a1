/**
 * Binds a local service's HTTP server to a loopback port, turning "address in use" into a
 * clear, named error that says which service wanted which port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in service listening on loopback. */
export interface LocalService {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  readonly port: number;
  constructor(service: string, port: number, host: string) {
    super(
      `Port ${port} on ${host} is already in use, so ${service} cannot start. Stop whatever holds it (\`lsof -i :${port}\`) or choose another port.`,
    );
    this.name = 'PortInUseError';
    this.port = port;
  }
}

export async function listenOnLoopback(
  server: Server,
  options: { service: string; port: number; host?: string },
): Promise<{ host: string; port: number }> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(options.service, options.port, host)
          : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, host);
  });
  return { host, port: (server.address() as AddressInfo).port };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Finds a free loopback port by binding port 0 (for children that cannot take port 0). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Fails with PortInUseError when a port a child process will bind is already taken. */
export async function assertPortFree(
  service: string,
  port: number,
  host = '127.0.0.1',
): Promise<void> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(service, port, host) : error),
    );
    probe.listen(port, host, () => resolve());
  });
  await new Promise((resolve) => probe.close(resolve));
}
