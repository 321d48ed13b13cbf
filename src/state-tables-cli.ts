import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderStateTables, STATE_TABLES_BEGIN, STATE_TABLES_END } from './modules/state-machines';

/** Writes the state tables into docs/architecture.md between their markers (`npm run docs:state-tables`). */
function main(): void {
  const path = join(__dirname, '..', '..', 'docs', 'architecture.md');
  const text = readFileSync(path, 'utf8');
  const begin = text.indexOf(STATE_TABLES_BEGIN);
  const end = text.indexOf(STATE_TABLES_END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/architecture.md has no ${STATE_TABLES_BEGIN} … ${STATE_TABLES_END}`);
  const before = text.slice(0, begin + STATE_TABLES_BEGIN.length);
  writeFileSync(path, `${before}\n\n${renderStateTables()}\n${text.slice(end)}`);
}

main();
