/**
 * `sdpm info <folder> [--json]`: lists the image series found in a folder (header-only discovery):
 * description, modality, slices, spacing, tilt, problems, and how many files were skipped and why.
 */
import { parseArgs } from 'node:util';
import { SdpmError } from '../../core/index';
import { discoverSeries } from '../../core/index';
import type { DiscoverOptions } from '../../core/index';
import type { StudyScan } from '../../core/index';
import type { CliCommand } from '../CliCommand';

const HELP = `usage: sdpm info <folder> [--json] [--max-bytes N]

Lists the DICOM image series in <folder> (searched recursively; only headers are read).
  --json         print the scan as JSON (series without their per-file lists)
  --max-bytes N  memory limit used to flag series too large to load (default 1e9)
  --accept-derived  count DERIVED\\SECONDARY CT series (reformats, edited studies) as loadable
`;

function cell(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, width - 1)}~` : s.padEnd(width);
}

export function formatScanTable(scan: StudyScan): string {
  const head = ['id', 'series', 'description', 'modality', 'slices', 'size', 'spacing mm', 'tilt', 'load'];
  const rows = scan.series.map((s) => [
    s.id,
    s.seriesNumber === null ? '-' : String(s.seriesNumber),
    s.seriesDescription || '-',
    s.modality || '-',
    String(s.sliceCount),
    `${s.columns}x${s.rows}`,
    s.pixelSpacingMm === null ? '-' : `${s.pixelSpacingMm[1].toFixed(3)} x ${s.pixelSpacingMm[0].toFixed(3)} x ${s.sliceSpacingMm === null ? '-' : s.sliceSpacingMm.toFixed(2)}`,
    s.gantryTiltDeg === null ? '-' : `${s.gantryTiltDeg.toFixed(1)}°`,
    s.segmentable ? 'yes' : 'no',
  ]);
  const widths = head.map((h, c) => Math.min(c === 0 ? 64 : 32, Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length))));
  const line = (r: string[]): string => r.map((v, c) => cell(v, widths[c] ?? 8)).join('  ').trimEnd();
  const out = [`${scan.folder}: ${scan.series.length} series in ${scan.fileCount} files`, '', line(head), ...rows.map(line)];
  const notes: string[] = [];
  for (const s of scan.series) {
    for (const r of s.reasons) notes.push(`${s.id}: not loadable: ${r}`);
    for (const p of s.problems) notes.push(`${s.id}: ${p}`);
    if (s.splitReason !== null) notes.push(`${s.id}: split from series ${s.seriesInstanceUid}: ${s.splitReason}`);
  }
  if (notes.length > 0) out.push('', 'problems:', ...notes.map((n) => `  ${n}`));
  if (scan.skipped.length > 0) {
    const byCode = new Map<string, number>();
    for (const f of scan.skipped) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    out.push('', `skipped ${scan.skipped.length} file(s) (${[...byCode].map(([c, n]) => `${n} ${c}`).join(', ')}):`, ...scan.skipped.slice(0, 20).map((f) => `  ${f.reason}`));
    if (scan.skipped.length > 20) out.push(`  ... and ${scan.skipped.length - 20} more (--json lists all)`);
  }
  return `${out.join('\n')}\n`;
}

export function parseMaxBytes(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new SdpmError('INVALID_ARGUMENT', `--max-bytes must be a positive number, got "${v}"`);
  return n;
}

export const info: CliCommand = {
  name: 'info',
  summary: 'list the DICOM series in a folder (description, slices, spacing, tilt, problems)',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'max-bytes': { type: 'string' }, 'accept-derived': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const folder = positionals[0];
    if (folder === undefined || positionals.length > 1) throw new SdpmError('INVALID_ARGUMENT', `sdpm info needs exactly one folder\n${HELP}`);
    const maxBytes = parseMaxBytes(values['max-bytes']);
    const opts: DiscoverOptions = { log: ctx.log, acceptDerived: values['accept-derived'] === true };
    if (maxBytes !== undefined) opts.maxBytes = maxBytes;
    const scan = await discoverSeries(folder, opts);
    if (values.json === true) {
      const slim = { ...scan, series: scan.series.map(({ slices, ...rest }) => ({ ...rest, files: slices.map((f) => f.filePath) })) };
      ctx.stdout(`${JSON.stringify(slim, null, 2)}\n`);
    } else ctx.stdout(formatScanTable(scan));
    return 0;
  },
};
