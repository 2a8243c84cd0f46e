/** CT window presets (width/level in HU) readers expect on head CT. */
export interface WindowPreset {
  id: string;
  label: string;
  widthHu: number;
  levelHu: number;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'brain', label: 'Brain 40/80', levelHu: 40, widthHu: 80 },
  { id: 'stroke', label: 'Stroke 35/30', levelHu: 35, widthHu: 30 },
  { id: 'subdural', label: 'Subdural 75/215', levelHu: 75, widthHu: 215 },
  { id: 'bone', label: 'Bone 600/2800', levelHu: 600, widthHu: 2800 },
];

/** VOI range of a window (DICOM PS3.3 C.11.2.1.2 linear function, simplified to lower/upper bounds). */
export function windowToRange(levelHu: number, widthHu: number): { lower: number; upper: number } {
  return { lower: levelHu - widthHu / 2, upper: levelHu + widthHu / 2 };
}
