/**
 * The public entry point of electron/core (plain Node; no Electron, no DOM). Code outside core imports core
 * only through this file, `electron/core/engine.ts` (the onnxruntime engine: worker and CLI) or the pure,
 * renderer-safe `electron/core/lesions/index.ts` (the lesion rules, bundled by Vite). An ESLint rule
 * (eslint.config.js, no-restricted-imports) forbids deeper imports; unit tests under test/unit mirror the source
 * tree and may import the module they test. Add a line here when a new core module is used outside core.
 */
export * from './bundle/Bundle';
export * from './bundle/Labels';
export * from './bundle/Preprocessing';
export * from './bundle/SamplerConfig';
export * from './bundle/loadBundle';
export * from './bundle/resolveBundleDir';
export * from './bundle/resolveDefaultBundle';
export * from './bundle/resolveDemoStudy';
export * from './bundle/resourceRoots';
export * from './bundle/verifyChecksums';
export * from './dicom/StudyScan';
export * from './dicom/Volume';
export * from './dicom/discoverSeries';
export * from './dicom/loadSeries';
export * from './dicom/loadVolumeFromFolder';
export * from './dicom/niftiRead';
export * from './dicom/niftiWrite';
export * from './dicom/readSliceHeaderFile';
export * from './errors';
export * from './inference/InferenceReport';
export * from './inference/InferenceRequest';
export * from './inference/OrtNetwork';
export * from './inference/WorkerNetwork';
export * from './inference/createSessions';
export * from './inference/engineRequest';
export * from './inference/gpuRuntimeInstall';
export * from './inference/gpuSupport';
export * from './inference/loadStudyInput';
export * from './inference/ortRuntime';
export * from './inference/predictVolume';
export * from './inference/sliceResampling';
export * from './lesions/index';
export * from './logger';
export * from './pacs/DicomWebTransport';
export * from './pacs/PacsConfig';
export * from './pacs/PacsTransport';
export * from './pacs/SeriesCache';
export * from './pacs/createTransport';
export * from './pacs/retrieveSeries';
export * from './pacs/secrets';
export * from './pacs/sendAndVerify';
export * from './report/StudyReport';
export * from './report/keyImages';
export * from './report/studyReportCsv';
export * from './report/studyReportHtml';
export * from './sdpm/CallTicker';
export * from './sdpm/NoiseSource';
export * from './sdpm/SdpmNetwork';
export * from './sdpm/SliceInput';
export * from './sdpm/Xoshiro128';
export * from './sdpm/modeNames';
export * from './sdpm/resolveSettings';
export * from './sdpm/sampleSlices';
export * from './seg/codes';
export * from './seg/readSeg';
export * from './seg/referencedSeries';
export * from './seg/sourceSliceMask';
export * from './seg/writeSeg';
export * from './seg/lesionSeg';
export * from './trial/Charter';
export * from './trial/adjudicationRule';
export * from './trial/auditChain';
export * from './trial/auditVisibility';
export * from './trial/canonicalJson';
export * from './trial/caseOrder';
export * from './trial/roles';
export * from './trial/signatureManifest';
export * from './trial/signatureReport';
export * from './volumetry/maskVolume';
export * from './volumetry/metrics/evaluateCases';
export * from './volumetry/metrics/formatEvaluation';
export { toSdpmError, transferSyntaxOf } from './dicom/codecs/parseDicomFile';
