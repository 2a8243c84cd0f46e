/**
 * Text table and CSV for an evaluation (see evaluateCases.ts). The summary line follows the layout of
 * the paper's Table 1: Dice | VC | VDP.
 */
import type { EvaluationSummary } from './evaluateCases';

const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export function formatEvaluationTable(s: EvaluationSummary, label = 'this run'): string {
  const head = ['case', 'Dice', 'V pred mL', 'V ref mL', 'VDP', 'HD95 mm', `SurfDice@${s.surfaceToleranceMm}mm`];
  const rows = s.cases.map((c) => [c.caseId, f(c.dice), f(c.predMl, 2), f(c.refMl, 2), f(c.vdp), f(c.hd95Mm, 2), f(c.surfaceDice)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(head), ...rows.map(line), ''];
  out.push(`Summary (${s.cases.length} cases), layout of the paper's Table 1:`);
  out.push(`${'Method'.padEnd(16)}  ${'Dice'.padStart(6)}  ${'VC'.padStart(6)}  ${'VDP'.padStart(6)}`);
  out.push(`${label.padEnd(16)}  ${f(s.meanDice).padStart(6)}  ${f(s.vc).padStart(6)}  ${f(s.meanVdp).padStart(6)}`);
  out.push(`(Dice sd ${f(s.sdDice)}; mean HD95 ${f(s.meanHd95Mm, 2)} mm; mean surface Dice at ${s.surfaceToleranceMm} mm ${f(s.meanSurfaceDice)})`);
  if (s.unpaired.pred.length > 0) out.push(`no reference for: ${s.unpaired.pred.join(', ')}`);
  if (s.unpaired.ref.length > 0) out.push(`no prediction for: ${s.unpaired.ref.join(', ')}`);
  return `${out.join('\n')}\n`;
}

export function formatEvaluationCsv(s: EvaluationSummary): string {
  const g = (x: number): string => (Number.isFinite(x) ? String(x) : '');
  const lines = ['case,dice,pred_ml,ref_ml,vdp,hd95_mm,surface_dice,surface_tolerance_mm'];
  for (const c of s.cases) lines.push([c.caseId, g(c.dice), g(c.predMl), g(c.refMl), g(c.vdp), g(c.hd95Mm), g(c.surfaceDice), g(s.surfaceToleranceMm)].join(','));
  lines.push(['MEAN', g(s.meanDice), '', '', g(s.meanVdp), g(s.meanHd95Mm), g(s.meanSurfaceDice), g(s.surfaceToleranceMm)].join(','));
  lines.push(['VC', g(s.vc), '', '', '', '', '', ''].join(','));
  return `${lines.join('\n')}\n`;
}
