import { useState } from 'react';
import type { Response } from '../../../electron/ipc/contract';
import { DEFAULT_REVIEW_MIN_SIZE_ML, formatVolumeMl, regionsAtMinSize } from '../../../electron/core/lesions/index';

type Region = Response<'inference:regions'>['regions'][number];

interface Props {
  regions: Region[];
  current: number;
  reviewed: ReadonlySet<number>;
  onGo: (index: number) => void;
  onMarkReviewed: (regionId: number) => void;
}

const KIND_TEXT: Record<Region['kind'], { short: string; title: string }> = {
  'over-call': { short: 'over-call?', title: 'The SDPM samples disagree with this lesion: check that it is real and its border is right.' },
  'possible-miss': { short: 'missed?', title: 'Outside the mask, some samples (or an intermediate probability) saw lesion here: check for a missed lesion.' },
};

/**
 * One review queue (electron/core/lesions/reviewQueue.ts): over-call regions and possible misses ranked by the
 * volume at stake, each labelled with its kind. Regions smaller than a reader-set size are hidden (counted).
 */
export function ReviewPanel(p: Props) {
  const [minSizeMl, setMinSizeMl] = useState(DEFAULT_REVIEW_MIN_SIZE_ML);
  const { shown: visible, hidden: small } = regionsAtMinSize(p.regions.map((r, index) => ({ r, index, sizeMl: r.sizeMl })), minSizeMl);
  const hidden = small.length;
  const massReviewed = p.regions.filter((r) => p.reviewed.has(r.regionId)).reduce((s, r) => s + r.massFraction, 0);
  const region = p.regions[p.current];
  const pos = visible.findIndex((v) => v.index === p.current);
  const step = (d: number): void => {
    const next = visible[Math.min(visible.length - 1, Math.max(0, (pos < 0 ? 0 : pos + d)))];
    if (next !== undefined) p.onGo(next.index);
  };
  return (
    <section className="panel">
      <h2>Review queue</h2>
      {p.regions.length === 0 ? (
        <p className="muted">Run SDPM to rank the regions where the model was unsure or may have missed a lesion.</p>
      ) : (
        <>
          <div className="row">
            <button type="button" onClick={() => step(-1)} title="[">
              ◀ Previous
            </button>
            <span data-testid="review-position">
              {pos + 1} / {visible.length}
            </span>
            <button type="button" data-testid="review-next" onClick={() => step(1)} title="]">
              Next ▶
            </button>
            {region !== undefined && (
              <button type="button" onClick={() => p.onMarkReviewed(region.regionId)} title="R">
                Mark reviewed
              </button>
            )}
          </div>
          <label className="row muted" title="Regions smaller than this are not listed">
            hide below{' '}
            <input type="number" min={0} step={0.05} value={minSizeMl} data-testid="review-min-size" onChange={(e) => setMinSizeMl(Math.max(0, Number(e.target.value) || 0))} style={{ width: '5em' }} /> mL
          </label>
          {hidden > 0 && (
            <div className="muted" data-testid="review-hidden">
              {hidden} smaller region{hidden === 1 ? '' : 's'} hidden
            </div>
          )}
          <progress max={1} value={massReviewed} style={{ width: '100%' }} />
          <div className="muted" data-testid="review-mass">
            {(massReviewed * 100).toFixed(0)}% of the volume at stake reviewed
          </div>
          <ol className="compact">
            {visible.map(({ r, index }) => (
              <li key={r.regionId} className={index === p.current ? 'selected' : ''} data-kind={r.kind}>
                <button type="button" onClick={() => p.onGo(index)} title={KIND_TEXT[r.kind].title}>
                  {p.reviewed.has(r.regionId) ? '✓ ' : ''}
                  <b>{KIND_TEXT[r.kind].short}</b> {r.label}: {formatVolumeMl(r.uncertaintyMass)} mL at stake, {formatVolumeMl(r.sizeMl)} mL region
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
