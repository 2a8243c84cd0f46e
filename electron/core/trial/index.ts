/** Core-lab trial rules (pure): charter, roles, adjudication, audit chain, signature manifest, case order. */
export * from './adjudicationRule';
export * from './auditChain';
export * from './auditVisibility';
export * from './canonicalJson';
export * from './caseOrder';
export * from './Charter';
export * from './roles';
export * from './signatureManifest';
export * from './signatureReport';
