import { GetLogEventsCommand, ResourceNotFoundException, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

/** Options of {@link CloudWatchLogTail}. */
export interface CloudWatchLogTailOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  logStream: string;
  /** Receives each log event's message, in order. */
  onMessage: (message: string) => void;
  /** Where to resume: a {@link CloudWatchLogTail.position} of an earlier tail; default: the head of the stream. */
  startPosition?: string;
}

/**
 * Reads one CloudWatch Logs stream forward with GetLogEvents
 * (`startFromHead`, then the `nextForwardToken` of each answer), the way the
 * awslogs driver's output is meant to be followed. A stream that does not
 * exist yet (the container has not written) reads as empty. Not a timer:
 * the owner calls {@link poll}.
 *
 * Positions are exact to the event: CloudWatch tokens mark pages, so a
 * position is `<events delivered from the page>:<token the page was read with>`
 * (an empty token is the head); reading the same token again yields the same
 * first events, which are skipped.
 */
export class CloudWatchLogTail {
  private pageToken: string | undefined;
  private skip = 0;

  constructor(private readonly options: CloudWatchLogTailOptions) {
    if (options.startPosition) {
      const m = /^(\d+):(.*)$/s.exec(options.startPosition);
      if (!m) throw new Error(`not a CloudWatch log position: ${JSON.stringify(options.startPosition)}`);
      this.skip = Number(m[1]);
      this.pageToken = m[2] === '' ? undefined : m[2];
    }
  }

  /** Where the delivered output ends; valid also while {@link CloudWatchLogTailOptions.onMessage} runs. */
  get position(): string {
    return `${this.skip}:${this.pageToken ?? ''}`;
  }

  /**
   * Reads every event written since the last call and delivers it; resolves
   * with the number of events delivered. Errors: the SDK's error for anything
   * but a missing stream (throttling, permissions), with nothing skipped: the
   * next call resumes at the same place.
   */
  async poll(): Promise<number> {
    let delivered = 0;
    for (;;) {
      let page;
      try {
        page = await this.options.logs.send(
          new GetLogEventsCommand({
            logGroupName: this.options.logGroup,
            logStreamName: this.options.logStream,
            startFromHead: true,
            ...(this.pageToken !== undefined && { nextToken: this.pageToken }),
          }),
        );
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return delivered;
        throw error;
      }
      const events = page.events ?? [];
      for (const e of events.slice(this.skip)) {
        this.skip += 1;
        delivered += 1;
        this.options.onMessage(e.message ?? '');
      }
      const next = page.nextForwardToken;
      // GetLogEvents answers the token it was given once the stream has nothing newer.
      if (events.length === 0 || next === undefined || next === this.pageToken) return delivered;
      this.pageToken = next;
      this.skip = 0;
    }
  }
}
