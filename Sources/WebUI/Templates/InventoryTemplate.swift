extension PageTemplates {
    /// `/vms`, `/hosts`, `/clusters`: the filter form, the table and the pager.
    static let inventory = #"""
{{<layout}}
{{$content}}
{{#inventory}}
<form id="filters" class="filters" method="get" action="{{path}}" role="search" aria-label="{{t.filters_label}}">
<div class="field field-wide">
<label for="f-q">{{searchLabel}}</label>
<input id="f-q" name="q" type="search" autocomplete="off" spellcheck="false" aria-describedby="f-q-help">
<small id="f-q-help">{{searchHelp}}</small>
</div>
<div class="field">
<label for="f-engine">{{t.col_engine}}</label>
<select id="f-engine" name="engine"><option value="">{{t.all_engines}}</option></select>
</div>
{{#hasCluster}}
<div class="field">
<label for="f-cluster">{{t.col_cluster}}</label>
<input id="f-cluster" name="cluster" type="text" autocomplete="off" spellcheck="false" size="14">
</div>
{{/hasCluster}}
{{#hasHost}}
<div class="field">
<label for="f-host">{{t.col_host}}</label>
<input id="f-host" name="host" type="text" autocomplete="off" spellcheck="false" size="16">
</div>
{{/hasHost}}
{{#hasStatus}}
<div class="field">
<label for="f-status">{{t.col_status}}</label>
<select id="f-status" name="status">
<option value="">{{t.all_statuses}}</option>
{{#statuses}}
<option value="{{value}}">{{label}}</option>
{{/statuses}}
</select>
</div>
{{/hasStatus}}
<div class="field">
<label for="f-limit">{{t.page_size}}</label>
<select id="f-limit" name="limit">
<option value="25">25</option>
<option value="50">50</option>
<option value="100">100</option>
<option value="200">200</option>
</select>
</div>
<div class="actions">
<button type="submit">{{t.search}}</button>
<a class="button secondary" href="{{path}}">{{t.clear_filters}}</a>
</div>
</form>
<p id="exact-filter" hidden><span class="chip">{{t.exact_name}} <strong id="exact-filter-value"></strong> <button type="button" id="exact-filter-clear" class="secondary" aria-label="{{t.exact_name_clear}}">✕</button></span></p>
<div id="engine-warnings"></div>
<p id="result-summary" role="status" aria-live="polite"></p>
<div class="table-wrap">
<table id="inventory-table" class="data" data-kind="{{kind}}" tabindex="-1">
<caption>{{caption}} <span class="muted">{{t.sort_note}}</span></caption>
<thead>
<tr></tr>
</thead>
<tbody></tbody>
</table>
</div>
<nav class="pager" aria-label="{{t.pager_label}}">
<button type="button" id="page-first" class="secondary" hidden>{{t.page_first}}</button>
<button type="button" id="page-prev" class="secondary" disabled>{{t.page_prev}}</button>
<button type="button" id="page-next" class="secondary" disabled>{{t.page_next}}</button>
</nav>
{{/inventory}}
{{/content}}
{{/layout}}
"""#
}
