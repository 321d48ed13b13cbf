import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Actor } from './factories';
import type { TestApp } from './test-app';

export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1: answers each path from its script (then 200 "ok"), records all. */
export class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Scripted[]>();
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
        const next = this.scripts.get(path)?.shift() ?? { status: 200, body: 'ok' };
        res.writeHead(next.status, next.headers).end(next.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  script(path: string, ...answers: Scripted[]): void {
    this.scripts.set(path, answers);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

/** Verifies a received request with the standardwebhooks package, its clock set to the signing time. */
export function verifyReceived(secret: string, request: Received): unknown {
  const signedAt = Number(request.headers['webhook-timestamp']) * 1000;
  const spy = jest.spyOn(Date, 'now').mockReturnValue(signedAt);
  try {
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
  } finally {
    spy.mockRestore();
  }
}

/**
 * A portal of `organizationId`: an API key the admin issues it, and with that key a webhook
 * subscription of `eventTypes` to `url`. Throws with the answer when either is refused.
 */
export async function subscribePortal(
  t: TestApp,
  admin: Actor,
  organizationId: string,
  url: string,
  eventTypes: string[],
): Promise<{ key: string; subscriptionId: string }> {
  const issued = await t.http
    .post('/api/v1/api-keys')
    .set(admin.headers)
    .send({ name: '门户', organizationId });
  if (issued.status !== 201) throw new Error(`api key: ${issued.status} ${JSON.stringify(issued.body)}`);
  const key = issued.body.key as string;
  const subscribed = await t.http
    .post('/api/v1/webhooks')
    .set({ 'X-Api-Key': key })
    .send({ url, eventTypes });
  if (subscribed.status !== 201)
    throw new Error(`subscription: ${subscribed.status} ${JSON.stringify(subscribed.body)}`);
  return { key, subscriptionId: subscribed.body.id as string };
}
