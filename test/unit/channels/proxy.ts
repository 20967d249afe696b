/**
 * A loopback TCP proxy in front of a real backend, for fault tests: it passes bytes through both ways until `cut`
 * says what happens to a chunk the client sent: 'reset' resets that connection (RST) on both sides, as a network fault
 * or a restarting server does mid-request; 'hang' forwards nothing more on it and answers nothing (a stuck server).
 */
import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

export interface Proxy {
  readonly port: number;
  /** Connections reset or hung so far. */
  readonly resets: number;
  close(): Promise<void>;
}

export async function startProxy(target: number, cut: (chunk: Buffer) => false | 'reset' | 'hang'): Promise<Proxy> {
  let resets = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    open.add(client).add(upstream);
    const drop = (): void => {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    let hung = false;
    client.on('data', (chunk: Buffer) => {
      if (hung) return;
      const fault = cut(chunk);
      if (fault !== false) resets++;
      if (fault === 'reset') drop();
      else if (fault === 'hang') hung = true;
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => { if (!hung) client.write(chunk); });
    // A reset side ends the other; the errors are the fault we made.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => { upstream.destroy(); open.delete(client); });
    upstream.on('close', () => { client.destroy(); open.delete(upstream); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get resets() { return resets; },
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
