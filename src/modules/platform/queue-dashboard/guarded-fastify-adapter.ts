import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import { adminOnly } from './admin-only.middleware';

/**
 * bull-board's Fastify adapter whose plugin checks every request of its scope with adminOnly
 * first: the access rule of the dashboard's pages, assets and queue API alike.
 */
export class GuardedFastifyAdapter extends FastifyAdapter {
  override registerPlugin(): FastifyPluginCallback {
    const board = super.registerPlugin();
    return (fastify: FastifyInstance, options, done) => {
      fastify.addHook('onRequest', adminOnly);
      fastify.register(board, { ...options, prefix: '' });
      done();
    };
  }
}
