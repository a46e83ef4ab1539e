import { GetLogEventsCommand, ResourceNotFoundException, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

/** Options of {@link CloudWatchLogTail}. */
export interface CloudWatchLogTailOptions {
  logs: CloudWatchLogsClient;
  logGroup: string;
  logStream: string;
  /** Receives each log event's message, in order. */
  onMessage: (message: string) => void;
  /** A forward token to resume after (from {@link CloudWatchLogTail.position}); default: the head of the stream. */
  startToken?: string;
}

/**
 * Reads one CloudWatch Logs stream forward with GetLogEvents
 * (`startFromHead`, then the `nextForwardToken` of each answer), the way the
 * awslogs driver's output is meant to be followed. A stream that does not
 * exist yet (the container has not written) reads as empty. Not a timer:
 * the owner calls {@link poll}.
 */
export class CloudWatchLogTail {
  private token: string | undefined;

  constructor(private readonly options: CloudWatchLogTailOptions) {
    this.token = options.startToken;
  }

  /** The forward token after the last delivered event (undefined before the first). */
  get position(): string | undefined {
    return this.token;
  }

  /**
   * Reads every event written since the last call and delivers it; resolves
   * with the number of events delivered. Errors: the SDK's error for anything
   * but a missing stream (throttling, permissions), with nothing skipped: the
   * next call resumes at the same token.
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
            ...(this.token !== undefined && { nextToken: this.token }),
          }),
        );
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return delivered;
        throw error;
      }
      const events = page.events ?? [];
      for (const e of events) this.options.onMessage(e.message ?? '');
      delivered += events.length;
      const next = page.nextForwardToken;
      // GetLogEvents answers the token it was given once the stream has nothing newer.
      const moved = next !== undefined && next !== this.token;
      if (next !== undefined) this.token = next;
      if (events.length === 0 || !moved) return delivered;
    }
  }
}
