export * from './source-connector.port';
export * from './local-folder.connector';
export * from './connector.factory';
