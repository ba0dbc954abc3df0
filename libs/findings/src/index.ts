export * from './identity';
export * from './compare';
export * from './masking';
export * from './contradictions';
export * from './copies';
export * from './detectors';
