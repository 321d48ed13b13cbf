import { Global, Inject, Module } from '@nestjs/common';
import { AppConfig, parseConfig } from './config.schema';

export type { AppConfig } from './config.schema';
export { ConfigError, parseConfig } from './config.schema';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injects the validated configuration: `constructor(@InjectConfig() config: AppConfig)`. */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

/** The process environment: the one place outside tests where process.env is read. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}

export function loadConfigFromEnv(): AppConfig {
  return parseConfig(process.env);
}

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig) {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
