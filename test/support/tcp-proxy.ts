import { once } from 'node:events';
import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of PostgreSQL or Redis, so a test can take the dependency away
 * from one app without touching the server the other tests use:
 * - `stop('immediate')`: every connection is destroyed at once (both sides) and new ones are
 *   refused (the listener closes), as when the server dies or the host is cut off;
 * - `stop('refuse')`: new connections are refused but existing ones are left alone (for a fast
 *   stop, where the server itself ends its sessions, e.g. with pg_terminate_backend);
 * - `start()`: listens again on the same port (the app keeps its configured URL).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  /** Connections accepted so far: a test can see that the app reconnected through the proxy. */
  accepted = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: { host?: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host ?? '127.0.0.1', target.port);
    await proxy.start();
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Open connections, counting both sides of each. */
  get openSockets(): number {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.forward(client));
    server.listen(this.boundPort, '127.0.0.1');
    await once(server, 'listening');
    this.boundPort = (server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(mode: 'immediate' | 'refuse'): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // The listening socket closes at once (new connections are refused from here on); the callback
    // only comes when the accepted connections are gone, so it is awaited only when they are.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (mode === 'immediate') {
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
  }

  async close(): Promise<void> {
    await this.stop('immediate');
  }

  private forward(client: Socket): void {
    this.accepted++;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      // An error on one side ends the other; the error itself is the test's expected outage.
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
