export * from './chromium';
export * from './browser';
export * from './axe';
export * from './sign-in';
