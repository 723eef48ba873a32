// The person's profile page: sign in, then everything from GET /api/v1/users/{id}/profile, and the person's actions
// (hide a topic, give +K, connect, disconnect, export, erase) through the API's own routes with their bearer token.
import { h, fill, hidden, day, time, signed } from './dom.js';
import { createApi, userUrl, ApiError } from './api.js';
import { drawHistory, describeHistory } from './chart.js';
import * as auth from './auth.js';

const $ = (id) => document.getElementById(id);
let session = null;
let profile = null;
const api = createApi(() => session?.token, () => {
  auth.signOut();
  showError('Your sign-in has expired: sign in again.');
  start();
});

function notify(text) {
  $('error').hidden = true;
  $('notice').textContent = text;
}

function showError(error) {
  const text = error instanceof Error ? error.message : String(error);
  $('notice').textContent = '';
  fill($('error'), text).hidden = false;
}

/** Runs an action with its button disabled, then says how it went. */
async function act(button, action, success) {
  button.disabled = true;
  try {
    await action();
    if (success) notify(success);
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

// ---- Sign-in -----------------------------------------------------------------------------------------------------

async function start() {
  $('loading').hidden = false;
  $('profile').hidden = true;
  $('signin').hidden = true;
  $('who').hidden = true;
  try {
    const config = await auth.loadSignInConfig();
    if (config.mode === 'oidc') await auth.completeOidcSignIn(config);
    session = auth.currentSession();
    if (session) {
      await loadProfile();
    } else {
      await showSignIn(config);
    }
  } catch (error) {
    showError(error);
  } finally {
    $('loading').hidden = true;
  }
}

async function showSignIn(config) {
  $('signin').hidden = false;
  $('signin-development').hidden = config.mode !== 'development';
  $('signin-oidc').hidden = config.mode !== 'oidc';
  $('signin-none').hidden = config.mode !== 'none';
  if (config.mode === 'none') {
    $('signin-none').textContent = config.message;
  } else if (config.mode === 'oidc') {
    $('signin-oidc-button').onclick = () => auth.startOidcSignIn(config).catch(showError);
  } else {
    const users = await auth.demoUsers(config);
    fill($('demo-users'), users.length === 0
      ? h('li', {}, 'No demo users yet: the local host lists people once a nightly run has scored them.')
      : users.map((user) => h('li', {},
        h('button', { type: 'button', class: 'demo-user', 'data-user': user.userId, onclick: () => signInAs(config, user.userId) },
          h('span', { class: 'demo-user-id' }, user.userId),
          h('span', { class: 'demo-user-score' }, user.status === 'scored' ? `score ${user.score}` : 'not scored')))));
    $('signin-other').onsubmit = (event) => {
      event.preventDefault();
      signInAs(config, $('signin-user').value.trim());
    };
  }
  $('signin-title').focus?.();
}

async function signInAs(config, userId) {
  try {
    session = await auth.developmentSignIn(config, userId);
    $('signin').hidden = true;
    await loadProfile();
    notify(`Signed in as ${userId}.`);
  } catch (error) {
    showError(error);
  }
}

$('sign-out').addEventListener('click', () => {
  auth.signOut();
  session = null;
  notify('Signed out.');
  start();
});

// ---- The profile -------------------------------------------------------------------------------------------------

async function loadProfile() {
  profile = await api.get(userUrl(session.userId, '/profile'));
  $('who-name').textContent = profile.userId;
  $('who').hidden = false;
  // An erasure that finished before the person opted in again belongs to their earlier account.
  if (profile.erasure && !(profile.erasure.status === 'erased' && profile.account.optedIn)) {
    showErasure(profile.erasure, profile.erasureSettleSeconds);
    if (profile.erasure.status === 'erased' || !profile.account.optedIn) {
      $('profile').hidden = true;
      return;
    }
  }
  render();
  $('profile').hidden = false;
}

function render() {
  renderScore();
  renderHistory();
  renderMoves();
  renderTopics();
  renderPlusK();
  renderNetworks();
  renderData();
}

const components = [
  ['reach', 'Reach', 'how many people your posts reach'],
  ['amplification', 'Amplification', 'how often people react, reply and share'],
  ['network', 'Network', 'how influential the people who engage with you are'],
];

function renderScore() {
  const score = profile.score;
  const body = $('score-body');
  if (!profile.account.optedIn) {
    fill(body,
      h('div', { class: 'unscored', id: 'unscored' },
        h('h2', {}, 'Not scored: you have not opted in'),
        h('p', {}, 'Nothing is stored or scored about you until you opt in and connect a network.'),
        h('button', { type: 'button', id: 'opt-in', onclick: (event) => act(event.currentTarget, async () => {
          await api.put(userUrl(profile.userId, '/account'));
          await loadProfile();
        }, 'You opted in. Connect a network to be scored.') }, 'Opt in')));
    return;
  }

  const deltas = score.deltas ? [['day', 'since the night before'], ['week', 'in a week'], ['month', 'in a month']]
    .filter(([key]) => score.deltas[key] !== null)
    .map(([key, label]) => h('li', { class: score.deltas[key] > 0 ? 'up' : score.deltas[key] < 0 ? 'down' : 'same' },
      h('span', { 'aria-hidden': 'true' }, score.deltas[key] > 0 ? '▲ ' : score.deltas[key] < 0 ? '▼ ' : '■ '),
      `${signed(score.deltas[key])} ${label}`)) : [];

  fill(body,
    h('div', { class: 'score-row' },
      h('p', { class: 'score-big', id: 'score-value', 'data-score': score.score ?? '' },
        score.score === null ? h('span', { class: 'score-none' }, 'Not scored') : [h('span', { class: 'score-number' }, score.score), h('span', { class: 'out-of' }, ' / 100')]),
      h('div', { class: 'score-facts' },
        deltas.length ? h('ul', { class: 'deltas', 'aria-label': 'Changes' }, deltas) : null,
        h('p', { class: 'hint' },
          score.day ? `For the night of ${day(score.day)}${score.modelVersion ? ` · model ${score.modelVersion}` : ''}. ` : '',
          `Next recalculation ${time(score.nextRecalculationUtc)}.`))),
    score.status !== 'scored'
      ? h('div', { class: 'unscored', id: 'unscored' },
        h('h2', {}, 'Not scored'),
        h('p', {}, h('strong', {}, 'Why: '), h('span', { id: 'unscored-reason' }, sentence(score.reason))),
        h('p', {}, score.whatNext))
      : null,
    score.components
      ? h('div', { class: 'components' },
        h('h2', {}, 'What the score is made of'),
        h('ul', { class: 'component-list' }, components.map(([key, label, hint]) => {
          const value = score.components[key];
          const name = h('span', { class: 'component-name', id: `component-${key}` }, label);
          if (value === null) {
            // Nothing this part is made of was measured on the networks connected: absent, not zero, so no bar at 0.
            return h('li', { class: `component component-${key} not-measured` },
              h('div', { class: 'component-head' }, name, h('span', { class: 'component-value' }, 'not measured')),
              h('div', { class: 'bar' }),
              h('p', { class: 'hint' }, `${hint}: your connected networks do not report it`));
          }
          const bar = h('span', { class: 'bar-fill' });
          bar.style.width = `${Math.max(2, Math.min(100, value))}%`;
          return h('li', { class: `component component-${key}` },
            h('div', { class: 'component-head' }, name, h('span', { class: 'component-value' }, Math.round(value))),
            h('div', { class: 'bar', role: 'meter', 'aria-labelledby': `component-${key}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(value) }, bar),
            h('p', { class: 'hint' }, hint));
        })))
      : null);
}

/** The reason as a sentence: capitalised, with a full stop. */
const sentence = (text) => (text ? text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.') : '');

function renderHistory() {
  drawHistory($('history-chart'), profile.history);
  $('history-caption').textContent = describeHistory(profile.history);
  fill($('milestones-body'), profile.milestones.length === 0
    ? h('p', { class: 'hint', id: 'no-milestones' }, 'None in this year yet: a milestone is your score reaching (or falling below) 25, 50, 75 or 90.')
    : h('ul', { class: 'milestones', id: 'milestones', 'aria-labelledby': 'milestones-title' }, profile.milestones.map((m) =>
      h('li', { class: m.direction === 'up' ? 'up' : 'down', 'data-milestone': m.milestone },
        h('span', { class: 'move-mark', 'aria-hidden': 'true' }, m.direction === 'up' ? '▲' : '▼'), h('span', {}, m.sentence)))));
  const rows = [...profile.history.days].reverse();
  fill($('history-table'), rows.length === 0 ? h('p', {}, 'No nights yet.') : h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Score by night, newest first'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Night'), h('th', { scope: 'col' }, 'Score'))),
    h('tbody', {}, rows.map((d) => h('tr', {}, h('td', {}, day(d.day)), h('td', {}, d.score ?? 'not scored'))))));
}

function renderMoves() {
  const score = profile.score;
  const intro = score.previousScore !== null && score.change !== null && score.previousDay
    ? `Since the night of ${day(score.previousDay)} your score ${score.change > 0 ? `rose ${score.change} point${score.change === 1 ? '' : 's'}` : score.change < 0 ? `fell ${-score.change} point${score.change === -1 ? '' : 's'}` : 'held'}, from ${score.previousScore} to ${score.score}.`
    : score.status === 'scored' ? 'There is no earlier night to compare with yet.' : 'Moves appear once you have a score on two nights.';
  fill($('moves-body'),
    h('p', {}, intro),
    score.moves.length === 0
      ? (score.previousScore !== null ? h('p', { class: 'hint' }, 'Nothing in particular moved it.') : null)
      : h('ul', { class: 'moves', id: 'moves' }, score.moves.map((move) =>
        h('li', { class: move.points >= 0 ? 'up' : 'down' }, h('span', { class: 'move-mark', 'aria-hidden': 'true' }, move.points >= 0 ? '▲' : '▼'), h('span', {}, move.sentence)))));
}

function renderTopics() {
  const topics = profile.topics;
  fill($('topics-body'), topics.length === 0
    ? h('p', { id: 'no-topics' }, 'No topics yet: they come from your posts once a nightly run has seen a few about the same thing.')
    : h('ul', { class: 'topics', id: 'topics' }, topics.map((topic) => {
      const e = topic.evidence;
      const terms = e.terms.map((t) => `“${t.term}” (${t.count}×)`).join(', ');
      return h('li', { class: `topic${topic.hidden ? ' is-hidden' : ''}`, 'data-topic': topic.id },
        h('div', { class: 'topic-head' },
          h('h3', { class: 'topic-name' }, topic.name),
          h('span', { class: 'topic-score', title: 'Topic score' }, topic.score, hidden(' out of 100')),
          topic.hidden ? h('span', { class: 'badge' }, 'Hidden from others') : null,
          h('button', {
            type: 'button', class: 'quiet topic-toggle', 'aria-pressed': topic.hidden ? 'true' : 'false',
            onclick: (event) => toggleTopic(event.currentTarget, topic),
          }, topic.hidden ? 'Unhide' : 'Hide', hidden(` ${topic.name}`))),
        h('p', { class: 'topic-path hint' }, topic.path),
        h('details', {},
          h('summary', {}, 'Why this topic'),
          h('p', {}, `${e.posts} post${e.posts === 1 ? '' : 's'} about it in the last 90 days, with ${e.engagement} engagement`,
            terms ? `; matched by ${terms}` : '', e.context.length ? ` (meaning settled by ${e.context.map((c) => `“${c}”`).join(', ')})` : '', '.'),
          e.plusK.received > 0 ? h('p', {}, `${e.plusK.received} +K from ${e.plusK.givers} ${e.plusK.givers === 1 ? 'person' : 'people'}, adding ${e.plusK.points} points.`) : null,
          e.topPosts.length ? h('ul', { class: 'evidence-posts', 'aria-label': 'Most engaged posts' }, e.topPosts.map((p) =>
            h('li', {}, h('q', {}, p.text), h('span', { class: 'hint' }, ` ${p.networkName}, ${day(p.day)}: ${p.reactions} reactions, ${p.reshares} reshares, ${p.replies} replies`)))) : null));
    })));
}

async function toggleTopic(button, topic) {
  await act(button, async () => {
    const url = userUrl(profile.userId, `/topics/${encodeURIComponent(topic.id)}/hidden`);
    await (topic.hidden ? api.del(url) : api.put(url));
    await reloadKeepingFocus(`[data-topic="${CSS.escape(topic.id)}"] .topic-toggle`);
  }, topic.hidden ? `${topic.name} is visible again.` : `${topic.name} is hidden: only you see it now.`);
}

/** Reloads the profile and puts the focus back on the control the person used (by selector). */
async function reloadKeepingFocus(selector) {
  profile = await api.get(userUrl(session.userId, '/profile'));
  render();
  document.querySelector(selector)?.focus();
}

function renderPlusK() {
  const k = profile.plusK;
  fill($('plusk-body'),
    h('p', { id: 'plusk-left' }, h('strong', {}, `${k.remainingToday} of ${k.dailyLimit}`), ` +K left to give today (it resets ${time(k.resetsUtc)}).`),
    h('h3', {}, 'Given in the last 7 days'),
    k.given.length === 0 ? h('p', { class: 'hint', id: 'plusk-given-none' }, 'None yet.') : h('ul', { id: 'plusk-given', class: 'plain-list' }, k.given.map((g) =>
      h('li', {}, `+K to `, h('strong', {}, g.receiver), ` for ${g.topicName}, ${time(g.givenUtc)}`))),
    h('h3', {}, 'Received'),
    h('p', { id: 'plusk-received' }, k.receivedTotal === 0
      ? `None counted yet (as of the night of ${day(k.receivedAsOf)}).`
      : `${k.receivedTotal} +K in the last 90 days, as of the night of ${day(k.receivedAsOf)}.`),
    k.received.length ? h('ul', { class: 'plain-list' }, k.received.map((r) => h('li', {}, `${r.topicName}: ${r.count}`))) : null,
    h('p', { class: 'hint' }, 'A +K counts from the second nightly run after it is given. You can give 5 a day, one per person and topic a week.'));

  const select = $('plusk-topic');
  if (select.options.length === 0) {
    select.append(h('option', { value: '' }, 'Choose a topic'), ...k.topics.map((t) => h('option', { value: t.id }, t.path)));
  }
  $('plusk-give').disabled = k.remainingToday === 0 || profile.score.status !== 'scored';
}

$('plusk-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const receiver = $('plusk-receiver').value.trim();
  const topic = $('plusk-topic').value;
  act($('plusk-give'), async () => {
    await api.post(userUrl(profile.userId, '/plusk'), { receiver, topic });
    $('plusk-receiver').value = '';
    await reloadKeepingFocus('#plusk-receiver');
  }, `You gave +K to ${receiver}.`);
});

function renderNetworks() {
  const account = profile.account;
  fill($('networks-body'),
    account.connections.length === 0
      ? h('p', { id: 'no-connections' }, 'No network connected: connect one to be scored.')
      : h('ul', { class: 'connections', id: 'connections' }, account.connections.map((c) =>
        h('li', { 'data-network': c.id },
          h('span', { class: 'connection-name' }, c.name),
          h('span', { class: 'connection-account' }, `@${c.account}`),
          h('span', { class: 'hint' }, `since ${day(c.connectedUtc)}`),
          h('button', { type: 'button', class: 'quiet', onclick: (event) => disconnect(event.currentTarget, c) }, 'Disconnect', hidden(` ${c.name}`))))),
    account.recentlyDisconnected.length
      ? h('p', { class: 'hint', id: 'recently-disconnected' }, 'Recently disconnected: ', account.recentlyDisconnected.map((d) => `${d.name} (${day(d.disconnectedUtc)})`).join(', '), '.')
      : null);

  const connected = new Set(account.connections.map((c) => c.id));
  fill($('connect-network'), account.connectable.filter((n) => !connected.has(n.id)).map((n) => h('option', { value: n.id }, n.name)));
  $('connect-form').hidden = !account.optedIn;
}

async function disconnect(button, connection) {
  await act(button, async () => {
    await api.del(userUrl(profile.userId, `/account/connections/${encodeURIComponent(connection.id)}`));
    await reloadKeepingFocus('#connect-network');
  }, `${connection.name} is disconnected; its stored signals are deleted.`);
}

$('connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const choice = profile.account.connectable.find((n) => n.id === $('connect-network').value);
  const account = $('connect-account').value.trim();
  act(event.submitter ?? $('connect-form').querySelector('button'), async () => {
    await api.post(userUrl(profile.userId, '/account/connections'), { network: choice.network, kind: choice.kind, account });
    $('connect-account').value = '';
    await reloadKeepingFocus(`[data-network="${CSS.escape(choice.id)}"] button`);
  }, `${choice.name} is connected. It counts from the next nightly recalculation.`);
});

function renderData() {
  const link = $('card-link');
  link.href = new URL(`../u/${encodeURIComponent(profile.userId)}`, location.href).toString();
  link.textContent = link.href;
  $('settle-time').textContent = duration(profile.erasureSettleSeconds);
}

const duration = (seconds) => (seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} seconds`);

$('export-button').addEventListener('click', (event) => act(event.currentTarget, async () => {
  const response = await api.fetch(userUrl(profile.userId, '/account/export'));
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: `influence-${profile.userId}-export.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}, 'Your export is downloading: one JSON file with everything stored about you.'));

$('erase-start').addEventListener('click', () => {
  $('erase-confirm').hidden = false;
  $('erase-start').setAttribute('aria-expanded', 'true');
  $('erase-no').focus();
});

$('erase-no').addEventListener('click', () => {
  $('erase-confirm').hidden = true;
  $('erase-start').setAttribute('aria-expanded', 'false');
  $('erase-start').focus();
});

$('erase-yes').addEventListener('click', (event) => act(event.currentTarget, async () => {
  const status = await api.del(userUrl(profile.userId, '/account'));
  $('profile').hidden = true;
  showErasure(status, profile.erasureSettleSeconds);
  $('erasure-title').focus();
}));

// ---- Erasure progress --------------------------------------------------------------------------------------------

let erasureTimer = null;
let erasureSeenAt = null;

function showErasure(status, settleSeconds) {
  $('erasure').hidden = false;
  $('erasure-title').setAttribute('tabindex', '-1');
  erasureSeenAt ??= Date.now();
  clearTimeout(erasureTimer);
  if (status.status === 'erased') {
    fill($('erasure-body'),
      h('p', { id: 'erasure-state', 'data-state': 'erased' }, h('strong', {}, 'Erased.'), ` Everything about you was deleted${status.completedUtc ? ` (${time(status.completedUtc)})` : ''}. Only a tombstone remains, and it names nobody.`),
      h('p', {}, 'Your public card is gone too: its address now answers “not found”.'));
    $('who').hidden = true;
    auth.signOut();
    return;
  }

  // The server's clock and this one may differ: measure the settling from when this page first saw the erasure.
  const elapsed = Math.min(settleSeconds, Math.round((Date.now() - erasureSeenAt) / 1000));
  const progress = h('progress', { max: settleSeconds, value: elapsed, 'aria-labelledby': 'erasure-state' });
  fill($('erasure-body'),
    h('p', { id: 'erasure-state', 'data-state': 'erasing' }, h('strong', {}, 'Erasing.'),
      ` Your data was swept as soon as you asked (${time(status.requestedUtc)}). The erasure now settles for ${duration(settleSeconds)}, so that anything already on its way in (a batch of signals, a nightly run) lands and is swept too; then it sweeps again and finishes.`),
    progress,
    h('p', { class: 'hint' }, elapsed < settleSeconds
      ? `About ${duration(settleSeconds - elapsed)} to go. This page checks by itself; you can also close it: the erasure goes on.`
      : 'Finishing the second sweep (it also waits for a nightly run that is under way)…'));
  erasureTimer = setTimeout(pollErasure, 1500, settleSeconds);
}

async function pollErasure(settleSeconds) {
  try {
    const status = await api.get(userUrl(profile.userId, '/account/erasure'));
    showErasure(status, settleSeconds);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return;
    erasureTimer = setTimeout(pollErasure, 5000, settleSeconds); // A hiccup: keep checking, more slowly.
  }
}

start();
