/**
 * Commits a change (a user's roles) and its outbox event in one transaction, prints the event id,
 * and SIGKILLs itself at once: no relay of its own ever sees the event.
 * Env: the test environment's, plus USER_ID, ORGANIZATION_ID and ROLES (comma-separated).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../src/common/audit/audit.service';
import { Clock } from '../../../src/infra/clock/clock';
import { parseConfig } from '../../../src/infra/config/config';
import { dataSourceOptions } from '../../../src/infra/database/data-source.options';
import { OutboxService } from '../../../src/infra/events/outbox.service';

async function main(): Promise<void> {
  const userId = process.env.USER_ID as string;
  const organizationId = process.env.ORGANIZATION_ID as string;
  const roles = (process.env.ROLES ?? '').split(',').filter(Boolean);
  const dataSource = await new DataSource(dataSourceOptions(parseConfig(process.env))).initialize();
  const clock = new Clock();
  const audit = new AuditService(clock);
  const outbox = new OutboxService(clock);
  const eventId = await dataSource.transaction(async (em) => {
    await em.query(`UPDATE users SET roles = $2 WHERE id = $1`, [userId, roles]);
    await audit.record(em, {
      actor: { kind: 'system' },
      action: 'user.roles_changed',
      objectType: 'user',
      objectId: userId,
      after: { roles },
    });
    return outbox.publish(em, {
      type: 'user.roles_changed',
      aggregateType: 'user',
      aggregateId: userId,
      data: { userId, organizationId, roles },
    });
  });
  process.stdout.write(`${JSON.stringify({ eventId })}\n`, () => process.kill(process.pid, 'SIGKILL'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
