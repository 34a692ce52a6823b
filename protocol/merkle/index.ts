export * from './hash';
export * from './rfc6962-reference';
export * from './root';
