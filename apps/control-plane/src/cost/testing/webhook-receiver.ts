import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/** A real HTTP server on loopback that records POSTed JSON bodies (a stand-in for a Slack incoming webhook). */
export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer with (default 200). */
  status: number;
  close(): Promise<void>;
}

/** Starts a {@link WebhookReceiver} on 127.0.0.1 and a free port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver = { url: '', received, status: 200, close: async () => undefined } as WebhookReceiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body as string);
      } catch {
        // keep the text
      }
      received.push({ path: req.url ?? '/', contentType: req.headers['content-type'], body });
      res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(receiver.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}
