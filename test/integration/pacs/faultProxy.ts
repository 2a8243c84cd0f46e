/**
 * A loopback HTTP proxy in front of Orthanc that damages chosen answers, for the bad-peer tests:
 *   'truncate'  a WADO-RS multipart answer cut in half (sent as a complete chunked answer)
 *   'corrupt'   the multipart boundary lines overwritten (the parts cannot be delimited)
 *   'baddicom'  the DICOM instance inside a well-formed multipart answer overwritten (does not parse)
 *   'badjson'   a QIDO-RS JSON answer cut in half
 *   'stall'     half of the answer, then nothing (the client must time out)
 *   'stowlie'   a STOW-RS request answered 200 with a success body listing the instance, stored nowhere
 * Only the `nth` matching request (1-based) is damaged; everything else passes through.
 */
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';

export type FaultMode = 'none' | 'truncate' | 'corrupt' | 'baddicom' | 'badjson' | 'stall' | 'stowlie';

export class FaultProxy {
  mode: FaultMode = 'none';
  nth = 1;
  private seen = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly targetPort: number) {}

  set(mode: FaultMode, nth = 1): void {
    this.mode = mode;
    this.nth = nth;
    this.seen = 0;
  }

  start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.mode === 'stowlie' && req.method === 'POST') {
          // claim success for every SOP Instance UID in the body, forward nothing
          const uids = [...new Set(Buffer.concat(chunks).toString('latin1').match(/2\.25\.\d+/g) ?? [])];
          const items = uids.map((u) => ({ '00081155': { vr: 'UI', Value: [u] } }));
          res.writeHead(200, { 'content-type': 'application/dicom+json' });
          res.end(JSON.stringify({ '00081199': { vr: 'SQ', Value: items } }));
          return;
        }
        const headers = { ...req.headers };
        delete headers['accept-encoding']; // plain bytes, so that the damage lands where it is meant to
        const up = httpRequest({ host: '127.0.0.1', port: this.targetPort, method: req.method, path: req.url, headers }, (upRes) => {
          const body: Buffer[] = [];
          upRes.on('data', (c: Buffer) => body.push(c));
          upRes.on('end', () => this.answer(req.url ?? '', upRes.statusCode ?? 502, upRes.headers, Buffer.concat(body), res));
        });
        up.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        up.end(Buffer.concat(chunks));
      });
    });
    this.server = server;
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const a = server.address();
        this.port = typeof a === 'object' && a !== null ? a.port : 0;
        resolve();
      });
    });
  }

  private answer(url: string, status: number, headers: Record<string, string | string[] | undefined>, body: Buffer, res: ServerResponse): void {
    const isInstance = /\/instances\/[0-9.]+$/.test(url.split('?')[0] ?? '');
    const isQido = /\/studies\?/.test(url);
    const applies = (this.mode === 'badjson' ? isQido : isInstance && this.mode !== 'none') && status === 200;
    if (applies) this.seen += 1;
    const hit = applies && this.seen === this.nth;
    const out = { ...headers };
    delete out['content-length'];
    delete out['transfer-encoding'];
    if (!hit) {
      res.writeHead(status, out);
      res.end(body);
      return;
    }
    const damaged = Buffer.from(body);
    if (this.mode === 'truncate' || this.mode === 'badjson') {
      res.writeHead(status, out);
      res.end(damaged.subarray(0, Math.floor(damaged.length / 2)));
    } else if (this.mode === 'corrupt') {
      const ct = String(headers['content-type'] ?? '');
      const boundary = /boundary=("?)([^";]+)\1/.exec(ct)?.[2] ?? '';
      let at = boundary === '' ? -1 : damaged.indexOf(`--${boundary}`);
      while (at >= 0) {
        damaged.fill(0x58, at, at + 2 + boundary.length); // "XXXX..."
        at = damaged.indexOf(`--${boundary}`, at + 1);
      }
      res.writeHead(status, out);
      res.end(damaged);
    } else if (this.mode === 'baddicom') {
      const dicm = damaged.indexOf('DICM');
      if (dicm >= 0) damaged.fill(0x00, dicm, Math.min(damaged.length - 100, dicm + 4000));
      res.writeHead(status, out);
      res.end(damaged);
    } else if (this.mode === 'stall') {
      res.writeHead(status, out);
      res.write(damaged.subarray(0, Math.floor(damaged.length / 2)));
      // never ends: the client's timeout must fire; the socket is destroyed at stop()
    }
  }

  stop(): Promise<void> {
    const s = this.server;
    if (s === undefined) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
