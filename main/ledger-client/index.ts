export * from './ledger-answers';
export * from './ledger-client';
export * from './ledger-failure';
export * from './ledger-trust';
export * from './verified-ledger';
