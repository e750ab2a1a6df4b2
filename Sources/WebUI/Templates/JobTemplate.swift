extension PageTemplates {
    /// `/jobs/{id}`: one job's details, timeline and plan.
    static let job = #"""
{{<layout}}
{{$content}}
<p><a href="/jobs">← {{t.all_jobs}}</a></p>
<div id="job-errors"></div>
<h2 id="job-heading">{{t.loading}}</h2>
<p id="job-live" class="muted"></p>
<dl id="job-details" class="job-details"></dl>
<section aria-labelledby="timeline-title">
<h2 id="timeline-title">{{t.job_timeline}}</h2>
<ol id="job-timeline" class="timeline"></ol>
</section>
<details>
<summary>{{t.job_plan}}</summary>
<ol id="job-plan" class="plan-steps"></ol>
</details>
{{/content}}
{{/layout}}
"""#
}
