/**
 * A throwaway PostgreSQL server for tests: initdb in a temp dir, listening on 127.0.0.1 at a free port
 * only, run as the `postgres` user when we are root, trust authentication (loopback, test only), stopped
 * and deleted by `stop()`. Used by the storage conformance suite and the service tests on PostgreSQL.
 *
 *   const pg = await startTestPostgres();
 *   try { new PostgresStorage(pg.url) ... } finally { await pg.stop(); }
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort, postgresBinDir, postgresTempDir, runAsPostgres } from './postgres-process';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** Creates a fresh database and returns its URL (one per test keeps tests independent). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (by its postmaster pid, through pg_ctl) and removes its files. */
  stop(): Promise<void>;
}

export interface TestPostgresOptions {
  /** Keep fsync on (default off: a throwaway server; durability is the failover test's concern). */
  readonly fsync?: boolean;
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = await postgresTempDir('ogas-pg-');
  const data = join(dir, 'data');
  const cwd = { cwd: dir };
  let started = false;
  const cleanup = async () => {
    if (started || existsSync(join(data, 'postmaster.pid'))) {
      await runAsPostgres(
        join(bin, 'pg_ctl'),
        ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'],
        cwd,
      ).catch(() => killPostmaster(data));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await runAsPostgres(
      join(bin, 'initdb'),
      [
        '-D',
        data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      cwd,
    );
    // A free port can be taken between probing and binding: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const serverOptions = [
        '-c listen_addresses=127.0.0.1',
        `-c port=${port}`,
        `-c unix_socket_directories=${dir}`,
        `-c fsync=${options.fsync ? 'on' : 'off'}`,
        '-c max_connections=50',
      ].join(' ');
      try {
        await runAsPostgres(
          join(bin, 'pg_ctl'),
          ['start', '-D', data, '-o', serverOptions, '-l', join(dir, 'server.log'), '-w', '-t', '60'],
          cwd,
        );
      } catch (e) {
        if (attempt < 3) continue;
        throw new Error(`${(e as Error).message}\n${readLog(dir)}`, { cause: e });
      }
      started = true;
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      return {
        url,
        port,
        async createDatabase(name: string) {
          if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
          const sql = postgres(url, { max: 1, onnotice: () => {} });
          try {
            await sql.unsafe(`CREATE DATABASE ${name}`);
          } finally {
            await sql.end({ timeout: 5 });
          }
          return `postgres://postgres@127.0.0.1:${port}/${name}`;
        },
        stop: cleanup,
      };
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/** Last resort when pg_ctl cannot stop it: SIGKILL the postmaster named in its pid file. */
function killPostmaster(data: string): void {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
