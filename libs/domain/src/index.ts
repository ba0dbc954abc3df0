export * from './file';
export * from './fingerprint';
export * from './catalog';
export * from './match';
export * from './finding';
export * from './errors';
export * from './minhash';
