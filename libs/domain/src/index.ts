export * from './asset-key';
export * from './run-status';
export * from './run-event';
export * from './tokens';
export * from './cost';
