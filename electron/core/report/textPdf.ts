/**
 * A plain-text PDF (PDF 1.4, uncompressed, the standard Courier font in WinAnsiEncoding): the printable
 * copies the core-lab exports need (audit trail, signed read), with no PDF library and no browser. Lines are
 * wrapped at the page width and paginated; every page carries the title and "page i of n". Characters
 * outside Latin-1 print as "?" (the standard fonts have no others); the exact values stay in the CSV/JSON.
 */
import { concatBytes } from '../bytes';

export interface TextPdfOptions {
  /** landscape A4 (default) or portrait */
  landscape?: boolean;
  fontSizePt?: number;
}


function latin1(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 63;
    out += (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) ? ch : ch === '\t' ? '  ' : '?';
  }
  return out;
}

function pdfString(s: string): string {
  return `(${latin1(s).replace(/[\\()]/g, (m) => `\\${m}`)})`;
}

/** Lines wrapped to `width` characters (long words are cut). */
export function wrapLines(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    let rest = raw.replace(/\s+$/, '');
    if (rest === '') out.push('');
    while (rest.length > 0) {
      if (rest.length <= width) {
        out.push(rest);
        break;
      }
      let cut = rest.lastIndexOf(' ', width);
      if (cut <= width / 2) cut = width;
      out.push(rest.slice(0, cut));
      rest = `  ${rest.slice(cut).trimStart()}`;
    }
  }
  return out;
}

export function textPdf(title: string, lines: readonly string[], options: TextPdfOptions = {}): Uint8Array {
  const [pw, ph] = options.landscape === false ? [595, 842] : [842, 595];
  const size = options.fontSizePt ?? 7;
  const lead = size * 1.25;
  const margin = 36;
  const perLine = Math.floor((pw - 2 * margin) / (size * 0.6));
  const perPage = Math.floor((ph - 2 * margin - 2 * lead) / lead);
  const body = wrapLines(lines, perLine);
  const pages: string[][] = [];
  for (let i = 0; i < Math.max(1, body.length); i += perPage) pages.push(body.slice(i, i + perPage));
  // objects: 1 catalog, 2 pages, 3 font, then per page: page, content
  const objs: string[] = [];
  const kids = pages.map((_, i) => `${4 + 2 * i} 0 R`).join(' ');
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>');
  pages.forEach((pageLines, i) => {
    const head = `${title}  -  page ${i + 1} of ${pages.length}`;
    const ops = [`BT /F1 ${size} Tf ${lead} TL ${margin} ${ph - margin} Td`, `${pdfString(head)} Tj T* T*`, ...pageLines.map((l) => `${pdfString(l)} Tj T*`), 'ET'];
    const stream = ops.join('\n');
    objs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pw} ${ph}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`);
    objs.push(`<< /Length ${latin1Bytes(stream).length} >>\nstream\n${stream}\nendstream`);
  });
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const push = (s: string): void => {
    const b = latin1Bytes(s);
    chunks.push(b);
    offset += b.length;
  };
  push('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(offset);
    push(`${i + 1} 0 obj\n${o}\nendobj\n`);
  });
  const xref = offset;
  push(`xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info << /Title ${pdfString(title)} /Producer (SDPM) >> >>\nstartxref\n${xref}\n%%EOF\n`);
  return concatBytes(chunks);
}

/** One byte per character (the strings here are Latin-1 after `latin1`). */
function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[i] = c <= 0xff ? c : 63;
  }
  return b;
}

