/** Open Dashboard: the workspace's run history across runs (src/webviews/dashboard). Reads only; not trust-gated. */
import type { CommandTable } from '../shared/contributions';

/** What the command needs of the Dashboard panel (the panel itself is wired in by extension.ts). */
export interface DashboardSurface {
  show(): void;
}

export function dashboardCommands(panel: DashboardSurface) {
  return {
    'cutover.openDashboard': () => panel.show(),
  } satisfies Partial<CommandTable>;
}
