export * from './against-election';
export * from './chain';
export * from './enrolment';
export * from './envelope';
export * from './kiosk-id';
export * from './schemas';
export * from './signed-message';
export * from './tracking-code';
