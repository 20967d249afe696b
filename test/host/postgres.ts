/**
 * A throwaway PostgreSQL for tests and benchmarks: a fresh cluster (`initdb -A trust`) in a temp folder, started on
 * a free loopback port, stopped and deleted by `stop()`. Nothing else on the machine is touched. When the process
 * runs as root, the cluster is made and run as the `postgres` system user (PostgreSQL refuses to run as root).
 *
 *   const pg = await startPostgres();   // { url, port, dir, stop() }
 *   … new pg.Client({ connectionString: pg.url }) …
 *   await pg.stop();
 *
 * The binaries are Debian's (`/usr/lib/postgresql/<major>/bin`) or whatever `pg_config --bindir` names. The package
 * is listed in system-packages.json, so the set-up gate every entry point passes (test/host/system.ts) has installed
 * it; a test run outside that gate without it fails with the one apt-get line that installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server';

export interface Postgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication: no password). */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server at once (as a crash or an operator would: every connection cut) and starts it again, data kept. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function binDir(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const major of majors) if (existsSync(join(debian, major, 'bin', 'initdb'))) return join(debian, major, 'bin');
  }
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  if (dir !== '' && existsSync(join(dir, 'initdb'))) return dir;
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found; install them with: sudo apt-get install -y postgresql (or run npm test, whose set-up gate installs system-packages.json)');
}

/** Runs a PostgreSQL tool, as `postgres` when we are root. */
function tool(bin: string, name: string, args: readonly string[]): void {
  const asRoot = userInfo().uid === 0;
  const command = asRoot ? 'runuser' : join(bin, name);
  const argv = asRoot ? ['-u', 'postgres', '--', join(bin, name), ...args] : [...args];
  execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
}

export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pg-'));
  if (userInfo().uid === 0) {
    // The cluster belongs to `postgres`; the folder is ours and removed by us.
    chmodSync(dir, 0o777);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  let options = '';
  try {
    tool(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    // fsync off: a test cluster never has to survive a crash, and it makes bulk loads several times faster.
    options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    tool(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`cannot start a test PostgreSQL in ${dir}: ${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async restart() {
      tool(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      tool(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        tool(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A `loans` table of `rows` generated rows (bigint id, numeric(12,2) balance, text status, date opened, integer dpd
 * with 1 in 50 null), the same in the remote-compare tests and their benchmark.
 */
export async function createSampleLoans(pg: Postgres, rows: number): Promise<void> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: pg.url });
  await c.connect();
  try {
    await c.query(`CREATE TABLE loans AS SELECT i::bigint AS id, (1000 + (i * 37) % 5000 / 100.0)::numeric(12,2) AS balance,
      CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'open' END AS status, DATE '2024-01-01' + (i % 365) AS opened,
      CASE WHEN i % 50 = 0 THEN NULL ELSE i % 7 END::integer AS dpd FROM generate_series(1, ${rows}) AS g(i)`);
  } finally {
    await c.end();
  }
}
