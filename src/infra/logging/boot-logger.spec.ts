import { LoggerService } from '@nestjs/common';
import { BootLogger } from './boot-logger';

function recorder(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: unknown, ...params: unknown[]): void => {
      lines.push(`${level} ${String(params[params.length - 1])}: ${String(message)}`);
    };
  return {
    lines,
    log: at('info'),
    error: at('error'),
    warn: at('warn'),
    debug: at('debug'),
    verbose: at('verbose'),
  };
}

describe('BootLogger', () => {
  it("moves Nest's module-loading and route-mapping lines to debug and prints one summary before the start line", () => {
    const delegate = recorder();
    const logger = new BootLogger(delegate);
    logger.log('CoreModule dependencies initialized', 'InstanceLoader');
    logger.log('ChallengesController {/api/v1/challenges}:', 'RoutesResolver');
    logger.log('Mapped {/api/v1/challenges, GET} route', 'RouterExplorer');
    logger.log('Mapped {/api/v1/challenges, POST} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('careful', 'Other');
    expect(delegate.lines).toEqual([
      'debug InstanceLoader: CoreModule dependencies initialized',
      'debug RoutesResolver: ChallengesController {/api/v1/challenges}:',
      'debug RouterExplorer: Mapped {/api/v1/challenges, GET} route',
      'debug RouterExplorer: Mapped {/api/v1/challenges, POST} route',
      'info RoutesResolver: 2 routes mapped (LOG_LEVEL=debug lists them)',
      'info NestApplication: Nest application successfully started',
      'warn Other: careful',
    ]);
  });
});
