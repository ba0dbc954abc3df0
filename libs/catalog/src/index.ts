export * from './catalog-file';
export * from './catalog.loader';
export * from './postgres.lookup';
export { DEFAULT_INTROSPECTION, introspectDatabase, type IntrospectionOptions } from './introspection';
export { columnTypeOf, profileValues } from './field-profile';
export * from './catalog-sync';
