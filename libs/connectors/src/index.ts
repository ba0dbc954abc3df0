export * from './source-connector.port';
export * from './local-folder.connector';
export * from './connector.factory';
export { GraphConnector } from './graph/graph.connector';
export { sharepointConfigSchema, type SharepointConfig } from './graph/graph.config';
export { GoogleDriveConnector } from './gdrive/gdrive.connector';
export { gdriveConfigSchema, type GdriveConfig } from './gdrive/gdrive.config';
export { secretRefSchema, type SecretRef } from './remote/secret';
export { type BudgetStats } from './remote/throttle-budget';
