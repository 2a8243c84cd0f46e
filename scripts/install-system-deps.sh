#!/usr/bin/env bash
# Installs the Debian packages that the tests and benchmarks need.
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
#   chromium            headless browser for the Playwright end-to-end tests
#   dcm2niix            reference DICOM->NIfTI converter (loader parity, loader benchmark)
#   dicom3tools         dciodvfy, the reference DICOM IOD validator (SEG output)
#   dcmtk               dcmdump, an independent DICOM reader
#   orthanc orthanc-dicomweb  a real PACS (DIMSE + DICOMweb) that the PACS tests start on loopback
#   postgresql          a real PostgreSQL server the trial database tests start on loopback (initdb in a temp dir)
#   g++ make            build better-sqlite3 (embedded trial database) from source when no prebuilt binary can be fetched
#   python3-torch ...   the training package, reference sampler and ONNX export (Debian's torch 1.13, CPU)
#   xvfb                a display for a headed browser or Electron where one is present
#   poppler-utils       pdftotext: the tests read the PDF exports (audit trail, signed read) back independently
#   slurmctld slurmd slurm-client munge  a one-node Slurm cluster the batch test starts on localhost (job array)
#   redis-server        the queue the batch queue-service test starts on loopback (BullMQ)
set -euo pipefail
PKGS=(
  chromium
  dcm2niix
  dicom3tools
  dcmtk
  orthanc
  orthanc-dicomweb
  postgresql
  g++
  make
  python3-torch
  python3-onnx
  python3-numpy
  python3-scipy
  python3-nibabel
  python3-pydicom
  python3-skimage
  python3-pytest
  xvfb
  poppler-utils
  slurmctld
  slurmd
  slurm-client
  munge
  redis-server
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
