/** The audit actions of webhook subscriptions and deliveries. */
export const WEBHOOK_AUDIT = {
  created: 'webhook.created',
  deleted: 'webhook.deleted',
  deliveryReplayed: 'webhook.delivery_replayed',
  disabled: 'webhook.disabled',
} as const;
