/** What an alert message says. */
export interface CostAlertMessage {
  alertId: string;
  budgetName: string;
  /** `asset flights/raw`, `group flights`, `deployment prod`. */
  scopeLabel: string;
  period: 'DAY' | 'WEEK' | 'MONTH';
  /** `YYYY-MM-DD`. */
  periodStart: string;
  thresholdPercent: number;
  /** Decimal strings, USD. */
  spentUsd: string;
  limitUsd: string;
}

/** A Slack incoming-webhook payload: `text` (notification fallback) and Block Kit `blocks`. */
export interface SlackPayload {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const usd = (decimal: string) => `$${Number(decimal).toFixed(2)}`;

/**
 * The Slack-compatible JSON body of a budget alert (Slack incoming webhooks,
 * https://api.slack.com/messaging/webhooks: `text` plus Block Kit `blocks`);
 * other receivers can read the same fields. Pure.
 */
export function slackAlertPayload(m: CostAlertMessage): SlackPayload {
  const reached = m.thresholdPercent >= 100 ? 'exceeded' : `reached ${m.thresholdPercent} % of`;
  const text = `Gantry cost alert: ${m.scopeLabel} has ${reached} budget "${m.budgetName}" (${usd(m.spentUsd)} of ${usd(m.limitUsd)}, ${m.period.toLowerCase()} from ${m.periodStart})`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `Cost budget ${m.thresholdPercent >= 100 ? 'exceeded' : `at ${m.thresholdPercent} %`}: ${m.budgetName}` } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${m.scopeLabel}* has ${reached} its ${m.period.toLowerCase()} budget.` },
        fields: [
          { type: 'mrkdwn', text: `*Spent*\n${usd(m.spentUsd)}` },
          { type: 'mrkdwn', text: `*Budget*\n${usd(m.limitUsd)}` },
          { type: 'mrkdwn', text: `*Period*\n${m.period.toLowerCase()} from ${m.periodStart}` },
          { type: 'mrkdwn', text: `*Threshold*\n${m.thresholdPercent} %` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `alert ${m.alertId}` }] },
    ],
  };
}
