export * from './database';
export * from './schema';
export * from './store';
export * from './store.module';
