import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSdpmError } from '../../../../../electron/core/errors';
import { DicomWebTransport } from '../../../../../electron/core/pacs/DicomWebTransport';
import type { DicomWebPeer } from '../../../../../electron/core/pacs/PacsConfig';

const peer: DicomWebPeer = { kind: 'dicomweb', name: 'p', baseUrl: 'http://127.0.0.1:1/dw', auth: { type: 'bearer' }, timeoutMs: 200 };
const ref = { studyInstanceUid: '1.2', seriesInstanceUid: '1.3', sopInstanceUid: '1.4', sopClassUid: '' };

function fake(respond: (url: string, init: RequestInit) => Promise<Response>): { t: DicomWebTransport; seen: { url: string; headers: Record<string, string> }[] } {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const f = (async (url: string | URL, init?: RequestInit) => {
    seen.push({ url: String(url), headers: { ...(init?.headers as Record<string, string>) } });
    return respond(String(url), init ?? {});
  }) as typeof fetch;
  return { t: new DicomWebTransport(peer, 'tok-secret', f), seen };
}

test('QIDO query string, bearer header, identity encoding; paging flag', async () => {
  const { t, seen } = fake(async () => new Response(JSON.stringify([{ '0020000D': { vr: 'UI', Value: ['1.2'] }, '00201206': { vr: 'IS', Value: [3] } }]), { status: 200 }));
  const page = await t.findStudies({ patientId: 'P1', dateFrom: '20240101', modality: 'CT', limit: 1 });
  assert.equal(page.studies[0]?.seriesCount, 3);
  assert.equal(page.mayHaveMore, true);
  const u = new URL(seen[0]!.url);
  assert.equal(u.pathname, '/dw/studies');
  assert.equal(u.searchParams.get('PatientID'), 'P1');
  assert.equal(u.searchParams.get('StudyDate'), '20240101-');
  assert.equal(u.searchParams.get('ModalitiesInStudy'), 'CT');
  assert.equal(seen[0]!.headers.Authorization, 'Bearer tok-secret');
  assert.equal(seen[0]!.headers['Accept-Encoding'], 'identity');
});

test('HTTP failures map to typed errors naming the peer and the study; the token is not in the message', async () => {
  const cases: [number, string][] = [
    [401, 'PACS_AUTH_FAILED'],
    [403, 'PACS_AUTH_FAILED'],
    [404, 'PACS_NOT_FOUND'],
    [400, 'PACS_BAD_RESPONSE'],
    [503, 'PACS_UNREACHABLE'],
  ];
  for (const [status, code] of cases) {
    const { t } = fake(async () => new Response('nope', { status }));
    await assert.rejects(t.fetchInstance(ref), (e) => isSdpmError(e, code as never) && e.message.includes('DICOMweb peer "p"') && e.message.includes('(study 1.2)') && !e.message.includes('tok-secret'), `HTTP ${status}`);
  }
});

test('malformed JSON, a non-multipart answer, two instances instead of one, a timeout and a cancel', async () => {
  await assert.rejects(fake(async () => new Response('[{"0020000D": ', { status: 200 })).t.findStudies({}), (e) => isSdpmError(e, 'PACS_BAD_RESPONSE') && /malformed JSON/.test(e.message));
  await assert.rejects(fake(async () => new Response('x', { status: 200, headers: { 'content-type': 'application/dicom' } })).t.fetchInstance(ref), (e) => isSdpmError(e, 'PACS_BAD_RESPONSE') && /expected multipart\/related/.test(e.message));
  const two = '--b\r\nContent-Type: application/dicom\r\n\r\nA\r\n--b\r\nContent-Type: application/dicom\r\n\r\nB\r\n--b--\r\n';
  await assert.rejects(fake(async () => new Response(two, { status: 200, headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=b' } })).t.fetchInstance(ref), /expected 1 instance .* got 2/);
  // a server that never answers; the held timer stands for the open socket (AbortSignal.timeout is unref'd)
  const hang = (_u: string, init: RequestInit): Promise<Response> =>
    new Promise((_r, reject) => {
      const hold = setTimeout(() => reject(new Error('the timeout did not fire')), 10_000);
      init.signal?.addEventListener('abort', () => {
        clearTimeout(hold);
        reject(init.signal?.reason);
      });
    });
  await assert.rejects(fake(hang).t.fetchInstance(ref), (e) => isSdpmError(e, 'PACS_TIMEOUT'));
  const ac = new AbortController();
  const p = fake(hang).t.fetchInstance(ref, ac.signal);
  ac.abort();
  await assert.rejects(p, (e) => isSdpmError(e, 'CANCELLED'));
});
