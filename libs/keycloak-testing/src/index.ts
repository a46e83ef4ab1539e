export * from './keycloak-distribution';
export * from './keycloak-server';
export * from './keycloak-admin';
export * from './keycloak-test-env';
export * from './pkce';
export * from './pkce-sign-in';
export * from './token-set';
export * from './test-realm';
