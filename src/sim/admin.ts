// The sim's admin path for tests and tools outside the process: the request log, counters, knobs and
// a reset. It lives under /__sim/, which no AWS service uses, so it cannot collide with an AWS call.
import type { SimResponse } from './types.js';
import type { SimCore } from './server.js';
import type { LogQuery } from './request-log.js';
import { applyKnobPatch, knobsToJson } from './knobs.js';
import { generatorStats } from './generator.js';

export const ADMIN_PREFIX = '/__sim/';

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function handleAdmin(core: SimCore, method: string, url: URL, body: Buffer): SimResponse {
  const route = url.pathname.slice(ADMIN_PREFIX.length);
  if (method === 'GET' && route === 'health') return json(200, { ok: true });
  if (method === 'GET' && route === 'log') {
    const query: LogQuery = {};
    for (const key of ['service', 'operation', 'accountId', 'region', 'errorCode'] as const) {
      const v = url.searchParams.get(key);
      if (v !== null) query[key] = v;
    }
    const status = url.searchParams.get('status');
    if (status !== null) query.status = Number(status);
    return json(200, core.log.entries(query));
  }
  if (method === 'GET' && route === 'counters') {
    return json(200, {
      counters: core.log.counters(),
      inFlight: core.log.inFlight,
      peakInFlight: core.log.peakInFlight,
      total: core.log.total,
      // The log keeps the most recent `logCapacity` entries; counts above stay exact.
      logCapacity: core.log.capacity,
      dropped: core.log.dropped,
    });
  }
  if (method === 'GET' && route === 'process') {
    // The CPU and memory of the process the sim runs in: its own in the benchmarks, where it shares
    // the machine's cores with the gateway being measured (in a test, the test's process).
    const cpu = process.cpuUsage();
    return json(200, {
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBytes: process.memoryUsage.rss(),
      regionData: generatorStats(core.ctx.world),
    });
  }
  if (method === 'POST' && route === 'reset') {
    core.log.reset();
    core.throttle.reset();
    return json(200, { ok: true });
  }
  if (route === 'knobs' && method === 'GET') return json(200, knobsToJson(core.ctx.knobs));
  if (route === 'knobs' && (method === 'POST' || method === 'PATCH')) {
    try {
      applyKnobPatch(core.ctx.knobs, JSON.parse(body.toString('utf8') || '{}'));
    } catch (err) {
      return json(400, { error: err instanceof Error ? err.message : String(err) });
    }
    return json(200, knobsToJson(core.ctx.knobs));
  }
  return json(404, { error: `no admin route ${method} ${url.pathname}` });
}
