export * from './codec';
export * from './context';
export * from './messages';
export * from './metadata';
export * from './client';
