/** The bridge's state as the status bar shows it. */

export type SidecarStatus =
  | { state: 'connecting'; url: string; attempt?: number }
  | { state: 'connected'; url: string; clientId: string | null; dashboardUrl: string }
  | { state: 'no-sidecar'; root: string }
  | { state: 'error'; message: string };

/** What a click on the status bar item does. */
export type StatusAction = 'start' | 'reconnect' | 'dashboard';

export interface StatusView {
  /** Short text; `$(…)` are codicons. */
  text: string;
  tooltip: string;
  action: StatusAction;
}

export function describeStatus(status: SidecarStatus): StatusView {
  switch (status.state) {
    case 'connecting':
      return {
        text: '$(sync~spin) Sidecar',
        tooltip: `Connecting to ${status.url}${status.attempt ? ` (attempt ${status.attempt})` : ''}`,
        action: 'reconnect',
      };
    case 'connected':
      return {
        text: '$(broadcast) Sidecar',
        tooltip: `Connected to ${status.url}. Click to open the dashboard.`,
        action: 'dashboard',
      };
    case 'no-sidecar':
      return {
        text: '$(circle-slash) Sidecar',
        tooltip: `No sidecar runs for ${status.root}. Click to start one.`,
        action: 'start',
      };
    case 'error':
      return {
        text: '$(error) Sidecar',
        tooltip: `${status.message}. Click to reconnect.`,
        action: 'reconnect',
      };
  }
}
