extension PageTemplates {
    /// `/`: the estate summary, the engines table and recent jobs.
    static let overview = #"""
{{<layout}}
{{$content}}
<dl id="estate-summary" class="summary" aria-label="{{t.summary_label}}"></dl>
<div id="overview-errors"></div>
<section aria-labelledby="engines-title">
<h2 id="engines-title">{{t.engines_title}}</h2>
<p id="engines-updated" class="muted" aria-live="off"></p>
<div class="table-wrap">
<table id="engines-table" class="data">
<caption>{{t.engines_caption}}</caption>
<thead>
<tr>
<th scope="col">{{t.col_engine}}</th>
<th scope="col">{{t.col_kind}}</th>
<th scope="col">{{t.col_version}}</th>
<th scope="col">{{t.col_status}}</th>
<th scope="col" class="num">{{t.col_vms}}</th>
<th scope="col" class="num">{{t.col_hosts}}</th>
<th scope="col" class="num">{{t.col_clusters}}</th>
<th scope="col">{{t.col_freshness}}</th>
<th scope="col">{{t.col_problem}}</th>
</tr>
</thead>
<tbody><tr><td colspan="9" class="empty">{{t.loading}}</td></tr></tbody>
</table>
</div>
</section>
<section aria-labelledby="recent-jobs-title">
<h2 id="recent-jobs-title">{{t.recent_jobs_title}}</h2>
<div class="table-wrap">
<table id="recent-jobs" class="data">
<caption class="visually-hidden">{{t.recent_jobs_title}}</caption>
{{> jobs_head}}
<tbody><tr><td colspan="7" class="empty">{{t.loading}}</td></tr></tbody>
</table>
</div>
<p><a href="/jobs">{{t.all_jobs}}</a></p>
</section>
{{/content}}
{{/layout}}
"""#
}
