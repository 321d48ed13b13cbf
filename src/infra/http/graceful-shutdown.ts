import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';
import { INestApplication, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { closeApplication } from '../lifecycle/close-application';
import { exitOnShutdownSignal, ShutdownContext, ShutdownState } from '../lifecycle/shutdown';

/** An idle keep-alive socket is closed once it has been idle this long during a drain (at most). */
const IDLE_LINGER_MS = 1_000;
/** How often a drain looks at its sockets. */
const DRAIN_TICK_MS = 25;

interface SocketState {
  /** Requests received on the socket whose responses have not finished. */
  active: number;
  /** Date.now() when the socket last became idle (its last response finished, or it connected). */
  idleSince: number;
}

/**
 * Drains an HTTP server (docs/adr/0036): stops accepting connections, answers every request it has
 * received or receives on an open socket with `Connection: close` (so the client does not send
 * another on it), closes sockets that stay idle, and destroys what is left at the deadline.
 *
 * Not `server.close()` with `closeIdleConnections()`: those destroy every socket that has no
 * request in progress *at that instant*, including sockets whose next request the client has sent
 * and the kernel holds but the server has not read yet. That client gets a reset for a request it
 * sent before the signal. Here an idle socket gets IDLE_LINGER_MS (read in a later event-loop turn,
 * after pending input has been read) to show a request, which is then answered with
 * `Connection: close`.
 */
export class HttpDrainer {
  private readonly sockets = new Map<Socket, SocketState>();
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Before the application's own listener, so the header is set before anything is written.
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) =>
      this.track(request, response),
    );
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  private track(request: IncomingMessage, response: ServerResponse): void {
    const state = this.sockets.get(request.socket);
    if (state) state.active++;
    if (this.draining) response.setHeader('Connection', 'close');
    else this.inFlight.add(response);
    let done = false;
    const finished = (): void => {
      if (done) return;
      done = true;
      this.inFlight.delete(response);
      if (state) {
        state.active--;
        state.idleSince = Date.now();
      }
    };
    response.once('finish', finished);
    response.once('close', finished);
  }

  /** Drains until every socket is closed or `deadline` (a Date.now() value) passes. */
  async drain(deadline: number): Promise<{ forced: number }> {
    this.draining = true;
    const startedAt = Date.now();
    for (const response of this.inFlight) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    this.inFlight.clear();
    // net.Server's close: stop listening, leave the open sockets to this drain (see the class comment).
    NetServer.prototype.close.call(this.server);
    const linger = Math.min(IDLE_LINGER_MS, Math.max(0, (deadline - startedAt) / 2));
    while (this.sockets.size && Date.now() < deadline) {
      await nextTurn(DRAIN_TICK_MS);
      const now = Date.now();
      for (const [socket, state] of this.sockets) {
        if (state.active === 0 && now - Math.max(state.idleSince, startedAt) >= linger) socket.destroy();
      }
    }
    const forced = this.sockets.size;
    for (const socket of this.sockets.keys()) socket.destroy();
    return { forced };
  }
}

/** A timer, then a check-phase callback: input that was pending when the timer fired has been read. */
function nextTurn(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), ms));
}

/**
 * The API's shutdown (main.ts), instead of Nest's enableShutdownHooks: on SIGTERM/SIGINT readiness
 * turns 503, the HTTP server drains while every module still works, then Nest closes (queues,
 * Redis, PostgreSQL), and the process exits, all within SHUTDOWN_GRACE_MS.
 */
export function installGracefulShutdown(app: INestApplication, config: AppConfig): HttpDrainer {
  const drainer = new HttpDrainer(app.getHttpServer() as Server);
  const logger = new Logger('Shutdown');
  exitOnShutdownSignal(config.SHUTDOWN_GRACE_MS, async ({ startedAt, budget }: ShutdownContext) => {
    app.get(ShutdownState).beginDraining(startedAt);
    const sockets = drainer.openSockets;
    const { forced } = await drainer.drain(startedAt + budget.drainMs);
    logger.log(
      forced
        ? `HTTP drained: ${forced} of ${sockets} sockets still busy at the deadline were closed by force`
        : `HTTP drained: ${sockets} open sockets closed after their last answers`,
    );
    await closeApplication(app, startedAt + budget.drainMs + budget.closeMs, logger);
  });
  return drainer;
}
