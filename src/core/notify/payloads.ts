/**
 * Firing alerts as chat messages: a Slack incoming-webhook payload (Block Kit, with a plain-text fallback) and a
 * Microsoft Teams Workflows payload (an Adaptive Card in a message; Office 365 connector cards are retired). The
 * words are the alerts' own (value, threshold, run to open); nothing else of the workspace goes out.
 */
import type { FiringAlert } from '../alerts/evaluate';

export interface Notice {
  readonly title: string;
  readonly alerts: readonly FiringAlert[];
}

export function noticeOf(workspace: string, alerts: readonly FiringAlert[]): Notice {
  return { title: `Cutover: ${alerts.length} alert${alerts.length === 1 ? '' : 's'} firing in ${workspace}`, alerts };
}

/** Slack mrkdwn treats &, < and > as markup: escaped as its docs ask. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack caps a header at 150 characters and a section's text at 3000. */
const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function slackPayload(notice: Notice): Record<string, unknown> {
  return {
    text: notice.title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(notice.title, 150) } },
      ...notice.alerts.map((a) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: clip(`*${slackEscape(a.name)}* (${a.severity})\n${slackEscape(a.summary)}\n${slackEscape(a.description)}`, 3000) },
      })),
    ],
  };
}

export function teamsPayload(notice: Notice): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', text: notice.title, weight: 'Bolder', size: 'Medium', wrap: true },
          ...notice.alerts.flatMap((a) => [
            { type: 'TextBlock', text: `${a.name} (${a.severity})`, weight: 'Bolder', wrap: true, spacing: 'Medium' },
            { type: 'TextBlock', text: a.summary, wrap: true },
            { type: 'TextBlock', text: a.description, wrap: true, isSubtle: true },
          ]),
        ],
      },
    }],
  };
}
