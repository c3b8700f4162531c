import { createRegistry } from '../host/builtin-plugins.js';
import { formatTable } from '../render/format-number.js';

/**
 * `polaris plugins`: every known plugin, what it provides and whether it can run here. Each
 * plugin's module is loaded, so one that throws on load is listed as unavailable with its error;
 * the reason and the fix of each unavailable plugin follow the table, one line each.
 */
export async function pluginsCommand(extra: readonly string[]): Promise<number> {
  const rows = [['plugin', 'kinds', 'provides', 'status', 'description']];
  const reasons: string[] = [];
  for (const info of await createRegistry(extra).probe()) {
    rows.push([info.id, info.kinds.join(','), info.provides.join(','), info.status.state, info.description ?? '']);
    if (info.status.state === 'unavailable') reasons.push(`${info.id}: unavailable: ${info.status.reason}. Fix: ${info.status.fix}`);
  }
  process.stdout.write(`${formatTable(rows)}\n${reasons.length > 0 ? `\n${reasons.join('\n')}\n` : ''}`);
  return 0;
}
