/* Coordinator console: plain JavaScript, no build step. Talks to /api (see /v3/api-docs). */
(function () {
  'use strict';
  const view = document.getElementById('view');
  const msg = document.getElementById('message');
  let refreshTimer = null;
  let renderSeq = 0;   // every render takes a ticket; one that finishes after a newer one started is dropped
  let inflight = 0;    // renders under way; with a pending live update, shown as body[data-busy]
  let liveTimer = null;

  // ------------------------------------------------------------------ helpers
  function esc(s) {
    return String(s === undefined || s === null ? '' : s)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function markBusy() { document.body.dataset.busy = inflight > 0 || liveTimer !== null ? 'yes' : 'no'; }
  /** Runs an async view with a fresh ticket, counting it as in flight until it ends. */
  function run(viewFn, ...args) {
    const seq = ++renderSeq;
    inflight++; markBusy();
    return viewFn(seq, ...args).finally(() => { inflight--; markBusy(); });
  }
  /**
   * Paints the view unless a newer render started meanwhile (false then: the caller stops). A repaint of the same
   * page keeps what the user typed and has not submitted, so a live update never eats an edit.
   */
  function h(html, seq) {
    if (seq !== renderSeq) { return false; }
    const samePage = view.dataset.page === location.hash;
    const typed = samePage ? [...view.querySelectorAll('input[id], textarea[id]')].filter(e => e.value !== e.defaultValue) : [];
    view.innerHTML = html;
    view.dataset.page = location.hash;
    typed.forEach(old => { const e = document.getElementById(old.id); if (e) { e.value = old.value; } });
    return true;
  }
  /** After a submit: the fields hold nothing unsaved any more. */
  function formsDone() { view.querySelectorAll('input[id], textarea[id]').forEach(e => { e.value = e.defaultValue; }); }
  function show(text, kind) {
    msg.textContent = text; msg.className = kind || ''; msg.hidden = !text;
    if (kind === 'info') { setTimeout(() => { if (msg.textContent === text) { msg.hidden = true; } }, 3000); }
  }
  function creds() { return sessionStorage.getItem('coordinator.auth'); }
  function encodePath(p) { return p.split('/').map(encodeURIComponent).join('/'); }

  async function api(method, path, body, headers) {
    const opts = { method: method, headers: Object.assign({ 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, headers || {}) };
    if (creds()) { opts.headers['Authorization'] = 'Basic ' + creds(); }
    if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    const r = await fetch(path, opts);
    let json = null;
    const text = await r.text();
    if (text) { try { json = JSON.parse(text); } catch (e) { json = { detail: text }; } }
    if (!r.ok) {
      const p = json || {};
      const err = new Error((p.title ? p.title + ': ' : '') + (p.detail || ('HTTP ' + r.status)));
      err.status = r.status; err.problem = p;
      throw err;
    }
    return json;
  }
  function fail(e) {
    if (e.status === 401 && !creds()) {
      show('Sign in to see and change anything here: this server does not serve its data anonymously');
      document.getElementById('login-user').focus();
    } else if (e.status === 401) { show('Your user or password is no longer accepted: sign in again (' + e.message + ')'); }
    else { show(e.message); }
  }

  /** JSON with syntax highlighting, or null when the text is not JSON. */
  function highlightJson(text) {
    let parsed;
    try { parsed = JSON.parse(text); } catch (e) { return null; }
    if (typeof parsed !== 'object' || parsed === null) { return null; }
    return esc(JSON.stringify(parsed, null, 2)).replace(
      /(&quot;(?:\\.|[^\\&]|&(?!quot;))*?&quot;)(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
      (m, str, colon, lit, num) => {
        if (str) { return colon ? '<span class="j-key">' + str + '</span>' + colon : '<span class="j-str">' + str + '</span>'; }
        if (lit) { return '<span class="j-lit">' + lit + '</span>'; }
        return '<span class="j-num">' + num + '</span>';
      });
  }

  // ------------------------------------------------------------------ login
  function renderLogin() {
    const user = sessionStorage.getItem('coordinator.user');
    document.getElementById('who').textContent = user ? 'signed in as ' + user : 'not signed in';
    document.getElementById('login-form').hidden = !!user;
    document.getElementById('logout').hidden = !user;
  }
  document.getElementById('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const u = document.getElementById('login-user').value;
    const p = document.getElementById('login-password').value;
    const token = btoa(unescape(encodeURIComponent(u + ':' + p)));
    const r = await fetch('/api/cluster', { headers: { 'Authorization': 'Basic ' + token, 'X-Requested-With': 'XMLHttpRequest' } });
    if (r.status === 401) { show('Wrong user or password'); return; }
    sessionStorage.setItem('coordinator.auth', token);
    sessionStorage.setItem('coordinator.user', u);
    renderLogin();
    route(true);
    live();
    show('Signed in as ' + u, 'info');
  });
  document.getElementById('logout').addEventListener('click', () => {
    sessionStorage.removeItem('coordinator.auth'); sessionStorage.removeItem('coordinator.user'); renderLogin();
    route(); live();
  });

  // ------------------------------------------------------------------ cluster
  const SHOWN = 300;       // samples drawn per member: five minutes at one a second
  const memberSamples = {}; // member id -> samples, oldest first, merged across refreshes
  const CHARTS = [
    { key: 'requests', label: 'requests/s', series: [['readsPerSecond', 'read', 'read'], ['writesPerSecond', 'write', 'write']] },
    { key: 'p99', label: 'p99 latency µs', series: [['p99Micros', 'p99', 'one']] },
    { key: 'fsync', label: 'fsync µs', series: [['fsyncMicros', 'fsync', 'one']] },
    { key: 'outstanding', label: 'outstanding', series: [['outstanding', 'outstanding', 'one']] },
    { key: 'sessions', label: 'sessions', series: [['sessions', 'sessions', 'one']] },
    { key: 'znodes', label: 'znodes', series: [['znodes', 'znodes', 'one']] },
    { key: 'watches', label: 'watches', series: [['watches', 'watches', 'one']] }
  ];
  /** Adds a member's new samples (those after the newest it has) and keeps the last SHOWN. */
  function remember(id, samples) {
    const old = memberSamples[id] || [];
    const newest = old.length ? old[old.length - 1].time : 0;
    memberSamples[id] = old.concat(samples.filter(x => x.time > newest)).slice(-SHOWN);
  }
  /** How many zxids a member is behind the leader (zxids of another epoch are not comparable). */
  function lagBehind(zxid, leaderZxid) {
    if (!zxid || !leaderZxid) { return null; }
    const a = BigInt(zxid), b = BigInt(leaderZxid);
    if ((a >> 32n) !== (b >> 32n)) { return a < b ? 'older epoch' : '0'; }
    return (b > a ? b - a : 0n).toString();
  }
  function memberCard(m, c, leaderZxid) {
    const st = m.status;
    const peer = (c.peers || []).find(p => p.id === m.id);
    const connection = m.self ? 'self' : !m.reachable ? 'disconnected'
      : peer && peer.connection === 'disconnected' ? 'disconnected' : 'connected';
    const role = st ? st.role : (peer ? peer.role : 'unknown');
    const samples = memberSamples[m.id] || [];
    const lag = st && role !== 'leader' && role !== 'standalone' ? lagBehind(st.lastZxid, leaderZxid) : null;
    const charts = CHARTS.map(ch => {
      const series = ch.series.map(([field, name, cls]) => ({ name: name, cls: cls, values: samples.map(x => x[field]) }));
      const now = samples.length ? ch.series.map(([field]) => CoordinatorCharts.fmt(samples[samples.length - 1][field])).join(' / ') : '-';
      const legend = ch.series.length > 1 ? ' ' + ch.series.map(([, name, cls]) => '<i class="' + cls + '">' + name + '</i>').join(' / ') : '';
      return '<div class="chart" data-chart="' + ch.key + '"><div class="chart-head"><span>' + esc(ch.label) + legend
        + '</span><span class="now">' + esc(now) + '</span></div>' + CoordinatorCharts.line(series, ch.label, SHOWN) + '</div>';
    }).join('');
    return '<div class="member ' + esc(role) + (m.reachable ? '' : ' gone') + '" data-member="' + m.id + '" data-connection="' + connection + '">'
      + '<div class="member-head"><span class="dot ' + connection + '"></span><strong>' + (m.id ? 'Member ' + m.id : 'This server') + '</strong>'
      + ' <span class="badge ' + esc(role) + ' role">' + esc(role) + '</span> <span class="badge ' + connection + ' conn">' + connection + '</span></div>'
      + '<div class="member-facts"><span>zxid <code class="zxid">' + esc(st ? st.lastZxid : samples.length ? samples[samples.length - 1].zxid : '-') + '</code>'
      + (st || !samples.length ? '' : ' <span class="muted">last known</span>') + '</span>'
      + (lag !== null ? '<span>lag <strong class="lag">' + esc(lag) + '</strong> zxids</span>' : '')
      + (st ? '<span>' + (st.ready ? 'ready' : 'not ready') + '</span>' : '')
      + (m.error ? '<span class="muted" title="' + esc(m.error) + '">not answering</span>' : '') + '</div>'
      + '<div class="charts">' + charts + '</div></div>';
  }
  async function clusterView(seq) {
    const started = Date.now();
    let c, ready, members;
    try {
      c = await api('GET', '/api/cluster');
      const r = await fetch('/actuator/health/readiness');
      ready = r.status === 200;
      const fresh = Object.keys(memberSamples).length === 0;
      members = await api('GET', '/api/cluster/history?last=' + (fresh ? SHOWN : 5));
    } catch (e) { fail(e); return; }
    members.forEach(m => { if (m.reachable) { remember(m.id, m.samples); } });
    const leader = members.find(m => m.status && m.status.role === 'leader');
    const card = (label, value, id) => '<div class="card" id="' + id + '"><div class="label">' + esc(label)
      + '</div><div class="value">' + value + '</div></div>';
    if (!h('<h2>Cluster</h2><div class="cards">'
      + card('Health', '<span class="badge ' + (ready ? 'ok' : 'bad') + '">' + (ready ? 'ready' : 'not ready') + '</span>', 'c-health')
      + card('Server', esc(c.serverId), 'c-server')
      + card('Role', '<span class="badge ' + esc(c.role) + '">' + esc(c.role) + '</span>', 'c-role')
      + card('Leader', c.leaderId === null || c.leaderId === undefined ? '-' : esc(c.leaderId), 'c-leader')
      + card('Epoch', esc(c.epoch), 'c-epoch')
      + card('Last zxid', esc(c.lastZxid), 'c-zxid')
      + card('Sessions', esc(c.sessions), 'c-sessions')
      + card('Znodes', esc(c.znodes), 'c-znodes')
      + card('Watches', esc(c.watches), 'c-watches')
      + card('Outstanding', esc(c.outstandingRequests), 'c-outstanding')
      + card('fsync avg', esc(c.fsync.avgMicros) + ' µs', 'c-fsync')
      + card('Connections', esc(c.traffic.connections), 'c-connections')
      + '</div><h3>' + (members.length > 1 ? 'Ensemble' : 'Standalone server')
      + ' <span class="muted">(last ' + Math.round(SHOWN / 60) + ' minutes, a sample a second; as seen from server ' + esc(c.serverId) + ')</span></h3>'
      + '<div class="members" id="members">' + members.map(m => memberCard(m, c, leader ? leader.status.lastZxid : null)).join('') + '</div>', seq)) { return; }
    clearTimeout(refreshTimer);
    // every second from the start of this refresh, however long the members took to answer
    refreshTimer = setTimeout(() => { if (location.hash.startsWith('#/cluster') || location.hash === '') { run(clusterView); } },
      Math.max(100, 1000 - (Date.now() - started)));
  }

  // ------------------------------------------------------------------ znodes
  async function znodeView(seq, path) {
    let z;
    try {
      z = await api('GET', '/api/znodes' + encodePath(path) + '?children=true&acl=true');
    } catch (e) { fail(e); h('<p class="muted">' + esc(path) + ' cannot be read.</p><p><a href="#/znodes/">back to /</a></p>', seq); return; }
    const parts = path.split('/').filter(Boolean);
    let acc = '';
    const crumbs = ['<a href="#/znodes/">/</a>'].concat(parts.map(p => { acc += '/' + p; return '<a href="#/znodes' + esc(encodePath(acc)) + '">' + esc(p) + '</a>'; })).join(' / ');
    const child = name => (path === '/' ? '' : path) + '/' + name;
    const kids = (z.children || []).map(n => '<li><a href="#/znodes' + esc(encodePath(child(n))) + '">' + esc(n) + '</a></li>').join('');
    const data = z.data === null || z.data === undefined ? '' : z.data;
    const pretty = z.encoding === 'utf8' ? highlightJson(data) : null;
    const s = z.stat;
    const stat = ['czxid', 'mzxid', 'pzxid', 'version', 'cversion', 'aversion', 'dataLength', 'numChildren', 'ephemeralOwner']
      .map(k => '<div><span>' + k + '</span> ' + esc(s[k]) + '</div>').join('')
      + '<div><span>ctime</span> ' + esc(new Date(s.ctime).toISOString()) + '</div><div><span>mtime</span> ' + esc(new Date(s.mtime).toISOString()) + '</div>';
    const acl = (z.acl || []).map(a => '<tr><td>' + esc(a.scheme) + '</td><td>' + esc(a.id) + '</td><td>' + esc(a.perms) + '</td></tr>').join('');
    if (!h('<h2 class="crumbs" id="crumbs">' + crumbs + '</h2><div class="split">'
      + '<div class="panel"><strong>Children</strong> <span class="muted">(' + (z.children || []).length + ')</span><ul class="children" id="children">' + kids + '</ul>'
      + '<form id="create-form"><div class="actions"><input id="create-name" placeholder="new child name" required size="14">'
      + '<select id="create-mode"><option value="persistent">persistent</option><option value="persistent_sequential">sequential</option><option value="container">container</option></select>'
      + '<button type="submit">Create</button></div><textarea id="create-data" placeholder="data (optional)" style="min-height:60px"></textarea></form></div>'
      + '<div class="panel"><div><strong>Data</strong> <span class="muted">' + esc(z.encoding) + ', version ' + s.version + '</span></div>'
      + '<pre class="data" id="data">' + (pretty !== null ? pretty : esc(data)) + '</pre>'
      + '<div class="actions"><button id="edit">Edit</button>' + (path !== '/' ? '<button class="danger" id="delete">Delete</button>' : '') + '</div>'
      + '<div id="editor" hidden><textarea id="edit-data">' + esc(data) + '</textarea><div class="actions"><button class="primary" id="save">Save (version ' + s.version + ')</button><button id="cancel">Cancel</button></div></div>'
      + '<strong>Stat</strong><div class="stat" id="stat">' + stat + '</div>'
      + '<p><strong>ACL</strong></p><table id="acl"><thead><tr><th>Scheme</th><th>Id</th><th>Perms</th></tr></thead><tbody>' + acl + '</tbody></table>'
      + '</div></div>', seq)) { return; }
    document.getElementById('edit').onclick = () => { document.getElementById('editor').hidden = false; };
    document.getElementById('cancel').onclick = () => { document.getElementById('editor').hidden = true; };
    document.getElementById('save').onclick = async () => {
      try {
        await api('PUT', '/api/znodes' + encodePath(path), { data: document.getElementById('edit-data').value, encoding: z.encoding === 'base64' ? 'base64' : 'utf8' }, { 'If-Match': '"' + s.version + '"' });
        show('Saved ' + path, 'info'); formsDone(); run(znodeView, path);
      } catch (e) { if (e.status === 412) { show('Someone changed ' + path + ' meanwhile; reload and edit again'); } else { fail(e); } }
    };
    const del = document.getElementById('delete');
    if (del) {
      del.onclick = async () => {
        if (!confirm('Delete ' + path + ' (version ' + s.version + ')?')) { return; }
        try {
          await api('DELETE', '/api/znodes' + encodePath(path), undefined, { 'If-Match': '"' + s.version + '"' });
          show('Deleted ' + path, 'info');
          location.hash = '#/znodes' + encodePath(path.substring(0, path.lastIndexOf('/')) || '/');
        } catch (e) { fail(e); }
      };
    }
    document.getElementById('create-form').onsubmit = async (ev) => {
      ev.preventDefault();
      const name = document.getElementById('create-name').value;
      try {
        const created = await api('POST', '/api/znodes' + encodePath(child(name)), { data: document.getElementById('create-data').value, mode: document.getElementById('create-mode').value });
        show('Created ' + created.path, 'info'); formsDone(); run(znodeView, path);
      } catch (e) { fail(e); }
    };
  }

  // ------------------------------------------------------------------ services
  /** How long since t, e.g. "3 min", with the exact time on hover. */
  function age(t) {
    const d = new Date(t);
    if (!t || isNaN(d.getTime())) { return ''; }
    const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
    const text = s < 60 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min' : s < 86400 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d';
    return '<time datetime="' + esc(d.toISOString()) + '" title="since ' + esc(d.toISOString()) + '">' + text + '</time>';
  }
  async function servicesView(seq) {
    let all;
    try { all = await api('GET', '/api/instances'); } catch (e) { fail(e); return; }
    const services = new Map();
    all.forEach(i => { if (!services.has(i.service)) { services.set(i.service, []); } services.get(i.service).push(i); });
    const zones = [...new Set(all.map(i => i.zone).filter(Boolean))].sort();
    const outCount = all.filter(i => i.override && i.override.enabled === false).length;
    let html = '<h2>Services <span class="muted" id="services-summary">' + services.size + (services.size === 1 ? ' service, ' : ' services, ') + all.length
      + (all.length === 1 ? ' instance' : ' instances')
      + (outCount ? ', ' + outCount + ' out of rotation' : '') + '</span></h2>'
      + '<div class="actions toolbar"><input id="service-filter" size="40" placeholder="Search: service, instance, address, zone, metadata, context">'
      + '<select id="zone-filter"><option value="">every zone</option>' + zones.map(z => '<option value="' + esc(z) + '">' + esc(z) + '</option>').join('') + '</select>'
      + '<select id="state-filter"><option value="">any state</option><option value="alive">session alive</option><option value="nosession">no session</option>'
      + '<option value="out">out of rotation</option><option value="behind">configuration behind</option></select>'
      + '<span class="muted" id="filter-count"></span></div>';
    if (!services.size) { html += '<p class="muted">No service registered under /services.</p>'; }
    let groups = '';
    for (const [name, instances] of services) {
      const rows = instances.map(i => {
        const meta = i.metadata || {};
        const o = i.override;
        if (o) { overrideState[name + '/' + i.id] = o; } else { delete overrideState[name + '/' + i.id]; }
        const out = o && o.enabled === false;
        const behind = (i.configs || []).some(c => !c.current);
        const weight = o && o.weight ? '<strong title="set by ' + esc(o.author) + '">' + esc(o.weight) + '</strong>' : esc(i.weight === null ? '' : i.weight);
        const key = esc(name) + '" data-id="' + esc(i.id);
        const metaText = Object.keys(meta).filter(k => k !== 'zone' && k !== 'weight').map(k => k + '=' + meta[k]).join(', ');
        const configs = (i.configs || []).map(c => '<span class="chip ' + (c.current ? 'ok' : 'bad') + '" title="runs zxid ' + esc(c.zxid) + '">'
          + esc(c.context) + ' ' + (c.version ? 'v' + c.version : c.version === null ? '?' : '') + (c.current ? '' : ' behind') + '</span>').join(' ');
        const health = (i.session ? '<span class="badge ok" title="session ' + esc(i.session) + ' holds its registration">alive</span>'
          : '<span class="badge" title="a persistent registration: no session says whether it runs">no session</span>')
          + (i.readiness ? ' <span class="badge ' + (/^(up|ready|true|accepting_traffic)$/i.test(i.readiness) ? 'ok' : 'bad') + '" title="readiness it reports">' + esc(i.readiness) + '</span>' : '');
        const state = [i.session ? 'alive' : 'nosession', out ? 'out' : '', behind ? 'behind' : ''].join(' ');
        const text = [name, i.id, i.address, i.port, Object.keys(meta).map(k => k + '=' + meta[k]).join(' '), (i.configs || []).map(c => c.context).join(' ')].join(' ').toLowerCase();
        return '<tr data-text="' + esc(text) + '" data-zone="' + esc(i.zone || '') + '" data-state="' + state + '"' + (out ? ' class="out"' : '') + '><td class="id" title="' + esc(i.id) + '">' + esc(i.id)
          + '</td><td>' + esc((i.address || '') + (i.port ? ':' + i.port : '')) + '</td><td>' + health + '</td><td>' + esc(i.zone || '') + '</td><td>' + weight
          + '</td><td>' + age(i.upSince) + '</td><td>' + configs + '</td><td><code class="meta">' + esc(metaText) + '</code></td><td class="rotation">'
          + (out ? '<span class="badge">out of rotation</span> <button data-rotate="in" data-service="' + key + '">Put back</button>'
            : '<button data-rotate="out" data-service="' + key + '" title="Take out of rotation: discovery leaves it out, it keeps running">Take out</button>')
          + ' <input size="2" placeholder="w" title="weight" data-weight-for="' + esc(i.id) + '"><button data-weigh="1" data-service="' + key + '" title="Set its weight">Set</button></td></tr>';
      }).join('');
      groups += '<tbody class="svc" data-name="' + esc(name.toLowerCase()) + '"><tr class="svc-head"><th colspan="9">' + esc(name)
        + ' <span class="muted">(' + instances.length + ')</span></th></tr>' + rows + '</tbody>';
    }
    // one table, a group of rows per service: the columns line up down the page and a service costs one line
    if (services.size) {
      html += '<table class="service" id="services"><colgroup><col class="c-id"><col class="c-addr"><col class="c-health"><col class="c-zone"><col class="c-weight"><col class="c-up">'
        + '<col class="c-config"><col class="c-meta"><col class="c-rot"></colgroup><thead><tr><th>Instance</th><th>Address</th><th>Health</th><th>Zone</th><th>Weight</th>'
        + '<th>Up</th><th>Configuration</th><th>Metadata</th><th>Rotation</th></tr></thead>' + groups + '</table>';
    }
    if (!h(html, seq)) { return; }
    const filter = document.getElementById('service-filter');
    const zone = document.getElementById('zone-filter');
    const state = document.getElementById('state-filter');
    const applyFilter = () => {
      const q = filter.value.trim().toLowerCase();
      let shownRows = 0;
      view.querySelectorAll('tbody.svc').forEach(sec => {
        let shown = 0;
        sec.querySelectorAll('tr[data-text]').forEach(tr => {
          const hit = (!q || tr.dataset.text.includes(q) || sec.dataset.name.includes(q))
            && (!zone.value || tr.dataset.zone === zone.value)
            && (!state.value || tr.dataset.state.split(' ').includes(state.value));
          tr.hidden = !hit;
          if (hit) { shown++; }
        });
        sec.hidden = shown === 0;
        shownRows += shown;
      });
      document.getElementById('filter-count').textContent = (q || zone.value || state.value) ? shownRows + ' shown' : '';
    };
    filter.oninput = applyFilter;
    zone.onchange = applyFilter;
    state.onchange = applyFilter;
    // a repaint keeps the typed search (h() restores it); the selects are restored here
    zone.value = servicesFilters.zone; state.value = servicesFilters.state;
    zone.addEventListener('change', () => { servicesFilters.zone = zone.value; });
    state.addEventListener('change', () => { servicesFilters.state = state.value; });
    applyFilter();
    const target = b => '/api/services/' + encodeURIComponent(b.dataset.service) + '/' + encodeURIComponent(b.dataset.id) + '/override';
    view.querySelectorAll('[data-rotate]').forEach(b => {
      b.onclick = async () => {
        const o = overrideState[b.dataset.service + '/' + b.dataset.id] || {};
        try {
          if (b.dataset.rotate === 'out') {
            await api('PUT', target(b), { enabled: false, weight: o.weight || null });
          } else if (o.weight) {
            await api('PUT', target(b), { enabled: true, weight: o.weight });
          } else {
            await api('DELETE', target(b));
          }
          show((b.dataset.rotate === 'out' ? 'Took ' : 'Put back ') + b.dataset.id, 'info'); run(servicesView);
        } catch (e) { fail(e); }
      };
    });
    view.querySelectorAll('[data-weigh]').forEach(b => {
      b.onclick = async () => {
        const o = overrideState[b.dataset.service + '/' + b.dataset.id] || {};
        const weight = Number(view.querySelector('[data-weight-for="' + CSS.escape(b.dataset.id) + '"]').value);
        try {
          await api('PUT', target(b), { enabled: o.enabled !== false, weight: weight });
          show('Weight of ' + b.dataset.id + ' is ' + weight, 'info'); run(servicesView);
        } catch (e) { fail(e); }
      };
    });
  }
  const overrideState = {};
  const servicesFilters = { zone: '', state: '' };

  /** A time as "3 min ago", the exact time on hover. */
  function when(t) {
    if (t === null || t === undefined || t === '') { return ''; }
    const d = new Date(t);
    if (isNaN(d.getTime())) { return esc(t); }
    const s = Math.round((Date.now() - d.getTime()) / 1000);
    const text = s < 5 ? 'just now' : s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago'
      : s < 86400 ? Math.round(s / 3600) + ' h ago' : Math.round(s / 86400) + ' d ago';
    return '<time datetime="' + esc(d.toISOString()) + '" title="' + esc(d.toISOString()) + '">' + text + '</time>';
  }

  // ------------------------------------------------------------------ configuration
  function toProperties(map) { return Object.keys(map).sort().map(k => k + '=' + map[k]).join('\n'); }
  function fromProperties(text) {
    const out = {};
    text.split('\n').forEach(line => {
      const t = line.trim();
      if (!t || t.startsWith('#')) { return; }
      const i = t.indexOf('=');
      if (i <= 0) { throw new Error('not key=value: ' + t); }
      out[t.substring(0, i).trim()] = t.substring(i + 1).trim();
    });
    return out;
  }
  function diffHtml(a, b) {
    const lines = [];
    Object.keys(b).sort().forEach(k => {
      if (!(k in a)) { lines.push('<div class="diff-add">+ ' + esc(k) + '=' + esc(b[k]) + '</div>'); }
      else if (a[k] !== b[k]) { lines.push('<div class="diff-chg">~ ' + esc(k) + ': ' + esc(a[k]) + ' → ' + esc(b[k]) + '</div>'); }
    });
    Object.keys(a).sort().forEach(k => { if (!(k in b)) { lines.push('<div class="diff-del">- ' + esc(k) + '=' + esc(a[k]) + '</div>'); } });
    return lines.length ? lines.join('') : '<div class="muted">no changes</div>';
  }

  // ------------------------------------------------------------------ gray release (of the context shown)
  function list(text) { return text.split(',').map(x => x.trim()).filter(x => x); }
  function selectorText(sel) {
    const parts = [];
    if (sel.instances && sel.instances.length) { parts.push('instances ' + sel.instances.join(', ')); }
    if (sel.addresses && sel.addresses.length) { parts.push('addresses ' + sel.addresses.join(', ')); }
    if (sel.zones && sel.zones.length) { parts.push('zones ' + sel.zones.join(', ')); }
    if (sel.services && sel.services.length) { parts.push('services ' + sel.services.join(', ')); }
    if (sel.labels && Object.keys(sel.labels).length) { parts.push('labels ' + Object.entries(sel.labels).map(([k, v]) => k + '=' + v).join(', ')); }
    if (sel.percent !== null && sel.percent !== undefined) { parts.push(sel.percent + ' %'); }
    return parts.join(' and ');
  }
  function grayHtml(gray, events) {
    let out = '<h3>Gray release</h3>';
    if (gray) {
      const from = {}, to = {};
      Object.entries(gray.diff.removed).forEach(([k, v]) => { from[k] = v; });
      Object.entries(gray.diff.added).forEach(([k, v]) => { to[k] = v; });
      Object.entries(gray.diff.changed).forEach(([k, c]) => { from[k] = c.from; to[k] = c.to; });
      const onGray = gray.instances.filter(i => i.runs === 'gray').length;
      const selected = gray.instances.filter(i => i.selected).length;
      out += '<div class="panel" id="gray"><strong>Release <code>' + esc(gray.release) + '</code></strong> <span class="muted">by ' + esc(gray.author) + ', '
        + when(gray.timestamp) + (gray.comment ? ': ' + esc(gray.comment) : '') + '</span>'
        + '<p>To ' + esc(selectorText(gray.selector)) + '. Against main now:</p><div id="gray-diff">' + diffHtml(from, to) + '</div>'
        + '<p id="gray-counts"><span class="badge ok">' + onGray + ' on gray</span> <span class="badge">' + (gray.instances.length - onGray) + ' on main</span> '
        + '<span class="muted">' + selected + ' of ' + gray.instances.length + ' selected</span></p>'
        + '<table id="gray-instances"><thead><tr><th>Service</th><th>Instance</th><th>Address</th><th>Zone</th><th>Selected</th><th>Runs</th></tr></thead><tbody>'
        + gray.instances.map(i => '<tr data-instance="' + esc(i.instance) + '" data-runs="' + esc(i.runs) + '"><td>' + esc(i.service) + '</td><td>' + esc(i.instance) + '</td><td>' + esc(i.address)
          + '</td><td>' + esc(i.zone || '') + '</td><td>' + (i.selected ? 'yes' : 'no') + '</td><td>'
          + (i.runs === 'gray' ? '<span class="badge ok">gray</span>' : i.runs === 'main' ? '<span class="badge">main</span>' : '<span class="badge bad">' + esc(i.runs) + '</span>') + '</td></tr>').join('')
        + (gray.instances.length ? '' : '<tr><td colspan="6" class="muted">No registered instance reports this context.</td></tr>')
        + '</tbody></table><div class="actions"><input id="gray-comment" placeholder="comment" size="30">'
        + '<button class="primary" id="gray-promote">Promote to every instance</button><button id="gray-abort">Abort</button></div></div>';
    } else {
      out += '<div class="actions" id="gray-form"><span class="muted">Send the text above to some instances only:</span>'
        + '<input id="gray-instances-input" placeholder="instance ids" size="16"><input id="gray-zones" placeholder="zones" size="8">'
        + '<input id="gray-labels" placeholder="labels k=v,k2=v2" size="16"><input id="gray-percent" type="number" min="0" max="100" placeholder="%" style="width:4em">'
        + '<button id="gray-start">Start gray release</button></div>';
    }
    if (events.length) {
      out += '<table id="gray-history"><thead><tr><th>When</th><th>Who</th><th>Gray</th><th>Release</th><th>To</th><th>Comment</th></tr></thead><tbody>'
        + events.map(e => '<tr><td>' + when(e.timestamp) + '</td><td>' + esc(e.author) + '</td><td>' + esc(e.action) + '</td><td><code>' + esc(e.release) + '</code></td><td>'
          + esc(selectorText(e.selector || {})) + '</td><td>' + esc(e.comment || '') + '</td></tr>').join('') + '</tbody></table>';
    }
    return out;
  }
  function grayActions(context, gray) {
    const path = '/api/config/' + encodeURIComponent(context) + '/gray';
    const start = document.getElementById('gray-start');
    if (start) {
      start.onclick = async () => {
        let properties;
        try { properties = fromProperties(document.getElementById('config-text').value); } catch (e) { show(e.message); return; }
        const selector = {};
        const ids = list(document.getElementById('gray-instances-input').value), zones = list(document.getElementById('gray-zones').value);
        if (ids.length) { selector.instances = ids; }
        if (zones.length) { selector.zones = zones; }
        const labels = {};
        list(document.getElementById('gray-labels').value).forEach(kv => { const i = kv.indexOf('='); if (i > 0) { labels[kv.substring(0, i).trim()] = kv.substring(i + 1).trim(); } });
        if (Object.keys(labels).length) { selector.labels = labels; }
        const pct = document.getElementById('gray-percent').value;
        if (pct !== '') { selector.percent = Number(pct); }
        try {
          const g = await api('POST', path, { properties, selector, comment: document.getElementById('config-comment').value });
          show('Gray release ' + g.release + ' started for ' + selectorText(g.selector), 'info'); formsDone(); run(configView, context);
        } catch (e) { fail(e); }
      };
    }
    const promote = document.getElementById('gray-promote');
    if (promote) {
      promote.onclick = async () => {
        if (!confirm('Promote gray release ' + gray.release + ' of ' + context + ' to every instance?')) { return; }
        try {
          const v = await api('POST', path + '/promote', { comment: document.getElementById('gray-comment').value });
          show('Promoted: ' + context + ' is at version ' + v.version, 'info'); formsDone(); run(configView, context);
        } catch (e) { fail(e); }
      };
      document.getElementById('gray-abort').onclick = async () => {
        if (!confirm('Abort gray release ' + gray.release + ' of ' + context + '? Every instance goes back to main.')) { return; }
        try {
          await api('POST', path + '/abort', { comment: document.getElementById('gray-comment').value });
          show('Aborted gray release ' + gray.release, 'info'); formsDone(); run(configView, context);
        } catch (e) { fail(e); }
      };
    }
  }

  async function configView(seq, context) {
    let contexts;
    try { contexts = await api('GET', '/api/config'); } catch (e) { fail(e); return; }
    const list = contexts.map(c => '<li><a href="#/config/' + encodeURIComponent(c.context) + '">' + esc(c.context) + '</a> <span class="muted">'
      + (c.version ? 'v' + c.version : '') + '</span></li>').join('');
    let right = '<p class="muted">Pick a context, or publish a new one: <input id="new-context" placeholder="app[,profile]"> <button id="new-go">Open</button></p>';
    let current = null, history = [], audit = [], keyIds = [], listeners = [], gray = null, grayEvents = [];
    let refused = null;
    if (context) {
      try { current = await api('GET', '/api/config/' + encodeURIComponent(context)); } catch (e) {
        if (e.status === 403) { refused = e; } else if (e.status !== 404) { fail(e); }
      }
    }
    if (refused) {
      right = '<h3>' + esc(context) + '</h3><p class="muted" id="config-refused">' + esc(refused.problem.detail || refused.message) + '</p>';
      context = null; // nothing to edit
    } else if (context) {
      try { history = await api('GET', '/api/config/' + encodeURIComponent(context) + '/history'); } catch (e) { history = []; }
      try { audit = await api('GET', '/api/config/' + encodeURIComponent(context) + '/audit?limit=50'); } catch (e) { audit = []; }
      try { listeners = await api('GET', '/api/config/' + encodeURIComponent(context) + '/instances'); } catch (e) { listeners = []; }
      try { keyIds = (await api('GET', '/api/config/' + encodeURIComponent(context) + '/encrypt')).keyIds; } catch (e) { keyIds = []; }
      try { gray = await api('GET', '/api/config/' + encodeURIComponent(context) + '/gray'); } catch (e) { gray = null; }
      try { grayEvents = await api('GET', '/api/config/' + encodeURIComponent(context) + '/gray/history'); } catch (e) { grayEvents = []; }
      const props = current ? current.properties : {};
      const rows = history.map(v => '<tr><td>v' + v.version + '</td><td>' + when(v.timestamp) + '</td><td>' + esc(v.author) + '</td><td>' + esc(v.comment)
        + (v.rollbackOf !== null && v.rollbackOf !== undefined ? ' <span class="muted">(rollback of v' + v.rollbackOf + ')</span>' : '') + '</td><td>' + esc(v.zxid) + '</td><td>'
        + '<button data-diff="' + v.version + '">Diff to current</button> <button data-rollback="' + v.version + '">Roll back</button></td></tr>').join('');
      right = '<h3>' + esc(context) + (current && current.version ? ' <span class="muted">v' + current.version + '</span>' : '') + '</h3>'
        + '<textarea id="config-text">' + esc(toProperties(props)) + '</textarea>'
        + '<div class="actions"><input id="config-comment" placeholder="comment" size="40"><button id="preview">Preview diff</button>'
        + '<button class="primary" id="publish" disabled>Publish</button></div><div class="panel" id="config-diff" hidden></div>'
        + (keyIds.length ? '<div class="actions" id="encrypt-form"><input id="encrypt-name" placeholder="property" size="20">'
          + '<input id="encrypt-value" type="password" placeholder="secret value" size="24" autocomplete="off">'
          + '<select id="encrypt-key">' + keyIds.map(k => '<option>' + esc(k) + '</option>').join('') + '</select>'
          + '<button id="encrypt">Encrypt into the text</button> <span class="muted">only applications holding the key can read it</span></div>' : '')
        + grayHtml(gray, grayEvents)
        + '<h3>History</h3><table id="history"><thead><tr><th>Version</th><th>When</th><th>Who</th><th>Comment</th><th>zxid</th><th></th></tr></thead><tbody>'
        + rows + '</tbody></table><div class="panel" id="history-diff" hidden></div>'
        + '<h3>Instances running it</h3><table id="listeners"><thead><tr><th>Service</th><th>Instance</th><th>Address</th><th>Version</th><th></th></tr></thead><tbody>'
        + listeners.map(l => '<tr' + (l.current ? '' : ' class="behind"') + '><td>' + esc(l.service) + '</td><td>' + esc(l.instance) + '</td><td>' + esc(l.address) + '</td><td>'
          + (l.version ? 'v' + l.version : '<span class="muted">before v1</span>') + ' <span class="muted">' + esc(l.zxid) + '</span></td><td>'
          + (l.current ? '<span class="badge ok">current</span>' : '<span class="badge bad">behind</span>') + '</td></tr>').join('')
        + (listeners.length ? '' : '<tr><td colspan="5" class="muted">No registered instance reports this context.</td></tr>')
        + '</tbody></table>'
        + '<h3>Audit <span class="muted">(this member, latest first)</span></h3><table id="audit"><thead><tr><th>When</th><th>Who</th><th>Operation</th><th>Path</th><th>zxid</th><th>Result</th></tr></thead><tbody>'
        + audit.map(a => '<tr><td>' + when(a.time) + '</td><td>' + esc((a.user || []).join(', ')) + '</td><td>' + esc(a.operation) + '</td><td>' + esc(a.path || '')
          + '</td><td>' + esc(a.zxid || '') + '</td><td>' + esc(a.result + (a.error ? ' (' + a.error + ')' : '')) + '</td></tr>').join('')
        + '</tbody></table>';
    }
    if (!h('<h2>Configuration</h2><div class="split"><div class="panel"><strong>Contexts</strong><ul class="children">' + list + '</ul></div><div>' + right + '</div></div>', seq)) { return; }
    const go = document.getElementById('new-go');
    if (go) { go.onclick = () => { location.hash = '#/config/' + encodeURIComponent(document.getElementById('new-context').value); }; }
    if (!context) { return; }
    const base = current ? current.properties : {};
    let pending = null;
    document.getElementById('preview').onclick = () => {
      try { pending = fromProperties(document.getElementById('config-text').value); } catch (e) { show(e.message); return; }
      const d = document.getElementById('config-diff');
      d.innerHTML = diffHtml(base, pending); d.hidden = false;
      document.getElementById('publish').disabled = false;
    };
    const encrypt = document.getElementById('encrypt');
    if (encrypt) {
      encrypt.onclick = async () => {
        const name = document.getElementById('encrypt-name').value.trim();
        const secret = document.getElementById('encrypt-value');
        if (!name || !secret.value) { show('Name the property and type its value'); return; }
        try {
          const r = await api('POST', '/api/config/' + encodeURIComponent(context) + '/encrypt', { value: secret.value, keyId: document.getElementById('encrypt-key').value });
          const text = document.getElementById('config-text');
          const lines = text.value.split('\n').filter(l => !l.trim().startsWith(name + '='));
          while (lines.length && lines[lines.length - 1].trim() === '') { lines.pop(); }
          lines.push(name + '=' + r.value);
          text.value = lines.join('\n');
          secret.value = '';
          show('Encrypted ' + name + ' into the text: preview and publish', 'info');
        } catch (e) { fail(e); }
      };
    }
    document.getElementById('publish').onclick = async () => {
      try {
        const v = await api('PUT', '/api/config/' + encodeURIComponent(context), { properties: pending, comment: document.getElementById('config-comment').value, expectedVersion: current && current.version ? current.version : 0 });
        show('Published ' + context + ' as version ' + v.version, 'info'); formsDone(); run(configView, context);
      } catch (e) { fail(e); }
    };
    grayActions(context, gray);
    view.querySelectorAll('[data-diff]').forEach(b => {
      b.onclick = async () => {
        try {
          const d = await api('GET', '/api/config/' + encodeURIComponent(context) + '/diff?from=' + b.dataset.diff);
          const el = document.getElementById('history-diff');
          const from = {}, to = {};
          Object.entries(d.removed).forEach(([k, v]) => { from[k] = v; });
          Object.entries(d.added).forEach(([k, v]) => { to[k] = v; });
          Object.entries(d.changed).forEach(([k, c]) => { from[k] = c.from; to[k] = c.to; });
          el.innerHTML = '<strong>v' + b.dataset.diff + ' → current</strong>' + diffHtml(from, to); el.hidden = false;
        } catch (e) { fail(e); }
      };
    });
    view.querySelectorAll('[data-rollback]').forEach(b => {
      b.onclick = async () => {
        if (!confirm('Publish version ' + b.dataset.rollback + ' of ' + context + ' again?')) { return; }
        try {
          const v = await api('POST', '/api/config/' + encodeURIComponent(context) + '/rollback', { version: Number(b.dataset.rollback) });
          show('Rolled back: version ' + v.version, 'info'); formsDone(); run(configView, context);
        } catch (e) { fail(e); }
      };
    });
  }

  // ------------------------------------------------------------------ routing
  function route(quiet) {
    clearTimeout(refreshTimer);
    if (!quiet) { show(''); }
    const hash = location.hash || '#/cluster';
    const name = hash.split('/')[1] || 'cluster';
    document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.view === name));
    if (name === 'znodes') {
      const raw = hash.substring('#/znodes'.length) || '/';
      run(znodeView, raw.split('/').map(decodeURIComponent).join('/') || '/');
    } else if (name === 'services') {
      run(servicesView);
    } else if (name === 'config') {
      const ctx = hash.split('/')[2];
      run(configView, ctx ? decodeURIComponent(ctx) : null);
    } else {
      run(clusterView);
    }
  }
  // ------------------------------------------------------------------ live updates (server-sent events)
  function onZnodeEvent(ev) {
    const e = JSON.parse(ev.data);
    const hash = location.hash || '#/cluster';
    const name = hash.split('/')[1] || 'cluster';
    let relevant = false;
    if (name === 'znodes') {
      const raw = hash.substring('#/znodes'.length) || '/';
      const path = raw.split('/').map(decodeURIComponent).join('/') || '/';
      const parent = e.path.substring(0, e.path.lastIndexOf('/')) || '/';
      relevant = e.path === path || parent === path;
      if (relevant && e.type === 'NodeDeleted' && e.path === path) { show(path + ' was deleted'); return; }
    } else if (name === 'services') {
      relevant = e.path.startsWith('/services') || e.path.startsWith('/coordinator/instances');
    } else if (name === 'config') {
      relevant = e.path.startsWith('/config') || e.path.startsWith('/coordinator/history') || e.path.startsWith('/coordinator/gray') || e.path.startsWith('/services');
    }
    if (relevant) {
      clearTimeout(liveTimer);
      liveTimer = setTimeout(() => {
        liveTimer = null;
        markBusy();
        const a = document.activeElement;
        const typing = a && view.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName);
        if (!typing && !document.querySelector('#editor:not([hidden]), #config-diff:not([hidden])')) { route(true); }
      }, 150);
      markBusy();
    }
  }
  /**
   * A member's connection or role changed (the server pushes it at once): its card shows the new connection now,
   * and the cluster view redraws (a newer render drops one under way, which may hold the state before the change).
   */
  function onMemberEvent(e) {
    const name = (location.hash || '#/cluster').split('/')[1] || 'cluster';
    if (name !== 'cluster') { return; }
    const card = view.querySelector('[data-member="' + Number(e.id) + '"]');
    const connection = e.connection === 'connected' || e.connection === 'disconnected' ? e.connection : null;
    if (card && connection && card.dataset.connection !== 'self') {
      card.dataset.connection = connection;
      card.querySelector('.dot').className = 'dot ' + connection;
      const badge = card.querySelector('.conn');
      badge.className = 'badge ' + connection + ' conn'; badge.textContent = connection;
    }
    clearTimeout(refreshTimer);
    run(clusterView);
  }
  // The event stream is read with fetch, not EventSource, because it needs the Authorization header.
  let liveStream = null;
  function dispatchEvent(block) {
    let type = 'message'; const data = [];
    block.split(/\r?\n/).forEach(line => {
      if (line.startsWith('event:')) { type = line.substring(6).trim(); }
      else if (line.startsWith('data:')) { data.push(line.substring(5).replace(/^ /, '')); }
    });
    if (type === 'ready') { document.body.dataset.live = 'on'; }
    else if (type === 'znode') { onZnodeEvent({ data: data.join('\n') }); }
    else if (type === 'member') { onMemberEvent(JSON.parse(data.join('\n'))); }
  }
  async function live() {
    if (liveStream) { liveStream.abort(); }
    const stream = new AbortController();
    liveStream = stream;
    document.body.dataset.live = 'off';
    while (!stream.signal.aborted) {
      try {
        const headers = { 'Accept': 'text/event-stream', 'X-Requested-With': 'XMLHttpRequest' };
        if (creds()) { headers['Authorization'] = 'Basic ' + creds(); }
        const r = await fetch('/api/events', { headers: headers, signal: stream.signal });
        if (r.status === 401 || r.status === 403) { return; } // until someone signs in
        if (!r.ok || !r.body) { throw new Error('HTTP ' + r.status); }
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) { break; }
          buffer += decoder.decode(chunk.value, { stream: true });
          let end;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.substring(0, end);
            buffer = buffer.substring(end).replace(/^\r?\n\r?\n/, '');
            dispatchEvent(block);
          }
        }
      } catch (e) {
        if (stream.signal.aborted) { return; }
      }
      document.body.dataset.live = 'off';
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
  }

  window.addEventListener('hashchange', () => route());
  renderLogin();
  route();
  live();
})();
