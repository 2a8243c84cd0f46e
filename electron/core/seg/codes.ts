/**
 * Coded terms written into (and expected in) our DICOM SEG objects.
 *
 * Verified against the context groups of PS3.16 as tabulated in pydicom 2.3.1's generated
 * `pydicom/sr/_cid_dict.py` / `_concepts_dict.py` (built from the DICOM standard's part16):
 * - Segmented Property Category, CID 7150 "Segmentation Property Categories":
 *     (49755003, SCT, "Morphologically Abnormal Structure")            ∈ CID 7150
 * - Segmented Property Type, CID 7151 "Segmentation Property Types" (Baseline, extensible), via
 *   CID 7194 "Morphologically Abnormal Structure Segmentation Property Types" (included by 7151):
 *     (50960005, SCT, "Hemorrhage")                                      ∈ CID 7151, 7194, 7159
 *   SNOMED's "Intracranial hemorrhage" (1386000) is a DISORDER concept, not a morphologic abnormality,
 *   and is in no segmentation CID; the standard way to say "intracranial hemorrhage" in a SEG is
 *   type Hemorrhage + Anatomic Region Brain, which is what we write.
 *     (55641003, SCT, "Infarct")  SNOMED CT morphologic abnormality "Infarct (morphologic abnormality)".
 *   It is not in CID 7151/7194 of the edition pydicom 2.3.1 carries; CID 7151 is a Baseline (extensible)
 *   context group, so a morphologic-abnormality code from SNOMED is a permitted extension. "Cerebral
 *   infarction" (432504007) is a disorder concept and is therefore not used as a property type.
 * - Anatomic Region Sequence (Segment Description macro → General Anatomy macro), CID 4 "Anatomic
 *   Region" / CID 7151 / CID 7153 "CNS Segmentation Types":
 *     (12738006, SCT, "Brain")                                           ∈ CID 4, 4030, 7151, 7153
 * - Per-frame derivation (Derivation Image macro, C.7.6.16.2.6):
 *     Derivation Code Sequence, CID 7203 "Image Derivation": (113076, DCM, "Segmentation")
 *     Purpose of Reference, CID 7202 "Source Image Purposes of Reference":
 *       (121322, DCM, "Source image for image processing operation")
 * - A corrected SEG's reference to the SEG it replaces (General Reference module,
 *   Referenced Instance Sequence): (121360, DCM, "Replaced report") — DICOM's code for "this instance
 *   supersedes that one" (CID 7009); the SEG IOD has no Predecessor Documents Sequence (SR only).
 */
export interface CodedConcept {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

/**
 * A coded term of the bundle's labels.json as a DICOM code item. labels.json is the ONE source of a model's lesion
 * coded terms; the shipped bundles use exactly the concepts above (a test checks it), so a SEG written from a
 * model result and one written from a manual mask say the same thing.
 */
export function conceptFromLabels(t: { codeValue: string; codingSchemeDesignator: string; codeMeaning: string }): CodedConcept {
  return { CodeValue: t.codeValue, CodingSchemeDesignator: t.codingSchemeDesignator, CodeMeaning: t.codeMeaning };
}

export type LesionKind = 'hemorrhage' | 'infarct';

export const CATEGORY_MORPHOLOGICALLY_ABNORMAL: CodedConcept = { CodeValue: '49755003', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Morphologically Abnormal Structure' };
export const TYPE_HEMORRHAGE: CodedConcept = { CodeValue: '50960005', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Hemorrhage' };
export const TYPE_INFARCT: CodedConcept = { CodeValue: '55641003', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Infarct' };
export const REGION_BRAIN: CodedConcept = { CodeValue: '12738006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Brain' };
export const DERIVATION_SEGMENTATION: CodedConcept = { CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' };
export const PURPOSE_SOURCE_IMAGE: CodedConcept = { CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' };
export const PURPOSE_REPLACED: CodedConcept = { CodeValue: '121360', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Replaced report' };

export function propertyTypeFor(kind: LesionKind): CodedConcept {
  return kind === 'hemorrhage' ? TYPE_HEMORRHAGE : TYPE_INFARCT;
}
