import { createRegistry } from '../host/builtin-plugins.js';
import { formatTable } from '../render/format-number.js';

/** `polaris plugins`: every known plugin, what it provides and whether it can run here. */
export function pluginsCommand(extra: readonly string[]): number {
  const rows = [['plugin', 'kinds', 'provides', 'status', 'description']];
  for (const info of createRegistry(extra).list()) {
    const status = info.status.state === 'ready' ? 'ready' : `unavailable: ${info.status.reason} (${info.status.fix})`;
    rows.push([info.id, info.kinds.join(','), info.provides.join(','), status, info.description ?? '']);
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  return 0;
}
