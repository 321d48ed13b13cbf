import { MixedList } from 'typeorm';
import { AuditAndOutbox1763700000000 } from './1763700000000-AuditAndOutbox';

/** Every migration, in order. Add a new one here when you commit it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [AuditAndOutbox1763700000000];
