// BullMQ reference benchmark, the counterpart of `cargo bench -p orchd --bench jobs`.
//
//   node bench.mjs [jobs=20000] [concurrency=50] [paced_rate=2000]
//
// Env: REDIS_URL (default redis://127.0.0.1:6379), PACED_SECONDS (default 5),
//      BULK_CHUNK (jobs per addBulk call, default 1000).
//
// 1. Throughput: JOBS no-op jobs are enqueued first (Queue.addBulk in chunks, one chunk at a
//    time) while the Worker exists but is not running; then the Worker (concurrency C, a
//    processor that returns at once) is started and runs until every job is completed.
//      enqueue    = JOBS / (first addBulk call -> last addBulk resolved)
//      drain      = JOBS / (worker.run() -> last 'completed' event)
//      end-to-end = JOBS / (first addBulk call -> last 'completed' event)
// 2. Paced latency: a running Worker (concurrency C); PACED_RATE * PACED_SECONDS jobs are
//    added one by one (Queue.add, open loop: not waiting for earlier adds) at PACED_RATE/s,
//    each carrying the wall-clock time taken just before its add call. Per job:
//      add       = enqueue -> Queue.add resolved
//      start     = enqueue -> processor entered
//      completed = enqueue -> worker 'completed' event (job moved to completed in Redis)
//    reported as p50/p95/p99 in ms (nearest rank, the same as the orchd bench).
//
// Every run uses its own key prefix (bullbench-<pid>-<time>) and deletes its keys at the end
// (SCAN + UNLINK of that prefix only; never FLUSHALL/FLUSHDB). Completed jobs are kept in
// Redis during the run (BullMQ's default), as orchd keeps its job rows.
// The last line printed is one JSON object with every figure.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';

const USAGE = 'usage: node bench.mjs [jobs=20000] [concurrency=50] [paced_rate=2000]';

function intArg(value, name, dflt) {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`bad ${name}: ${JSON.stringify(value)}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length > 3) {
  console.error(USAGE);
  process.exit(2);
}
const JOBS = intArg(args[0], 'jobs', 20000);
const CONCURRENCY = intArg(args[1], 'concurrency', 50);
const PACED_RATE = intArg(args[2], 'paced_rate', 2000);
const PACED_SECONDS = intArg(process.env.PACED_SECONDS, 'PACED_SECONDS', 5);
const BULK_CHUNK = intArg(process.env.BULK_CHUNK, 'BULK_CHUNK', 1000);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** Give up when no job completes for this long. */
const STALL_MS = 60_000;

const RUN_ID = `${process.pid}-${Date.now()}`;
const PREFIX = `bullbench-${RUN_ID}`;

/** Wall-clock ms with sub-ms resolution, comparable across the whole process. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const fmtMs = (x) => x.toFixed(2);
const round2 = (x) => Math.round(x * 100) / 100;

/** p50 / p95 / p99 of `v` (sorted here), nearest rank as in daemon/benches/jobs.rs. */
function pcts(v) {
  v.sort((a, b) => a - b);
  const at = (p) => (v.length ? v[Math.round((v.length - 1) * p)] : 0);
  return { p50: round2(at(0.5)), p95: round2(at(0.95)), p99: round2(at(0.99)) };
}

function pkgVersion(name) {
  try {
    const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// Connections handed to BullMQ (it does not close connections it was given; we do).
const clients = [];
/** Keeps a stray 'error' event from throwing; the waits below turn errors into failures. */
function logErrors(emitter, what) {
  emitter.on('error', (e) => console.error(`${what} error: ${e?.message ?? e}`));
  return emitter;
}

function connection() {
  const c = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  c.on('error', () => {}); // surfaced through the BullMQ calls that fail
  clients.push(c);
  return c;
}

/**
 * Resolves once `target` 'completed' events have been seen (returns the time of the last),
 * rejects on a failed job, a worker error or STALL_MS without progress.
 */
function waitForCompletions(worker, target, onCompleted) {
  return new Promise((resolve, reject) => {
    let done = 0;
    let last = now();
    const timer = setInterval(() => {
      if (now() - last > STALL_MS) {
        cleanup();
        reject(new Error(`stalled: ${done}/${target} jobs completed, none in ${STALL_MS} ms`));
      }
    }, 1000);
    const completed = (job) => {
      const t = now();
      last = t;
      if (onCompleted) onCompleted(job, t);
      if (++done === target) {
        cleanup();
        resolve(t);
      }
    };
    const failed = (job, err) => {
      cleanup();
      reject(new Error(`job ${job?.id} failed: ${err?.message ?? err}`));
    };
    const error = (err) => {
      cleanup();
      reject(err);
    };
    function cleanup() {
      clearInterval(timer);
      worker.off('completed', completed);
      worker.off('failed', failed);
      worker.off('error', error);
    }
    worker.on('completed', completed);
    worker.on('failed', failed);
    worker.on('error', error);
  });
}

async function checkCounts(queue, expected) {
  const c = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized');
  const left = c.failed + c.waiting + c.active + c.delayed + c.prioritized;
  if (c.completed !== expected || left !== 0) {
    throw new Error(`queue ${queue.name}: expected ${expected} completed and nothing else, got ${JSON.stringify(c)}`);
  }
}

async function throughput() {
  const queue = logErrors(new Queue('throughput', { connection: connection(), prefix: PREFIX }), 'queue');
  const worker = logErrors(new Worker('throughput', async () => null, {
    connection: connection(),
    prefix: PREFIX,
    concurrency: CONCURRENCY,
    autorun: false,
  }), 'worker');
  try {
    await queue.waitUntilReady();
    await worker.waitUntilReady();

    const tFirstAdd = now();
    for (let i = 0; i < JOBS; i += BULK_CHUNK) {
      const n = Math.min(BULK_CHUNK, JOBS - i);
      const batch = new Array(n);
      for (let k = 0; k < n; k++) batch[k] = { name: 'noop', data: { i: i + k } };
      await queue.addBulk(batch);
    }
    const tEnqueued = now();

    const finished = waitForCompletions(worker, JOBS);
    const tWorkerStart = now();
    const running = worker.run();
    running.catch(() => {}); // errors also arrive as 'error' events
    const tLast = await finished;

    await worker.close();
    await checkCounts(queue, JOBS);

    const enqueueS = (tEnqueued - tFirstAdd) / 1e3;
    const drainS = (tLast - tWorkerStart) / 1e3;
    const e2eS = (tLast - tFirstAdd) / 1e3;
    return {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      bulk_chunk: BULK_CHUNK,
      enqueue_s: round2(enqueueS),
      drain_s: round2(drainS),
      end_to_end_s: round2(e2eS),
      enqueue_per_s: Math.round(JOBS / enqueueS),
      drain_jobs_per_s: Math.round(JOBS / drainS),
      end_to_end_jobs_per_s: Math.round(JOBS / e2eS),
    };
  } finally {
    await worker.close().catch(() => {});
    await queue.close().catch(() => {});
  }
}

async function paced() {
  const total = PACED_RATE * PACED_SECONDS;
  const interval = 1000 / PACED_RATE;
  const startLat = [];
  const doneLat = [];
  const addLat = [];

  const queue = logErrors(new Queue('paced', { connection: connection(), prefix: PREFIX }), 'queue');
  const worker = logErrors(new Worker(
    'paced',
    async (job) => {
      startLat.push(now() - job.data.t);
      return null;
    },
    { connection: connection(), prefix: PREFIX, concurrency: CONCURRENCY },
  ), 'worker');
  try {
    await queue.waitUntilReady();
    await worker.waitUntilReady();
    const finished = waitForCompletions(worker, total, (job, t) => doneLat.push(t - job.data.t));
    finished.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile

    let addError = null;
    const pending = [];
    const t0 = now();
    let sent = 0;
    while (sent < total) {
      if (addError) throw addError;
      const due = Math.min(total, Math.floor((now() - t0) / interval) + 1);
      while (sent < due) {
        const t = now();
        pending.push(
          queue.add('noop', { t }).then(
            () => addLat.push(now() - t),
            (e) => (addError ??= e),
          ),
        );
        sent++;
      }
      if (sent < total) await sleep(Math.max(0, t0 + sent * interval - now()));
    }
    const sendS = (now() - t0) / 1e3;
    await Promise.all(pending);
    if (addError) throw addError;
    await finished;
    await worker.close();
    await checkCounts(queue, total);

    return {
      jobs: total,
      concurrency: CONCURRENCY,
      target_rate: PACED_RATE,
      achieved_rate: Math.round(total / sendS),
      add_ms: pcts(addLat),
      start_ms: pcts(startLat),
      completed_ms: pcts(doneLat),
    };
  } finally {
    await worker.close().catch(() => {});
    await queue.close().catch(() => {});
  }
}

/** Deletes every key of this run's prefix; returns how many were deleted. */
async function cleanupKeys(admin) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await admin.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Quits each connection once (a second quit/disconnect would hold the process for 2 s). */
async function closeClients() {
  const open = clients.splice(0).filter((c) => c.status !== 'end');
  await Promise.all(open.map((c) => c.quit().catch(() => c.disconnect())));
}

async function main() {
  // Fail fast (no endless reconnects) when Redis is not there.
  const admin = new IORedis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  admin.on('error', () => {});
  let exitCode = 0;
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`${sig}: stopping, deleting ${PREFIX}:* keys`);
    cleanupKeys(admin)
      .catch(() => {})
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await admin.connect().catch((e) => {
      throw new Error(`cannot reach Redis at ${REDIS_URL}: ${e?.message ?? e}`);
    });
    const info = await admin.info('server');
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const versions = {
      node: process.versions.node,
      bullmq: pkgVersion('bullmq'),
      ioredis: pkgVersion('ioredis'),
      redis: redisVersion,
    };
    console.log(
      `bullmq ${versions.bullmq}, ioredis ${versions.ioredis}, node ${versions.node}, ` +
        `redis ${versions.redis} at ${REDIS_URL}, key prefix ${PREFIX}`,
    );

    let tp;
    let pl;
    try {
      tp = await throughput();
      console.log(
        `bullmq throughput: ${fmtInt(tp.jobs)} jobs, concurrency ${tp.concurrency}: ` +
          `enqueue ${fmtInt(tp.enqueue_per_s)}/s (addBulk x${tp.bulk_chunk}, ${tp.enqueue_s} s), ` +
          `drain ${fmtInt(tp.drain_jobs_per_s)} jobs/s (${tp.drain_s} s), ` +
          `end-to-end ${fmtInt(tp.end_to_end_jobs_per_s)} jobs/s (${tp.end_to_end_s} s)`,
      );
      console.log(
        '  (enqueue-first: all jobs added before the worker runs; drain = worker.run() -> last ' +
          'completed; end-to-end = first addBulk -> last completed)',
      );

      pl = await paced();
      const line = (p) => `p50 ${fmtMs(p.p50)} / p95 ${fmtMs(p.p95)} / p99 ${fmtMs(p.p99)} ms`;
      console.log(
        `bullmq paced latency: ${fmtInt(pl.jobs)} jobs at ${fmtInt(pl.target_rate)}/s ` +
          `(achieved ${fmtInt(pl.achieved_rate)}/s), concurrency ${pl.concurrency}`,
      );
      console.log(`  enqueue -> add resolved:     ${line(pl.add_ms)}`);
      console.log(`  enqueue -> processor start:  ${line(pl.start_ms)}`);
      console.log(`  enqueue -> completed:        ${line(pl.completed_ms)}`);
    } finally {
      await closeClients();
      const deleted = await cleanupKeys(admin);
      console.log(`cleanup: deleted ${deleted} keys matching ${PREFIX}:*`);
    }
    console.log(
      JSON.stringify({
        bench: 'bullmq',
        redis_url: REDIS_URL,
        prefix: PREFIX,
        versions,
        throughput: tp,
        paced: pl,
      }),
    );
  } catch (err) {
    console.error(`bullmq bench failed: ${err?.stack ?? err}`);
    exitCode = 1;
  } finally {
    await closeClients();
    if (admin.status !== 'end') await admin.quit().catch(() => admin.disconnect());
  }
  process.exitCode = exitCode;
  // Belt and braces: nothing should keep the loop alive, but never hang a script.
  setTimeout(() => process.exit(exitCode), 2000).unref();
}

main();
