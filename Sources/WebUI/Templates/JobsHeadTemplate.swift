extension PageTemplates {
    /// The header row of the jobs tables (a partial).
    static let jobsHead = #"""
<thead>
<tr>
<th scope="col">{{t.col_created}}</th>
<th scope="col">{{t.col_target}}</th>
<th scope="col">{{t.col_action}}</th>
<th scope="col">{{t.col_engine}}</th>
<th scope="col">{{t.col_document}}</th>
<th scope="col">{{t.col_state}}</th>
<th scope="col" class="num">{{t.col_duration}}</th>
</tr>
</thead>
"""#
}
