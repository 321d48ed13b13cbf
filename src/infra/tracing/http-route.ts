import { INestApplication } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { fastifyOf } from '../http/request-pipeline';
import { tracingActive } from './otel';

/**
 * Names each request's server span after its route template, `POST /api/v1/applications/:id/submit`
 * (with `http.route`), instead of the bare method the http instrumentation knows: traces group by
 * route, and no id ends up in a span name. Nothing is installed when tracing is off (docs/adr/0064).
 */
export function installTraceRouteNames(app: INestApplication): void {
  if (!tracingActive()) return;
  fastifyOf(app).addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions?.url;
    const span = trace.getActiveSpan();
    if (route && span) {
      span.setAttribute('http.route', route);
      span.updateName(`${request.method} ${route}`);
    }
    done();
  });
}
