/**
 * The worked example of docs/integration.md, compiled and tested with the rest of the repository
 * (test/unit/typed-client.spec.ts): a portal subscribes to webhooks with its integration key,
 * verifies each delivery's Standard Webhooks signature, and syncs the open lists page by page.
 */
import express from 'express';
import type { Router } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { createJiebangClient } from '../index';
import type { JiebangClient, Problem, Schemas } from '../index';

// 1. A client for the portal: its integration key goes out as X-Api-Key.
export function portalClient(baseUrl: string, apiKey: string): JiebangClient {
  return createJiebangClient({ baseUrl, apiKey });
}

/** Turns a problem+json answer into an exception that keeps its stable `code`. */
export class JiebangError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
  }
}

// 2. Subscribe. The answer carries the signing secret once: store it with the subscription id.
export async function subscribe(api: JiebangClient, url: string): Promise<{ id: string; secret: string }> {
  const { data, error } = await api.POST('/api/v1/webhooks', {
    body: {
      url,
      eventTypes: ['challenge.published', 'challenge.amended', 'challenge.closed', 'challenge.awarded'],
      description: '江西省科技厅门户：榜单同步',
    },
  });
  if (error) throw new JiebangError(error);
  // Absent only from a replayed answer (Idempotency-Key): delete that subscription and subscribe again.
  if (!data.secret) throw new Error(`Subscription ${data.id}: its secret was shown once, in a lost answer`);
  return { id: data.id, secret: data.secret };
}

// 3. Verify a delivery: the raw body bytes as received, and the three webhook-* headers.
/** A delivery's body: `id` is the event's, `data` the fields of its type (docs/adr/0030). */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

const SIGNED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** The event, or null when the signature or the timestamp (±5 minutes) does not verify. */
export function verifyDelivery(
  secret: string,
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
): WebhookEvent | null {
  const signed = Object.fromEntries(SIGNED_HEADERS.map((name) => [name, String(headers[name] ?? '')]));
  try {
    return new Webhook(secret).verify(rawBody, signed) as WebhookEvent;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return null;
    throw error;
  }
}

/**
 * An Express route for the subscription's URL. The body must stay raw (no JSON parser before the
 * check: re-serialized JSON would not match the signature). Deliveries come at least once and
 * retries keep their `webhook-id`: skip ids you already handled. Answer 2xx fast; anything else is
 * retried for about three days, and 410 Gone disables the subscription.
 */
export function webhookRoute(
  secret: string,
  seen: { has(id: string): boolean; add(id: string): unknown },
  handle: (event: WebhookEvent) => Promise<void>,
): Router {
  const router = express.Router();
  router.post('/hooks/jiebang', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
    const event = verifyDelivery(secret, req.body as Buffer, req.headers);
    if (!event) {
      res.status(401).end();
      return;
    }
    const deliveryId = String(req.headers['webhook-id']);
    if (seen.has(deliveryId)) {
      res.status(204).end();
      return;
    }
    handle(event).then(
      () => {
        seen.add(deliveryId);
        res.status(204).end();
      },
      () => res.status(500).end(),
    );
  });
  return router;
}

// 4. Sync the open lists: keyset pagination, `nextCursor` until it is null.
export async function* openChallenges(
  api: JiebangClient,
): AsyncGenerator<Schemas['ChallengeSummaryDto'], void, undefined> {
  let cursor: string | null = null;
  do {
    // The first page has no cursor: leave it out (`cursor: undefined` fails exactOptionalPropertyTypes).
    const after: { cursor?: string } = cursor === null ? {} : { cursor };
    const { data, error } = await api.GET('/api/v1/challenges', {
      params: { query: { status: 'open', sort: 'closesAt', limit: 100, ...after } },
    });
    if (error) throw new JiebangError(error);
    yield* data.items;
    cursor = data.nextCursor;
  } while (cursor !== null);
}
