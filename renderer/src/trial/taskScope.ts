/**
 * Blinding on a shared workstation: a study opened from a core-lab task (`?open=<folder>&task=<taskId>`) gets its
 * own journal (edits, restore offer, saved sessions), keyed by the study AND the task, so a second reader of the
 * same study on the same workstation is never offered the first reader's work. Without a task the key is the
 * study's own (ordinary review).
 */
export function taskScope(search: string): string | null {
  const t = new URLSearchParams(search).get('task');
  if (t === null) return null;
  const safe = t.replace(/[^A-Za-z0-9._-]/g, '');
  return safe === '' ? null : safe.slice(0, 80);
}

/** The journal key of a study within a task (file-name safe, at most 200 characters like every study key). */
export function scopedStudyKey(studyKey: string, scope: string | null): string {
  if (scope === null) return studyKey;
  const suffix = `.task-${scope}`;
  return `${studyKey.slice(0, 200 - suffix.length)}${suffix}`;
}
