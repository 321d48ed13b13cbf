import compress from '@fastify/compress';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

/** Answers smaller than this go out as they are: compressing them costs more than it saves. */
export const COMPRESSION_THRESHOLD_BYTES = 2048;

const UNCOMPRESSED = 'jiebangUncompressed';

/**
 * On a route that streams a stored file (an attachment download): its bytes go out as stored,
 * with their Content-Length, never re-encoded.
 */
export const Uncompressed = (): MethodDecorator => RouteConfig({ [UNCOMPRESSED]: true });

/**
 * Response compression where it pays (ADR 0050): @fastify/compress for answers of a compressible
 * type (JSON, problem+json, the docs' scripts) of at least COMPRESSION_THRESHOLD_BYTES, to a
 * client that accepts br or gzip; never a stored file (`@Uncompressed()`), a 304 or an empty
 * body. Request bodies are not decompressed here: the JSON parser (body-parser) inflates them
 * itself, as before.
 */
export function installCompression(fastify: FastifyInstance): void {
  // Before the plugin's own onRoute hook, which reads `compress` from the route.
  fastify.addHook('onRoute', (route) => {
    if ((route.config as Record<string, unknown> | undefined)?.[UNCOMPRESSED]) route.compress = false;
  });
  void fastify.register(compress, {
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    globalDecompression: false,
  });
}
