extension WebAssets {
    /// The one style sheet of every page.
    static let styleSheet = #"""
/* vmaggregator pages: system fonts, high contrast, visible focus, no external resources. */
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #14171a; --muted: #4a5360; --line: #c9cfd6;
  --accent: #0b57d0; --accent-text: #ffffff; --focus: #ffb000;
  --ok-bg: #e3f4e8; --ok-text: #0d5022; --warn-bg: #fff4d6; --warn-text: #6b4500;
  --bad-bg: #fde7e7; --bad-text: #8c1010; --busy-bg: #e4edfc; --busy-text: #123f8a;
  --neutral-bg: #eceff2; --neutral-text: #333a42;
  color-scheme: light;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font-size: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: var(--panel); padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { top: 0.5rem; }

.topbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding: 0.6rem 1.25rem; background: #17212e; color: #fff; }
.topbar a { color: #fff; }
.brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; letter-spacing: 0.02em; }
.topbar nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0; }
.topbar nav a { display: block; padding: 0.35rem 0.7rem; border-radius: 4px; text-decoration: none; }
.topbar nav a:hover { background: #2b3a4e; }
.topbar nav a[aria-current="page"] { background: #ffffff; color: #17212e; font-weight: 600; }
.topbar-tools { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; }
.lang-switch a { padding: 0.2rem 0.45rem; border-radius: 4px; }
.lang-switch a[aria-current="true"] { background: #ffffff; color: #17212e; font-weight: 600; text-decoration: none; }
.topbar button { background: transparent; color: #fff; border: 1px solid #8a9bb0; }

main { max-width: 1400px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.6rem; }
h3 { font-size: 1.05rem; margin: 0.8rem 0 0.4rem; }
.muted, small { color: var(--muted); }
footer { max-width: 1400px; margin: 0 auto; padding: 1rem 1.25rem; color: var(--muted); border-top: 1px solid var(--line); }

.banner { padding: 0.6rem 0.9rem; border-radius: 6px; border: 1px solid; margin: 0.6rem 0; }
.banner ul { margin: 0.3rem 0 0; padding-left: 1.2rem; }
.banner-danger { background: var(--bad-bg); color: var(--bad-text); border-color: #e2a3a3; }
.banner-warning { background: var(--warn-bg); color: var(--warn-text); border-color: #e6c77a; }
.banner-info { background: var(--busy-bg); color: var(--busy-text); border-color: #a9c1ec; }
.banner a { color: inherit; font-weight: 600; }
#estate-alert { max-width: 1400px; margin: 0.75rem auto 0; border-width: 2px; }
.fix { margin-top: 0.25rem; }

.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.88em; font-weight: 600; white-space: nowrap; }
.badge-ok { background: var(--ok-bg); color: var(--ok-text); }
.badge-warn { background: var(--warn-bg); color: var(--warn-text); }
.badge-bad { background: var(--bad-bg); color: var(--bad-text); }
.badge-busy { background: var(--busy-bg); color: var(--busy-text); }
.badge-neutral { background: var(--neutral-bg); color: var(--neutral-text); }

.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 0.75rem; margin: 0 0 1rem; }
.summary-item { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.7rem 0.9rem; }
.summary-item dt { color: var(--muted); font-size: 0.9em; }
.summary-item dd { margin: 0.15rem 0 0; }
.summary-value { font-size: 1.5rem; font-weight: 700; margin-right: 0.5rem; }
.summary-note { color: var(--muted); }

.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table.data { width: 100%; border-collapse: collapse; }
table.data caption { text-align: left; padding: 0.5rem 0.75rem; color: var(--muted); }
table.data th, table.data td { padding: 0.45rem 0.75rem; border-bottom: 1px solid #e3e7eb; text-align: left; vertical-align: top; }
table.data thead th { background: #eef1f4; font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
table.data tbody th { font-weight: 600; }
table.data tbody tr:hover { background: #f3f6fa; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td.empty { color: var(--muted); text-align: center; padding: 1.5rem; }
table.data[aria-busy="true"] tbody { opacity: 0.55; }
th button.sort { all: unset; cursor: pointer; }
th button.sort:focus-visible { outline: 3px solid var(--focus); }
th[aria-sort="ascending"] button.sort::after { content: " ▲"; }
th[aria-sort="descending"] button.sort::after { content: " ▼"; }
tr.engine-row th, tr.engine-row td:nth-child(2), tr.engine-row td:nth-child(4) { white-space: nowrap; }
tr.engine-down { background: var(--bad-bg); }
tr.engine-down th { border-left: 6px solid var(--bad-text); }
tr.engine-stale { background: var(--warn-bg); }
tr.engine-stale th { border-left: 6px solid var(--warn-text); }
td.problem { max-width: 28rem; }

form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem; margin-bottom: 0.75rem; }
.field { display: flex; flex-direction: column; gap: 0.2rem; }
.field-wide { flex: 1 1 18rem; }
label { font-weight: 600; font-size: 0.92em; }
input, select, textarea, button { font: inherit; color: inherit; }
input, select, textarea { border: 1px solid #8b95a1; border-radius: 5px; padding: 0.35rem 0.5rem; background: #fff; }
textarea { width: 100%; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; line-height: 1.4; }
button, .button { border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); border-radius: 5px; padding: 0.4rem 0.9rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button:disabled { background: #d5dae0; border-color: #b6bdc6; color: #49515b; cursor: not-allowed; }
button.link { all: unset; color: var(--accent); text-decoration: underline; cursor: pointer; font-weight: 600; }
button.link:focus-visible { outline: 3px solid var(--focus); }
.chip { display: inline-flex; gap: 0.4rem; align-items: center; background: var(--busy-bg); color: var(--busy-text); border-radius: 999px; padding: 0.15rem 0.3rem 0.15rem 0.7rem; }
.chip button { padding: 0.05rem 0.5rem; border-radius: 999px; }

.pager { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; margin: 0.75rem 0; }
#result-summary { margin: 0.5rem 0; font-weight: 600; }

.auth { max-width: 36rem; margin: 1rem auto; background: var(--panel); border: 2px solid var(--accent); border-radius: 8px; padding: 1rem 1.25rem; }
.auth form { display: flex; gap: 0.5rem; align-items: flex-end; flex-wrap: wrap; }
.error { color: var(--bad-text); font-weight: 600; }

.create-grid { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 1100px) { .create-grid { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
fieldset { border: 1px solid var(--line); border-radius: 8px; background: var(--panel); padding: 0.8rem 1rem; margin: 0 0 0.8rem; }
legend { font-weight: 700; padding: 0 0.3rem; }
.actions { display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; margin-top: 0.6rem; }
ol.issues { padding-left: 1.4rem; }
ol.issues li { margin: 0 0 0.9rem; }
pre.excerpt { background: #1e252e; color: #f2f4f7; padding: 0.4rem 0.6rem; border-radius: 5px; overflow-x: auto; margin: 0.35rem 0 0; }
.plan-item { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.3rem 1rem 0.6rem; margin-bottom: 0.75rem; }
ol.plan-steps { padding-left: 1.4rem; }
ol.plan-steps li { margin: 0.25rem 0; }

dl.job-details { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem; }
dl.job-details dt { font-weight: 600; color: var(--muted); }
dl.job-details dd { margin: 0; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 1.2rem; border-left: 3px solid var(--line); }
ol.timeline li.step { position: relative; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.9rem; margin: 0 0 0.8rem; }
ol.timeline li.step::before { content: ""; position: absolute; left: -1.72rem; top: 0.9rem; width: 0.9rem; height: 0.9rem; border-radius: 50%; background: var(--line); border: 2px solid var(--bg); }
ol.timeline li.step-succeeded::before { background: var(--ok-text); }
ol.timeline li.step-failed::before { background: var(--bad-text); }
ol.timeline li.step-running::before { background: var(--busy-text); }
.step-times { color: var(--muted); margin: 0.25rem 0; }
dl.engine-ids { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0.3rem 0; }
dl.engine-ids dt { color: var(--muted); }
dl.engine-ids dd { margin: 0; overflow-wrap: anywhere; }
.fault { background: var(--bad-bg); color: var(--bad-text); border-radius: 6px; padding: 0.3rem 0.7rem; }
.fault pre { white-space: pre-wrap; margin: 0.2rem 0 0.4rem; }

@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
"""#
}
