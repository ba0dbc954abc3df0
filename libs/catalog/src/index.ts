export * from './catalog-file';
export * from './catalog.loader';
