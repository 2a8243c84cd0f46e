/** Asked before a run replaces a mask the reader has edited. Keeping the edits (as a layer) is the default. */
import { useEffect, useRef } from 'react';

interface Props {
  onKeep: () => void;
  onReplace: () => void;
  onCancel: () => void;
}

export function RunDialog(p: Props) {
  const keep = useRef<HTMLButtonElement | null>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="run-dialog-title" data-testid="run-dialog">
        <h2 id="run-dialog-title">You have edited the lesion mask</h2>
        <p>A new SDPM run makes a new mask. Your edited mask can stay as its own layer, drawn as a green outline, so you can compare the two and choose which one to keep.</p>
        <div className="row">
          <button type="button" ref={keep} className="active" data-testid="run-keep-edits" onClick={p.onKeep}>
            Run, keep my edits as a layer
          </button>
          <button type="button" data-testid="run-replace-edits" onClick={p.onReplace}>
            Run, discard my edits
          </button>
          <button type="button" data-testid="run-dialog-cancel" onClick={p.onCancel}>
            Don&apos;t run
          </button>
        </div>
      </div>
    </div>
  );
}
