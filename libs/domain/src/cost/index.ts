export * from './cost-amount';
export * from './cost-units';
export * from './reported-cost';
export * from './resource-usage';
