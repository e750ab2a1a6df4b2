extension PageTemplates {
    /// `/jobs`: the filter form and the jobs table.
    static let jobs = #"""
{{<layout}}
{{$content}}
<form id="job-filters" class="filters" method="get" action="/jobs" role="search" aria-label="{{t.filters_label}}">
<div class="field">
<label for="j-state">{{t.col_state}}</label>
<select id="j-state" name="state">
<option value="">{{t.all_states}}</option>
{{#jobStates}}
<option value="{{value}}">{{label}}</option>
{{/jobStates}}
</select>
</div>
<div class="field">
<label for="j-engine">{{t.col_engine}}</label>
<select id="j-engine" name="engine"><option value="">{{t.all_engines}}</option></select>
</div>
<div class="field">
<label for="j-document">{{t.col_document}}</label>
<input id="j-document" name="document_num" type="text" autocomplete="off" size="12">
</div>
<div class="field">
<label for="j-limit">{{t.jobs_limit}}</label>
<select id="j-limit" name="limit">
<option value="20">20</option>
<option value="50">50</option>
<option value="100">100</option>
<option value="500">500</option>
</select>
</div>
<div class="actions">
<button type="submit">{{t.search}}</button>
<a class="button secondary" href="/jobs">{{t.clear_filters}}</a>
</div>
</form>
<div id="jobs-errors"></div>
<p id="jobs-summary" role="status"></p>
<div class="table-wrap">
<table id="jobs-table" class="data">
<caption class="visually-hidden">{{t.jobs_caption}}</caption>
{{> jobs_head}}
<tbody><tr><td colspan="7" class="empty">{{t.loading}}</td></tr></tbody>
</table>
</div>
{{/content}}
{{/layout}}
"""#
}
