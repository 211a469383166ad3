// @ts-check
/**
 * Dashboard burst benchmark: how the built-in page in a real Chromium copes with a burst of
 * file events. A sidecar from `dist/` (run `npm run build` first) emits N `files` `change`
 * events in one go; the page (1280x800, Events view) must show the last one. Per run:
 *
 *   - dashboard ms: from the first emit until the last event's row is in the page;
 *   - longest frame gap: the longest time between two animation frames meanwhile — the page's
 *     longest freeze as a user would feel it (an idle page draws every ~16.7 ms);
 *   - long tasks: main-thread tasks over 50 ms (PerformanceObserver `longtask`), and the longest;
 *   - bare page ms, the floor: the same burst received by a bare page (a plain WebSocket, a handler that only
 *     parses and counts), in the same browser, alternating with the dashboard. It goes out on a
 *     custom channel the dashboard does not follow. The dashboard cannot show the last event
 *     sooner than the browser delivers it.
 *
 *   npm run build && node bench/dashboard-burst.js [--events 5000] [--runs 5] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startSidecar } from '../dist/index.js';
import { environment, helpText, parseFlags, runBenchmark } from './lib/cli.js';
import { formatCount, formatMs, formatTable, median } from './lib/stats.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = {
  events: { description: 'file events per burst', default: 5000, min: 1, max: 1_000_000 },
  runs: { description: 'bursts measured (the median is reported)', default: 5, min: 1, max: 100 },
};

await runBenchmark(main);

async function main() {
  const { values: settings, json, help } = parseFlags(process.argv.slice(2), FLAGS);
  if (help) {
    process.stdout.write(`${helpText('node bench/dashboard-burst.js [options]', FLAGS)}\n`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'sidecar-bench-'));
  // Enough history for a whole burst, so a slow page is measured, not cut off.
  const sidecar = await startSidecar({
    root,
    port: 0,
    logLevel: 'silent',
    sources: [],
    history: settings.events,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(/** @type {string} listening, so served */ (sidecar.dashboardUrl));
    await page.locator('#connection-state[data-state="open"]').waitFor();
    const bare = await openBarePage(browser, sidecar);
    /** @type {{ floorMs: number, shownMs: number, longestGapMs: number, longTasks: number, longestTaskMs: number, rows: number }[]} */
    const runs = [];
    // One unmeasured burst first: the page's code gets compiled and warmed like a page in use.
    for (let run = 0; run <= settings.runs; run++) {
      const floorMs = await bareBurst(bare, sidecar, settings.events);
      const figures = await burst(page, sidecar, settings.events, run);
      if (run > 0) runs.push({ floorMs, ...figures });
      await page.locator('#log-clear').click();
    }
    const summary = {
      floorMs: median(runs.map((r) => r.floorMs)),
      shownMs: median(runs.map((r) => r.shownMs)),
      longestGapMs: median(runs.map((r) => r.longestGapMs)),
      longTasks: median(runs.map((r) => r.longTasks)),
      longestTaskMs: median(runs.map((r) => r.longestTaskMs)),
      rows: median(runs.map((r) => r.rows)),
    };
    const env = environment();
    if (json) {
      const report = { benchmark: 'dashboard-burst', environment: env, settings, summary, runs };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const row = (/** @type {string} */ name, /** @type {typeof summary} */ f) => [
      name,
      formatMs(f.floorMs),
      formatMs(f.shownMs),
      formatMs(f.longestGapMs),
      formatCount(f.longTasks),
      formatMs(f.longestTaskMs),
      formatCount(f.rows),
    ];
    const lines = [
      `command: ${env.command}`,
      `node ${env.node}, ${env.platform}, ${env.cpu} x${env.cores}, ${await browser.version()}`,
      `${formatCount(settings.events)} file events per burst, ${settings.runs} runs`,
      '',
      formatTable(
        [
          'run',
          'bare page ms',
          'dashboard ms',
          'longest frame gap ms',
          'long tasks',
          'longest task ms',
          'rows in page',
        ],
        [...runs.map((f, i) => row(String(i + 1), f)), row('median', summary)],
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    await sidecar.close();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * @param {import('playwright-core').Page} page
 * @param {import('../dist/index.js').Sidecar} sidecar
 * @param {number} events
 * @param {number} run
 */
async function burst(page, sidecar, events, run) {
  await page.evaluate(() => {
    const record = {
      gaps: /** @type {number[]} */ ([]),
      tasks: /** @type {number[]} */ ([]),
      last: performance.now(),
      on: true,
    };
    Object.assign(window, { burstRecord: record });
    const frame = (/** @type {number} */ time) => {
      if (!record.on) return;
      record.gaps.push(time - record.last);
      record.last = time;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) record.tasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  const lastFile = `burst-${run}/f${events - 1}.txt`;
  const started = Date.now();
  for (let i = 0; i < events; i++) {
    sidecar.broadcaster.emit('files', 'change', {
      file: `burst-${run}/f${i}.txt`,
      event: 'change',
    });
  }
  const shownAt = await page.waitForFunction(
    (file) =>
      document.querySelector('#log-rows')?.lastElementChild?.textContent?.includes(file) &&
      Date.now(),
    lastFile,
    { polling: 'raf', timeout: 120_000 },
  );
  const shownMs = /** @type {number} */ (await shownAt.jsonValue()) - started;
  const { gaps, tasks, rows } = await page.evaluate(() => {
    const record = /** @type {any} */ (window).burstRecord;
    record.on = false;
    return {
      gaps: record.gaps,
      tasks: record.tasks,
      rows: document.querySelectorAll('#log-rows .log-row').length, // drawn: the rows in view
    };
  });
  return {
    shownMs,
    longestGapMs: Math.max(0, ...gaps),
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks),
    rows,
  };
}

/**
 * A page of the sidecar's origin (so the Origin check passes) with a plain WebSocket on
 * `custom:floor` and a handler that parses and counts.
 * @param {import('playwright-core').Browser} browser
 * @param {import('../dist/index.js').Sidecar} sidecar
 */
async function openBarePage(browser, sidecar) {
  const page = await browser.newPage();
  await page.goto(`${sidecar.url}/healthz`);
  await page.evaluate(
    (url) =>
      new Promise((resolve) => {
        const socket = new WebSocket(url);
        const counter = { count: 0, target: 0, doneAt: 0 };
        Object.assign(window, { counter });
        socket.onmessage = (frame) => {
          const message = JSON.parse(frame.data);
          if (message.type === 'welcome') {
            socket.send(JSON.stringify({ type: 'subscribe', channels: ['custom:floor'], id: 's' }));
          } else if (message.type === 'response') {
            resolve(undefined);
          } else if (message.type === 'event' && ++counter.count === counter.target) {
            counter.doneAt = Date.now();
          }
        };
      }),
    `${sidecar.wsUrl}?token=${encodeURIComponent(sidecar.token ?? '')}`,
  );
  return page;
}

/**
 * @param {import('playwright-core').Page} page
 * @param {import('../dist/index.js').Sidecar} sidecar
 * @param {number} events
 */
async function bareBurst(page, sidecar, events) {
  await page.evaluate((target) => {
    Object.assign(/** @type {any} */ (window).counter, { count: 0, target, doneAt: 0 });
  }, events);
  const started = Date.now();
  for (let i = 0; i < events; i++) {
    sidecar.broadcaster.emit('custom:floor', 'change', {
      file: `floor/f${i}.txt`,
      event: 'change',
    });
  }
  const doneAt = await page.waitForFunction(
    () => /** @type {any} */ (window).counter.doneAt,
    null,
    {
      timeout: 120_000,
    },
  );
  return /** @type {number} */ (await doneAt.jsonValue()) - started;
}
