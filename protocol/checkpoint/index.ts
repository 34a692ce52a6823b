export * from './checkpoint-body';
export * from './cosignature';
export * from './signed-note';
export * from './text-rules';
export * from './tlog-witness';
export * from './verify-note';
export * from './vkey';
