export const BROKER_ENTITY = 'broker_profile';
export const NEED_ROUTE_ENTITY = 'need_route';

/** The audit actions of the service network. */
export const NETWORK_AUDIT = {
  brokerCreated: 'broker_profile.created',
  brokerUpdated: 'broker_profile.updated',
  routeCreated: 'need_route.created',
  routeDeleted: 'need_route.deleted',
} as const;
