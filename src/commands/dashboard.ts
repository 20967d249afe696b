/** Open Dashboard: the workspace's run history across runs (src/webviews/dashboard). Reads only; not trust-gated. */
import type { CommandTable } from '../shared/contributions';
import type { DashboardPanel } from '../webviews/dashboard/panel';

export function dashboardCommands(panel: DashboardPanel) {
  return {
    'cutover.openDashboard': () => panel.show(),
  } satisfies Partial<CommandTable>;
}
