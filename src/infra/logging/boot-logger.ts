import { LoggerService } from '@nestjs/common';

/** Nest's contexts that print one line per controller and per route at boot (about 240 lines). */
const ROUTE_MAPPING_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer']);
/** "XModule dependencies initialized", one line per module and process (about 50 each). */
const MODULE_LOADING_CONTEXT = 'InstanceLoader';

/** The context Nest passes last to a log call, when there is one. */
function contextOf(params: unknown[]): string | undefined {
  const last = params[params.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/**
 * The application logger with Nest's route-mapping and module-loading lines moved to debug: at the
 * default level the boot prints one summary line, "N routes mapped", before "Nest application
 * successfully started" (docs/adr/0048); LOG_LEVEL=debug shows every route and module again.
 */
export class BootLogger implements LoggerService {
  private routes = 0;

  constructor(private readonly delegate: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context === MODULE_LOADING_CONTEXT) {
      this.debug(message, ...params);
      return;
    }
    if (context && ROUTE_MAPPING_CONTEXTS.has(context)) {
      if (context === 'RouterExplorer') this.routes += 1;
      this.debug(message, ...params);
      return;
    }
    if (context === 'NestApplication' && this.routes > 0) {
      this.delegate.log(`${this.routes} routes mapped (LOG_LEVEL=debug lists them)`, 'RoutesResolver');
      this.routes = 0;
    }
    this.delegate.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.delegate.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.delegate.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.delegate.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.delegate.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    (this.delegate.fatal ?? this.delegate.error).call(this.delegate, message, ...params);
  }
}
