import { defineConfig } from 'vitest/config';

// Unit tests sit beside their code; cross-folder tests live in test/.
// Processes (forks), not threads: native modules (pkcs11js, better-sqlite3) keep process-wide state.
export default defineConfig({
  test: {
    include: ['{protocol,drivers,firmware-bridge,main,ledger,renderer,test}/**/*.test.{ts,tsx}'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
