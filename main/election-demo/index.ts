export * from './build-demo';
export * from './build-package';
export * from './demo-cards';
export * from './drbg';
export * from './key-files';
export * from './people';
export * from './world';
export * from './write-demo';
