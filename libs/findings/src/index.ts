export * from './identity';
export * from './detectors';
