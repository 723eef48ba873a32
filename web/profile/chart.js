// The history chart: an SVG drawn here, sized to its container (redrawn when that changes), a gap in the line for
// every night without a score, a grey tick for a night that was unscored. It spans the 365 days the API sends once
// they hold results; a shorter history is drawn over its own nights (at least MinSpanDays), not as a sliver at the end.
import { svg, day } from './dom.js';

const DayMs = 86_400_000;
const MinSpanDays = 45;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const dayNumber = (text) => Math.round(Date.parse(`${text}T00:00:00Z`) / DayMs);

/** Draws <paramref name="history"/> ({ from, to, days: [{ day, score }] }) into <paramref name="container"/>. */
export function drawHistory(container, history) {
  const draw = () => container.replaceChildren(render(history, Math.max(280, container.clientWidth || 640)));
  draw();
  if (typeof ResizeObserver === 'function') {
    let width = container.clientWidth;
    new ResizeObserver(() => {
      if (Math.abs(container.clientWidth - width) > 8) {
        width = container.clientWidth;
        draw();
      }
    }).observe(container);
  }
}

/** A one-sentence summary of the history, for the chart's description and caption. */
export function describeHistory(history) {
  const scored = history.days.filter((d) => d.score !== null);
  if (scored.length === 0) return 'No scored nights yet: the history builds up night by night.';
  const values = scored.map((d) => d.score);
  const last = scored[scored.length - 1];
  const unscored = history.days.length - scored.length;
  return `${scored.length} scored night${scored.length === 1 ? '' : 's'} from ${day(scored[0].day)} to ${day(last.day)}` +
    `${unscored > 0 ? ` (${unscored} unscored)` : ''}: lowest ${Math.min(...values)}, highest ${Math.max(...values)}, latest ${last.score}.`;
}

/** The first day the chart shows: the history's, or a week before its first result, whichever is later. */
function chartStart(history) {
  const from = dayNumber(history.from);
  const to = dayNumber(history.to);
  if (history.days.length === 0) return Math.max(from, to - MinSpanDays);
  return Math.max(from, Math.min(dayNumber(history.days[0].day) - 7, to - MinSpanDays));
}

/** The chart's accessible title: what stretch of time it shows. */
export function chartTitle(history) {
  const start = chartStart(history);
  return start <= dayNumber(history.from)
    ? 'Your score, night by night, over the last 365 days'
    : `Your score, night by night, since ${day(new Date(start * DayMs).toISOString().slice(0, 10))}`;
}

function render(history, width) {
  const narrow = width < 520;
  const height = narrow ? 190 : 240;
  const margin = { left: 34, right: 14, top: 14, bottom: 28 };
  const first = chartStart(history);
  const last = dayNumber(history.to);
  const span = Math.max(1, last - first);
  const x = (n) => margin.left + ((width - margin.left - margin.right) * (n - first)) / span;
  const y = (score) => margin.top + ((height - margin.top - margin.bottom) * (100 - score)) / 100;

  const root = svg('svg', {
    class: 'history-chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
  });
  root.append(svg('title', { id: 'chart-title' }, chartTitle(history)));
  root.append(svg('desc', { id: 'chart-desc' }, describeHistory(history)));

  // Grid: the score scale (0-100 is the whole range, so a move looks as big as it is).
  for (const score of [0, 25, 50, 75, 100]) {
    root.append(svg('line', { class: 'grid', x1: margin.left, x2: width - margin.right, y1: y(score), y2: y(score) }));
    root.append(svg('text', { class: 'axis', x: margin.left - 6, y: y(score) + 4, 'text-anchor': 'end' }, String(score)));
  }

  // Months along the bottom (every second or third one on a narrow screen); over a short span, the 1st, 8th, 15th and
  // 22nd of each month instead.
  const short = span <= 120;
  const step = width < 420 ? 3 : narrow ? 2 : 1;
  const ticks = [];
  for (let month = new Date(Date.UTC(new Date(first * DayMs).getUTCFullYear(), new Date(first * DayMs).getUTCMonth(), 1));
    month.getTime() / DayMs <= last; month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))) {
    for (const date of short ? [1, 8, 15, 22] : [1]) {
      const n = Math.round(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), date) / DayMs);
      if (n >= first && n <= last) {
        const label = short ? `${date} ${months[month.getUTCMonth()]}` : month.getUTCMonth() === 0 ? String(month.getUTCFullYear()) : months[month.getUTCMonth()];
        ticks.push({ n, label });
      }
    }
  }
  ticks.forEach((tick, i) => {
    root.append(svg('line', { class: 'tick', x1: x(tick.n), x2: x(tick.n), y1: height - margin.bottom, y2: height - margin.bottom + 4 }));
    if (i % step === 0) root.append(svg('text', { class: 'axis', x: x(tick.n), y: height - 8, 'text-anchor': 'middle' }, tick.label));
  });

  const points = history.days.map((d) => ({ n: dayNumber(d.day), score: d.score }));
  const scored = points.filter((p) => p.score !== null);
  if (scored.length === 0) {
    root.append(svg('text', { class: 'empty', x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'No scored nights yet'));
    return root;
  }

  // One path per run of consecutive scored nights: a missing or unscored night is a gap.
  let line = '';
  let area = '';
  let run = [];
  const flush = () => {
    if (run.length === 0) return;
    line += run.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.n).toFixed(1)} ${y(p.score).toFixed(1)}`).join('');
    area += `M${x(run[0].n).toFixed(1)} ${y(0).toFixed(1)}` + run.map((p) => `L${x(p.n).toFixed(1)} ${y(p.score).toFixed(1)}`).join('') +
      `L${x(run[run.length - 1].n).toFixed(1)} ${y(0).toFixed(1)}Z`;
    run = [];
  };
  let previous = null;
  for (const p of points) {
    if (p.score === null || (previous !== null && p.n !== previous + 1)) flush();
    if (p.score !== null) run.push(p);
    previous = p.n;
  }
  flush();

  root.append(svg('path', { class: 'area', d: area }));
  root.append(svg('path', { class: 'line', d: line, 'data-points': scored.length }));
  for (const p of points.filter((q) => q.score === null)) {
    root.append(svg('line', { class: 'unscored-mark', x1: x(p.n), x2: x(p.n), y1: y(0) - 6, y2: y(0) }));
  }
  // A lone night would be an invisible path: show every point when there are few.
  if (scored.length < 20) {
    for (const p of scored) root.append(svg('circle', { class: 'dot', cx: x(p.n), cy: y(p.score), r: 2.5 }));
  }
  const end = scored[scored.length - 1];
  root.append(svg('circle', { class: 'latest', cx: x(end.n), cy: y(end.score), r: 4.5 }));
  root.append(svg('text', { class: 'latest-label', x: x(end.n) - 8, y: y(end.score) - 9, 'text-anchor': 'end' }, String(end.score)));
  return root;
}
