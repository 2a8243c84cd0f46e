import type { Response } from '../../../electron/ipc/contract';

type Region = Response<'inference:regions'>['regions'][number];

interface Props {
  regions: Region[];
  current: number;
  reviewed: ReadonlySet<number>;
  onGo: (index: number) => void;
  onMarkReviewed: (regionId: number) => void;
}

/** Uncertainty-guided review: regions ranked by uncertainty mass, with the share of mass already reviewed. */
export function ReviewPanel(p: Props) {
  const massReviewed = p.regions.filter((r) => p.reviewed.has(r.regionId)).reduce((s, r) => s + r.massFraction, 0);
  const region = p.regions[p.current];
  return (
    <section className="panel">
      <h2>Review queue</h2>
      {p.regions.length === 0 ? (
        <p className="muted">Run SDPM to rank the regions where the model was unsure.</p>
      ) : (
        <>
          <div className="row">
            <button type="button" onClick={() => p.onGo(Math.max(0, p.current - 1))} title="[">
              ◀ Previous
            </button>
            <span data-testid="review-position">
              {p.current + 1} / {p.regions.length}
            </span>
            <button type="button" data-testid="review-next" onClick={() => p.onGo(Math.min(p.regions.length - 1, p.current + 1))} title="]">
              Next ▶
            </button>
            {region !== undefined && (
              <button type="button" onClick={() => p.onMarkReviewed(region.regionId)} title="R">
                Mark reviewed
              </button>
            )}
          </div>
          <progress max={1} value={massReviewed} style={{ width: '100%' }} />
          <div className="muted" data-testid="review-mass">
            {(massReviewed * 100).toFixed(0)}% of the uncertainty reviewed
          </div>
          <ol className="compact">
            {p.regions.map((r, i) => (
              <li key={r.regionId} className={i === p.current ? 'selected' : ''}>
                <button type="button" onClick={() => p.onGo(i)}>
                  {p.reviewed.has(r.regionId) ? '✓ ' : ''}Region {r.rank + 1}: {(r.massFraction * 100).toFixed(1)}% of uncertainty, {r.voxelCount} voxels
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
