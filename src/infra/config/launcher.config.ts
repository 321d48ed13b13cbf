import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config.schema';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Variables only `npm start` (src/launcher.ts) reads. The launcher fills DATABASE_URL, REDIS_URL
 * JWT_ACCESS_SECRET and STORAGE_DIR for the API and the worker when they are unset; everything else in
 * `envSchema` passes through to them unchanged.
 */
export const launcherEnvSchema = z.object({
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.optional(),
  EMBEDDED_PG_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case identifier')
    .default('jiebang'),
  EMBEDDED_REDIS_PORT: port.optional(),
  REDIS_SERVER_BIN: z.string().min(1).default('redis-server'),
  LAUNCHER_START_WORKER: bool.default(true),
  // Loads the demo data (src/seed) once, when the database has no program and no challenge yet.
  SEED_DEMO: bool.default(true),
});

export type LauncherConfig = z.output<typeof launcherEnvSchema> & { dataDir: string };

export function parseLauncherConfig(env: Record<string, string | undefined>): LauncherConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = launcherEnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return { ...result.data, dataDir: resolve(result.data.DATA_DIR) };
}

export function loadLauncherConfigFromEnv(): LauncherConfig {
  return parseLauncherConfig(process.env);
}
