/**
 * Local API server: serves the built renderer and the API contract to a browser on 127.0.0.1 only.
 * Access needs the per-run random token: the first page load carries it as `?token=` and gets it back
 * as an HttpOnly SameSite=Strict cookie (then the URL is cleaned by a redirect); API clients may send
 * `x-sdpm-token` instead. Host and Origin are checked too (DNS rebinding, cross-site requests).
 * Requests: POST /api/<channel> with a wire-encoded body (electron/ipc/wireCodec), wire-encoded
 * envelope back. Events: GET /api/events (Server-Sent Events, JSON `{ name, payload }`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { dispatch, type Handlers } from '../ipc/dispatch';
import { decodeWire, encodeWire } from '../ipc/wireCodec';
import { CONTENT_SECURITY_POLICY } from '../ipc/contentSecurityPolicy';
import type { Envelope, EventName, EventPayload } from '../ipc/contract';
import type { Logger } from '../core/index';

export interface ServerOptions {
  handlers: Handlers;
  rendererDir: string;
  logger: Logger;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random 256-bit one by default. */
  token?: string;
  maxBodyBytes?: number;
  /**
   * Core-lab trial routes (`POST /api/trial:<name>`, electron/services/trial/trialRoutes.ts): the user's
   * session token travels in the `x-sdpm-session` header and is resolved to a user on this side.
   */
  trial?: (route: string, sessionToken: string | null, raw: unknown) => Promise<Envelope<unknown>>;
}

export interface RunningServer {
  /** Origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** URL to open in a browser, token included. */
  url: string;
  token: string;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const COOKIE = 'sdpm_token';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-embedder-policy', 'require-corp');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('x-frame-options', 'DENY');
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024 * 1024;
  const root = normalize(opts.rendererDir + sep);
  const sseClients = new Set<ServerResponse>();
  let origin = '';
  let hostHeader = '';

  const authorized = (req: IncomingMessage): boolean => {
    const given = (req.headers['x-sdpm-token'] as string | undefined) ?? cookieToken(req);
    return given !== null && sameSecret(given, token);
  };

  const readBody = (req: IncomingMessage): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBody) {
          reject(new Error(`request body over ${maxBody} bytes`));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        // Copy into a fresh, 8-aligned buffer so decoded blobs can be viewed as typed arrays.
        const out = new Uint8Array(size);
        let o = 0;
        for (const c of chunks) {
          out.set(c, o);
          o += c.length;
        }
        resolve(out);
      });
      req.on('error', reject);
    });

  const serveStatic = async (res: ServerResponse, pathname: string): Promise<void> => {
    const rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      securityHeaders(res);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: only our own host name is served.
    if (req.headers.host !== hostHeader && req.headers.host !== hostHeader.replace('127.0.0.1', 'localhost')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host');
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const pageToken = url.searchParams.get('token');
    if (req.method === 'GET' && pageToken !== null) {
      if (!sameSecret(pageToken, token)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong token: open the URL printed by `npm run serve`');
        return;
      }
      url.searchParams.delete('token');
      res.writeHead(303, {
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname + (url.search === '' ? '' : url.search),
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (!authorized(req)) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('not authorised: open the URL printed by `npm run serve` (it carries the token)');
      return;
    }
    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') {
        res.writeHead(405).end('POST only');
        return;
      }
      const reqOrigin = req.headers.origin;
      if (reqOrigin !== undefined && reqOrigin !== origin && reqOrigin !== origin.replace('127.0.0.1', 'localhost')) {
        res.writeHead(403).end('cross-origin request refused');
        return;
      }
      const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
      let raw: unknown;
      try {
        raw = decodeWire(await readBody(req));
      } catch (err) {
        const body = encodeWire({ ok: false, error: { code: 'INVALID_ARGUMENT', message: `unreadable request: ${String(err)}` } });
        res.writeHead(400, { 'content-type': 'application/octet-stream' }).end(body);
        return;
      }
      const session = req.headers['x-sdpm-session'];
      const envelope =
        opts.trial !== undefined && channel.startsWith('trial:')
          ? await opts.trial(channel, typeof session === 'string' ? session : null, raw)
          : await dispatch(opts.handlers, channel, raw);
      if (!envelope.ok) opts.logger.warn('API request failed', { channel, code: envelope.error.code, message: envelope.error.message });
      const body = encodeWire(envelope);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'content-length': body.byteLength });
      res.end(body);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    await serveStatic(res, url.pathname);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.logger.error('request failed', { url: req.url, error: String(err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  hostHeader = `127.0.0.1:${port}`;
  const heartbeat = setInterval(() => {
    for (const c of sseClients) c.write(': ping\n\n');
  }, 15000);
  heartbeat.unref();

  return {
    origin,
    url: `${origin}/?token=${token}`,
    token,
    emit(name, payload) {
      const line = `data: ${JSON.stringify({ name, payload })}\n\n`;
      for (const c of sseClients) c.write(line);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const c of sseClients) c.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
