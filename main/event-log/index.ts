export * from './cdf-export';
export * from './event-ids';
export * from './event-log';
export * from './event-record';
