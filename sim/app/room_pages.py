"""The two pages of `sim workshop`: the facilitator's projector page and the phones' page.

Plain HTML with a little inline JavaScript that asks the server for the session's state
once a second; nothing is loaded from anywhere else (no fonts, no scripts, no images but
the server's own QR code and frames).
"""

from __future__ import annotations

import html
import json
from typing import Any

BASE_STYLE = """
*{box-sizing:border-box} body{font-family:system-ui,sans-serif;margin:0;color:#111}
button{font:inherit;padding:.4em 1em;border-radius:6px;border:1px solid #888;background:#eee}
button.primary{background:#1565c0;color:white;border-color:#1565c0}
button:disabled{opacity:.5}
.problems{color:#b00020;font-weight:bold} .ok{color:#1b5e20;font-weight:bold}
table.board{border-collapse:collapse} .board td,.board th{padding:.3em .7em;
 border-bottom:1px solid #ccc;text-align:left} .board tr:nth-child(2) td{font-weight:bold}
"""

PROJECTOR_STYLE = """
body{font-size:max(16px,2.2vh);height:100vh;display:flex;flex-direction:column}
header{display:flex;gap:1em;align-items:center;padding:.4em 1em;background:#1565c0;color:white}
header h1{font-size:1.2em;margin:0;flex:1}
main{flex:1;display:flex;gap:1.5em;padding:1em;min-height:0}
#join{width:28vw;text-align:center} #join img{width:100%;max-width:40vh}
#join .url{font-size:.8em;word-break:break-all}
#body{flex:1;overflow:auto} #designs li{margin:.2em 0}
#play{display:flex;gap:.5em;margin-bottom:.5em} #play figure{flex:1;margin:0}
#play img{width:100%}
#play figcaption{font-weight:bold}
.note{font-size:.75em;color:#444}
"""

PHONE_STYLE = """
body{font-size:18px;padding:12px;max-width:480px;margin:auto}
h1{font-size:22px} label{display:block;margin-top:14px;font-weight:bold}
input[type=range]{width:100%} input[type=text]{width:100%;font-size:18px;padding:6px}
.value{float:right;font-weight:normal} select{font-size:18px;width:100%}
button{width:100%;margin-top:18px;font-size:20px}
"""

PROJECTOR_SCRIPT = """
const $ = id => document.getElementById(id);
let playing = null;
async function post(path) {
  const r = await fetch(path, {method: 'POST'});
  const j = await r.json();
  $('message').textContent = j.problems ? j.problems.join('; ') : '';
  refresh();
}
async function refresh() {
  const s = await (await fetch('/api/state')).json();
  $('round').textContent = `Round ${s.round}: ${s.status_text}`;
  $('count').textContent = `${s.designs.length} design(s)`;
  const listing = s.status === 'open' || s.status === 'running';
  $('designs').innerHTML = listing ? s.designs.map(d =>
    `<li data-team="${d.team_html}">${d.team_html}: ${d.label_html}</li>`).join('') : '';
  $('board').innerHTML = s.board_html;
  $('close').disabled = s.status !== 'open' || !s.designs.length;
  $('next').disabled = !(s.status === 'done' || s.status === 'failed');
  $('playbtn').disabled = s.status !== 'done';
  document.body.dataset.status = s.status;
  document.body.dataset.round = s.round;
}
async function play() {
  const s = await (await fetch('/api/state')).json();
  const top = s.top.slice(0, 3);
  $('play').innerHTML = top.map((t, i) =>
    `<figure><figcaption>${i + 1}. ${t.team_html}</figcaption><img id="f${i}"></figure>`
  ).join('');
  const token = Symbol(); playing = token;
  for (let w = 0; w <= s.weeks && playing === token; w += s.play_step) {
    await Promise.all(top.map((t, i) => new Promise(ok => {
      const img = $('f' + i); img.onload = ok; img.onerror = ok;
      img.src = `/api/frame/${s.round}/${i + 1}/${w}`;
    })));
    document.body.dataset.played = w;
  }
}
$('close').onclick = () => post('/api/close');
$('next').onclick = () => { playing = null; $('play').innerHTML = ''; post('/api/next'); };
$('playbtn').onclick = play;
refresh(); setInterval(refresh, 1000);
"""

PHONE_SCRIPT = """
const $ = id => document.getElementById(id);
let me = localStorage.getItem('sim-participant');
if (!me) {
  me = Array.from({length: 16}, () => Math.floor(Math.random() * 36).toString(36)).join('');
  localStorage.setItem('sim-participant', me);
}
const knobs = KNOBS;
function show(name) {
  const el = $(name); const k = knobs[name];
  if (el.type === 'range') {
    const v = Number(el.value);
    $('v_' + name).textContent = k.unit === '%' ? Math.round(v * 100) + '%' :
      (v + (k.unit ? ' ' + k.unit : ''));
  }
}
for (const name in knobs) { const el = $(name); if (el) el.oninput = () => show(name); show(name); }
$('send').onclick = async () => {
  const body = {team: $('team').value};
  for (const name in knobs) {
    const el = $(name);
    if (el.type === 'range') body[name] = Number(el.value);
    else if (el.type === 'checkbox') body[name] = el.checked;
    else body[name] = el.value;
  }
  const r = await fetch('/api/submit' + location.search, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Participant': me},
    body: JSON.stringify(body)});
  const j = await r.json();
  const out = $('result');
  if (r.ok) { out.className = 'ok'; out.textContent =
    `Sent: ${j.label} (${j.hours} mentoring hours a year). You can send again to replace it.`; }
  else { out.className = 'problems'; out.textContent = '';
    const list = document.createElement('ul');  // text, not HTML: a refusal may quote input
    for (const p of j.problems) { const li = document.createElement('li');
      li.textContent = p; list.appendChild(li); }
    out.appendChild(list); }
};
"""


def projector_page(title: str, join_url: str, code: str | None) -> str:
    """The facilitator's page for the projector."""
    code_line = f"<p>Join code <b id=code>{html.escape(code)}</b></p>" if code else ""
    return f"""<!doctype html><html lang=en><meta charset=utf-8>
<meta name=viewport content="width=device-width,initial-scale=1">
<title>Workshop: {html.escape(title)}</title><style>{BASE_STYLE}{PROJECTOR_STYLE}</style>
<header><h1 id=round>Round</h1><span id=count></span>
<button id=close class=primary>Close round and run</button>
<button id=playbtn>Play the top 3</button><button id=next>Next round</button></header>
<main><section id=join><p>Propose a design from your phone:</p>
<img src="/qr.svg" alt="QR code of the join address"><p class=url id=joinurl>
{html.escape(join_url)}</p>{code_line}</section>
<section id=body><p id=message class=problems></p><ol id=designs></ol><div id=play></div>
<div id=board></div></section></main>
<script>{PROJECTOR_SCRIPT}</script></html>"""


def _knob_input(name: str, spec: dict[str, Any], value: Any) -> str:
    label = html.escape(spec["label"])
    if "choices" in spec and spec["choices"] == [True, False]:
        checked = " checked" if value else ""
        return f"<label><input type=checkbox id={name}{checked}> {label}</label>"
    if "choices" in spec:
        options = "".join(
            f"<option{' selected' if str(c) == str(value) else ''}>{html.escape(str(c))}</option>"
            for c in spec["choices"]
        )
        return f"<label for={name}>{label}</label><select id={name}>{options}</select>"
    return (
        f'<label for={name}>{label}<span class=value id="v_{name}"></span></label>'
        f"<input type=range id={name} min={spec['min']} max={spec['max']} "
        f"step={spec['step']} value={value}>"
    )


def phone_page(title: str, specs: dict[str, dict], values: dict[str, Any], budget: float) -> str:
    """The participants' page: a team name, the knobs, Send, and what the server said."""
    knobs = "".join(_knob_input(n, s, values[n]) for n, s in specs.items())
    data = json.dumps({n: {"unit": s.get("unit", "")} for n, s in specs.items()})
    return f"""<!doctype html><html lang=en><meta charset=utf-8>
<meta name=viewport content="width=device-width,initial-scale=1">
<title>Propose a design</title><style>{BASE_STYLE}{PHONE_STYLE}</style>
<h1>Propose a mentoring design: {html.escape(title)}</h1>
<p>Budget: {budget:,.0f} mentoring hours a year (mentors' and mentees' together).</p>
<label for=team>Team name</label><input type=text id=team maxlength=40>
{knobs}<button id=send class=primary>Send</button><div id=result></div>
<script>const KNOBS = {data};{PHONE_SCRIPT}</script></html>"""


def code_page() -> str:
    """What a phone sees without the session's join code."""
    return f"""<!doctype html><html lang=en><meta charset=utf-8>
<meta name=viewport content="width=device-width,initial-scale=1"><style>{BASE_STYLE}
{PHONE_STYLE}</style><h1>Join the workshop</h1><form method=get action=/join>
<label for=code>Join code (on the projector)</label><input type=text id=code name=code>
<button class=primary>Join</button></form></html>"""
