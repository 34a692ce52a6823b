export * from './credentials';
export * from './provisioning-bundle';
export * from './roll';
export * from './roll-file';
export * from './sample';
export * from './voter-ref';
