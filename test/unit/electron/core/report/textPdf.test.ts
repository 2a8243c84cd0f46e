import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textPdf, wrapLines } from '../../../../../electron/core/report/textPdf';
import { pdfToText } from './pdfToText';

test('wrapLines keeps short lines, wraps at spaces, cuts words longer than the width', () => {
  assert.deepEqual(wrapLines(['short', ''], 10), ['short', '']);
  assert.deepEqual(wrapLines(['alpha beta gamma'], 11), ['alpha beta', '  gamma']);
  assert.deepEqual(wrapLines(['x'.repeat(25)], 10), ['x'.repeat(10), '  xxxxxxxx', '  xxxxxxx'], 'continuation lines are indented and stay within the width');
});

test('the xref table points at every object (a reader can seek them)', () => {
  const pdf = textPdf('T', ['one', 'two (with parentheses) and a \\ backslash']);
  const s = Buffer.from(pdf).toString('latin1');
  const xref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(s)?.[1]);
  assert.equal(s.slice(xref, xref + 4), 'xref');
  const offsets = [...s.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
  assert.equal(offsets.length, 5, 'catalog, pages, font, one page and its content');
  offsets.forEach((o, i) => assert.ok(s.startsWith(`${i + 1} 0 obj`, o), `object ${i + 1} at ${o}`));
  assert.match(s, /\(two \\\(with parentheses\\\) and a \\\\ backslash\) Tj/);
});

test('pdftotext reads back every line, on as many pages as needed, with page numbers; non-Latin-1 prints as ?', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-pdf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines = Array.from({ length: 150 }, (_, i) => `entry ${i + 1}: user ana signed read v${i % 3} — Größe 12 µL ✓`);
  const path = join(dir, 'a.pdf');
  writeFileSync(path, textPdf('Audit trail', lines));
  const text = pdfToText(path);
  if (text === null) {
    t.skip('pdftotext (poppler-utils) is not installed: scripts/install-system-deps.sh installs it');
    return;
  }
  for (const i of [1, 75, 150]) assert.match(text, new RegExp(`entry ${i}: user ana signed read v${(i - 1) % 3} \\? Größe 12 µL \\?`));
  assert.match(text, /Audit trail\s+-\s+page 1 of 3/);
  assert.match(text, /page 3 of 3/);
});
