/**
 * Pixel sampling of screenshots, decoded by the browser itself (no PNG dependency): the test asserts
 * on what the reader sees, not only on the DOM.
 */
import type { Page } from 'playwright-core';

export interface PixelStats {
  width: number;
  height: number;
  /** Pixels where red dominates (the lesion labelmap's fill/outline colour). */
  reddish: number;
  /** Pixels with clear colour (saturation), i.e. not greyscale CT. */
  coloured: number;
  /** Pixels where green dominates (the kept-edits outline). */
  greenish: number;
}

/** Screenshot of one element, decoded in the page, with simple colour counts and the raw RGBA. */
export async function sampleElement(page: Page, testId: string): Promise<PixelStats & { rgba: number[] }> {
  const png = await page.getByTestId(testId).screenshot();
  return page.evaluate(async (b64: string) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2d context');
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    let reddish = 0;
    let coloured = 0;
    let greenish = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i]!;
      const g = d[i + 1]!;
      const b = d[i + 2]!;
      if (r > 120 && r > g + 50 && r > b + 50) reddish++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      if (g > 150 && g > r + 60 && g > b + 40) greenish++;
    }
    return { width: bmp.width, height: bmp.height, reddish, coloured, greenish, rgba: Array.from(d) };
  }, png.toString('base64'));
}

/** Number of pixels that differ by more than `tol` in any channel. */
export function countChanged(a: number[], b: number[], tol = 30): number {
  let n = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 4) {
    if (Math.abs(a[i]! - b[i]!) > tol || Math.abs(a[i + 1]! - b[i + 1]!) > tol || Math.abs(a[i + 2]! - b[i + 2]!) > tol) n++;
  }
  return n;
}

/** A pixel position (element-relative) where red dominates, nearest to the element's centre; null when none. */
export function findReddish(stats: PixelStats & { rgba: number[] }, avoid?: { x: number; y: number; radius: number }): { x: number; y: number } | null {
  const { width, height, rgba } = stats;
  let best: { x: number; y: number; d: number } | null = null;
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const i = 4 * (y * width + x);
      const r = rgba[i]!;
      if (!(r > 120 && r > rgba[i + 1]! + 50 && r > rgba[i + 2]! + 50)) continue;
      if (avoid !== undefined && Math.hypot(x - avoid.x, y - avoid.y) < avoid.radius) continue;
      const d = Math.hypot(x - width / 2, y - height / 2);
      if (best === null || d < best.d) best = { x, y, d };
    }
  }
  return best === null ? null : { x: best.x, y: best.y };
}
