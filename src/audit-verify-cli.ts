import { DataSource } from 'typeorm';
import { z } from 'zod';
import { envSchema } from './infra/config/config.schema';
import { processEnv } from './infra/config/config';
import { dataSourceOptions } from './infra/database/data-source.options';
import { databaseErrorLine } from './infra/startup/startup-errors';
import { AuditChainRepository } from './modules/platform/audit/chain/audit-chain.repository';
import { AuditVerifier, ChainBreak, VerificationResult } from './modules/platform/audit/chain/audit-verifier';

/**
 * `npm run audit:verify [-- --from <seq>] [--to <seq>]`: recomputes the audit trail's hash chain
 * (ADR 0046) with nothing but DATABASE_URL and prints OK with the counts, or the first broken link
 * naming the audit row and why. Exit code 0: intact; 1: broken; 2: could not verify.
 */
const cliEnv = envSchema.pick({ DATABASE_URL: true }).extend({
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(600_000),
});

function seqArgument(args: string[], name: string): number | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} needs a sequence number (1 or more)`);
  return value;
}

export function describeBreak(broken: ChainBreak): string {
  const row = broken.auditEventId
    ? `audit event ${broken.auditEventId}` +
      (broken.action ? ` (action ${broken.action}, occurred at ${broken.occurredAt})` : '')
    : 'no row';
  const where = broken.seq === null ? 'an unsealed row' : `seal #${broken.seq}`;
  return `Audit chain BROKEN at ${where}: ${broken.reason.replace(/_/g, ' ')} — ${row}: ${broken.detail}`;
}

export function describeResult(result: VerificationResult): string {
  if (result.firstBreak) return describeBreak(result.firstBreak);
  const range = result.checked ? `seals #${result.fromSeq}–#${result.toSeq}` : 'no seals';
  const unsealed = result.unsealed === null ? '' : `; ${result.unsealed} rows not sealed yet`;
  const last = result.lastHash ? `; seal #${result.toSeq} ends ${result.lastHash}` : '';
  return (
    `Audit chain OK: ${result.checked} seals verified (${range}; ${result.live} rows live, ` +
    `${result.archived} archived), ${result.checkpoints} checkpoints${unsealed}${last}; ` +
    `head #${result.head.seq} ${result.head.hash}`
  );
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const env = processEnv();
  if (!env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: give the postgres:// URL of the database to verify');
  }
  const parsed = cliEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const fromSeq = seqArgument(args, '--from');
  const toSeq = seqArgument(args, '--to');
  const dataSource = await new DataSource({
    ...dataSourceOptions({ ...parsed.data, DATABASE_POOL_MAX: 2 }),
    entities: [],
  })
    .initialize()
    .catch((error: unknown) => {
      // The one-line start-up messages (ADR 0048): refused, unknown role, missing database.
      const line = databaseErrorLine(error, parsed.data.DATABASE_URL, 0);
      throw line ? new Error(line) : error;
    });
  try {
    const verifier = new AuditVerifier(new AuditChainRepository());
    const limit = toSeq === undefined ? undefined : toSeq - (fromSeq ?? 1) + 1;
    const full = fromSeq === undefined && toSeq === undefined;
    const result = await dataSource.transaction('REPEATABLE READ', (em) =>
      verifier.verify(em, { fromSeq, limit, full }),
    );
    console.log(describeResult(result));
    return result.ok ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`audit:verify could not verify: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
