export * from './schema';
export * from './definition';
export * from './load';
