import type { IncomingMessage } from 'node:http';

/**
 * The client's IP address for a request: the socket's peer, or, behind
 * `trustProxyHops` reverse proxies that append to `X-Forwarded-For`, the
 * address that many hops back (as Express's `trust proxy = <hops>` does).
 * IPv4-mapped IPv6 addresses are returned as IPv4.
 */
export function clientIp(request: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxyHops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  let address = peer;
  if (trustProxyHops > 0) {
    const header = request.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
    const chain = [...forwarded, peer];
    address = chain[Math.max(0, chain.length - 1 - trustProxyHops)] ?? peer;
  }
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
