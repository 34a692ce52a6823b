/**
 * A real high-availability PostgreSQL cluster on 127.0.0.1 for the failover test, from Debian packages:
 * one etcd member (the DCS), two PostgreSQL 15 nodes managed by Patroni with synchronous replication
 * (`synchronous_mode: true`: a commit returns only once the standby has flushed it, so an acknowledged
 * append survives losing the primary). Everything runs as the `postgres` user when we are root, in one
 * temp dir, at free ports; `stop()` ends every process it started by pid and removes the dir.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  freePort,
  isAlive,
  postgresBinDir,
  postgresTempDir,
  signalPid,
  spawnAsPostgres,
  waitFor,
} from '../../ledger/testing/postgres-process';

export interface PatroniNode {
  readonly name: string;
  readonly pgPort: number;
  readonly restPort: number;
  readonly dataDir: string;
  patroni: ChildProcess | undefined;
}

export interface ClusterMember {
  readonly name: string;
  readonly role: string;
  readonly state: string;
}

export interface PatroniCluster {
  readonly nodes: readonly PatroniNode[];
  /** postgres://… listing both nodes with target_session_attrs=read-write: always reaches the primary. */
  readonly url: string;
  /** Members as Patroni's REST API reports them (GET /cluster on any live node). */
  members(): Promise<ClusterMember[]>;
  /** The node whose Patroni says it is the primary. */
  primary(): Promise<PatroniNode>;
  /** The postmaster pid of a node (its data dir's postmaster.pid). */
  postmasterPid(node: PatroniNode): number | undefined;
  /** Crashes a node as a power cut would: kill -9 its Patroni, then kill -9 its postmaster. */
  crash(node: PatroniNode): void;
  /** Waits until one leader and one streaming synchronous standby are up. */
  waitHealthy(timeoutMs: number): Promise<void>;
  /** Stops everything it started, by pid, and removes the temp dir. */
  stop(): Promise<void>;
}

const SCOPE = 'ogas-ledger';
const SUPERUSER = { username: 'postgres', password: 'ogas-test-superuser' };

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as unknown;
}

function nodeConfig(dir: string, node: PatroniNode, etcdPort: number, bin: string): unknown {
  return {
    scope: SCOPE,
    name: node.name,
    log: { level: 'INFO' },
    restapi: { listen: `127.0.0.1:${node.restPort}`, connect_address: `127.0.0.1:${node.restPort}` },
    etcd3: { hosts: [`127.0.0.1:${etcdPort}`] },
    bootstrap: {
      dcs: {
        // Short timings so that a failover takes seconds (ttl ≥ loop_wait + 2 × retry_timeout).
        ttl: 8,
        loop_wait: 1,
        retry_timeout: 3,
        maximum_lag_on_failover: 1048576,
        synchronous_mode: true,
        postgresql: {
          use_pg_rewind: false,
          parameters: {
            synchronous_commit: 'on',
            wal_level: 'replica',
            hot_standby: 'on',
            max_wal_senders: 5,
            max_replication_slots: 5,
            wal_keep_size: '64MB',
          },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { locale: 'C' }, 'data-checksums'],
    },
    postgresql: {
      listen: `127.0.0.1:${node.pgPort}`,
      connect_address: `127.0.0.1:${node.pgPort}`,
      data_dir: node.dataDir,
      bin_dir: bin,
      pgpass: join(dir, `${node.name}.pgpass`),
      authentication: {
        superuser: SUPERUSER,
        replication: { username: 'replicator', password: 'ogas-test-replication' },
        rewind: { username: 'rewinder', password: 'ogas-test-rewind' },
      },
      // Loopback only, passwords checked (scram), replication from loopback only.
      pg_hba: [
        'local all all trust',
        'host replication replicator 127.0.0.1/32 scram-sha-256',
        'host all all 127.0.0.1/32 scram-sha-256',
      ],
      parameters: { unix_socket_directories: dir, max_connections: 50 },
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}

export async function startPatroniCluster(): Promise<PatroniCluster> {
  const bin = postgresBinDir();
  const dir = await postgresTempDir('ogas-patroni-');
  const etcdClient = await freePort();
  const etcdPeer = await freePort();
  const nodes: PatroniNode[] = [];
  for (const name of ['pg1', 'pg2']) {
    nodes.push({
      name,
      pgPort: await freePort(),
      restPort: await freePort(),
      dataDir: join(dir, name, 'data'),
      patroni: undefined,
    });
  }
  let etcd: ChildProcess | undefined;

  const postmasterPid = (node: PatroniNode): number | undefined => {
    const file = join(node.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  };

  const members = async (): Promise<ClusterMember[]> => {
    for (const node of nodes) {
      if (!node.patroni || !isAlive(node.patroni.pid!)) continue;
      try {
        const body = (await getJson(`http://127.0.0.1:${node.restPort}/cluster`)) as {
          members?: { name: string; role: string; state: string }[];
        };
        return (body.members ?? []).map((m) => ({ name: m.name, role: m.role, state: m.state }));
      } catch {
        // Try the other node.
      }
    }
    return [];
  };

  const stop = async (): Promise<void> => {
    for (const node of nodes) {
      const pid = node.patroni?.pid;
      if (pid !== undefined && signalPid(pid, 'SIGTERM')) {
        // Patroni stops its PostgreSQL on SIGTERM; give it a bounded time.
        await waitFor(`patroni ${node.name} to stop`, () => Promise.resolve(!isAlive(pid)), 20_000).catch(
          () => signalPid(pid, 'SIGKILL'),
        );
      }
      const pm = postmasterPid(node);
      if (pm !== undefined && isAlive(pm)) {
        signalPid(pm, 'SIGQUIT');
        await waitFor(`postgres ${node.name} to stop`, () => Promise.resolve(!isAlive(pm)), 10_000).catch(
          () => signalPid(pm, 'SIGKILL'),
        );
      }
    }
    const etcdPid = etcd?.pid;
    if (etcdPid !== undefined && signalPid(etcdPid, 'SIGTERM')) {
      await waitFor('etcd to stop', () => Promise.resolve(!isAlive(etcdPid)), 10_000).catch(() =>
        signalPid(etcdPid, 'SIGKILL'),
      );
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    etcd = await spawnAsPostgres(
      'etcd',
      [
        '--name=etcd1',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=etcd1=http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=${SCOPE}`,
      ],
      { cwd: dir, log: join(dir, 'etcd.log') },
    );
    await waitFor(
      'etcd',
      async () =>
        ((await getJson(`http://127.0.0.1:${etcdClient}/health`)) as { health?: string }).health === 'true',
      30_000,
    );
    // The first node bootstraps alone (it becomes the primary); the second then clones it.
    for (const node of nodes) {
      const config = join(dir, `${node.name}.yml`);
      // JSON is YAML: Patroni reads it as is.
      writeFileSync(config, JSON.stringify(nodeConfig(dir, node, etcdClient, bin), null, 2));
      node.patroni = await spawnAsPostgres('patroni', [config], {
        cwd: dir,
        log: join(dir, `${node.name}.log`),
        env: { PATRONI_LOG_LEVEL: 'INFO' },
      });
      await waitFor(
        `Patroni node ${node.name} to run PostgreSQL`,
        async () => (await members()).some((m) => m.name === node.name && /running|streaming/.test(m.state)),
        90_000,
      );
    }
  } catch (e) {
    const logs = ['etcd.log', 'pg1.log', 'pg2.log']
      .map((f) => join(dir, f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').slice(-3000)}`)
      .join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n${logs}`, { cause: e });
  }

  const cluster: PatroniCluster = {
    nodes,
    url:
      `postgres://${SUPERUSER.username}:${SUPERUSER.password}@` +
      nodes.map((n) => `127.0.0.1:${n.pgPort}`).join(',') +
      '/postgres?target_session_attrs=read-write',
    members,
    async primary() {
      for (const node of nodes) {
        if (!node.patroni || !isAlive(node.patroni.pid!)) continue;
        const res = await fetch(`http://127.0.0.1:${node.restPort}/primary`, {
          signal: AbortSignal.timeout(2000),
        }).catch(() => undefined);
        if (res?.status === 200) return node;
      }
      throw new Error('no node is the primary');
    },
    postmasterPid,
    crash(node) {
      signalPid(node.patroni?.pid, 'SIGKILL');
      signalPid(postmasterPid(node), 'SIGKILL');
    },
    async waitHealthy(timeoutMs) {
      await waitFor(
        'a leader and a streaming synchronous standby',
        async () => {
          const m = await members();
          return (
            m.some((x) => x.role === 'leader' && x.state === 'running') &&
            m.some((x) => x.role === 'sync_standby' && /^(running|streaming)$/.test(x.state))
          );
        },
        timeoutMs,
      );
    },
    stop,
  };
  return cluster;
}
