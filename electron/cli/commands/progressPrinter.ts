/**
 * Progress on stderr for inference commands: a redrawn bar on a terminal, otherwise one line per 10%.
 * Units are network images (one image = one network evaluation of one S×S slice).
 */
import type { PredictProgress } from '../../core/index';
import type { CliContext } from '../CliCommand';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressPrinter(ctx: CliContext, label: string): { update(p: PredictProgress): void; note(s: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let drawn = false;
  let lastDraw = 0;
  return {
    update(p) {
      const frac = p.totalImages > 0 ? p.doneImages / p.totalImages : 1;
      const eta = p.etaMs === null ? '?' : formatDuration(p.etaMs);
      const text = `${label}: ${(frac * 100).toFixed(0).padStart(3)}% ${p.doneImages}/${p.totalImages} images, slices ${p.slicesDone}/${p.slicesTotal}, ${formatDuration(p.elapsedMs)} elapsed, ETA ${eta}`;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 200 && frac < 1) return;
        lastDraw = now;
        const w = 24;
        const fill = Math.round(frac * w);
        ctx.stderr(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${text}\x1b[K`);
        drawn = true;
      } else {
        const decile = Math.floor(frac * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          ctx.stderr(`${text}\n`);
        }
      }
    },
    note(s) {
      if (drawn) ctx.stderr('\n');
      drawn = false;
      ctx.stderr(`${label}: ${s}\n`);
    },
    done() {
      if (drawn) ctx.stderr('\n');
      drawn = false;
    },
  };
}
