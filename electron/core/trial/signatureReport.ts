/**
 * The human-readable copy of a signed read (21 CFR 11.50(b): the manifestation is part of every
 * human-readable form of the record): printed name, UTC and local date and time, meaning, the SEG it
 * signs (SOP Instance UID and SHA-256 of its exact bytes) and the measurements. Printable to PDF.
 *
 * Why the signature is not written into the SEG itself: the signature binds the SHA-256 of the exact
 * SEG bytes, so the signed bytes cannot also contain the signature. The SEG carries the reader in
 * ContentCreatorName; this report names the SEG by UID and hash. DICOM Digital Signatures (PS3.15
 * Annex C) would need an X.509 certificate per reader and a PKI, which a core lab's desktop install
 * does not have.
 */
import type { SignatureManifest } from './signatureManifest';

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export interface SignedReadSummary {
  studyCode: string;
  segUid: string;
  volumeMl: number;
  lesions: { lesionId: number; volumeMl: number }[];
}

export function signatureReportHtml(m: SignatureManifest, read: SignedReadSummary): string {
  const rows = read.lesions.map((l) => `<tr><td>${l.lesionId}</td><td>${l.volumeMl.toFixed(2)}</td></tr>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Signed read ${esc(read.studyCode)} v${m.readVersion}</title>
<style>body{font:13px sans-serif;max-width:800px}td,th{border:1px solid #999;padding:2px 6px}.sig{border:2px solid #333;padding:8px;margin:12px 0}</style></head><body>
<h1>Signed read — study ${esc(read.studyCode)}, version ${m.readVersion}</h1>
<p>Trial ${esc(m.trialId)} · Study Instance UID ${esc(m.studyUid)}</p>
<p>Total lesion volume <strong>${read.volumeMl.toFixed(2)} mL</strong></p>
<table><thead><tr><th>lesion</th><th>volume (mL)</th></tr></thead><tbody>${rows}</tbody></table>
<div class="sig"><p><strong>Electronically signed by ${esc(m.printedName)}</strong> (${esc(m.username)})</p>
<p>Meaning: ${esc(m.meaning)}</p>
<p>Date and time: ${esc(m.signedAtUtc)} (UTC) · ${esc(m.signedAtLocal)} (local) · workstation ${esc(m.workstation)}</p>
<p>Signed SEG: SOP Instance UID ${esc(read.segUid)}, SHA-256 ${esc(m.segSha256)}</p>
<p>Measurements SHA-256 ${esc(m.measurementsSha256)}</p></div>
</body></html>
`;
}

/** The same signed read as lines for the PDF copy (core textPdf): the manifestation in every human-readable copy. */
export function signatureReportLines(m: SignatureManifest, read: SignedReadSummary): string[] {
  return [
    `Signed read - study ${read.studyCode}, version ${m.readVersion}`,
    `Trial ${m.trialId} - Study Instance UID ${m.studyUid}`,
    '',
    `Total lesion volume ${read.volumeMl.toFixed(2)} mL`,
    ...read.lesions.map((l) => `  lesion ${l.lesionId}: ${l.volumeMl.toFixed(2)} mL`),
    '',
    `Electronically signed by ${m.printedName} (${m.username})`,
    `Meaning: ${m.meaning}`,
    `Date and time: ${m.signedAtUtc} (UTC) - ${m.signedAtLocal} (local) - workstation ${m.workstation}`,
    `Signed SEG: SOP Instance UID ${read.segUid}, SHA-256 ${m.segSha256}`,
    `Measurements SHA-256 ${m.measurementsSha256}`,
  ];
}
