extension PageTemplates {
    /// `/create`: the file and text inputs, the endpoint choice and the check and create buttons.
    static let create = #"""
{{<layout}}
{{$content}}
<p>{{t.create_intro}}</p>
<div class="create-grid">
<form id="create-form" aria-describedby="create-help">
<fieldset>
<legend>{{t.create_source}}</legend>
<div class="field">
<label for="create-file">{{t.create_file}}</label>
<input id="create-file" name="jsonfile" type="file" accept=".json,application/json">
</div>
<div class="field">
<label for="create-text">{{t.create_paste}}</label>
<textarea id="create-text" rows="22" spellcheck="false" autocomplete="off" aria-describedby="create-detected"></textarea>
<small id="create-detected" aria-live="polite"></small>
</div>
</fieldset>
<div class="field">
<label for="create-endpoint">{{t.create_endpoint}}</label>
<select id="create-endpoint">
<option value="auto">{{t.create_endpoint_auto}}</option>
</select>
</div>
<p id="create-help" class="muted">{{t.create_help}}</p>
<div class="actions">
<button type="submit" id="create-check">{{t.create_check}}</button>
<button type="button" id="create-submit" disabled>{{t.create_submit}}</button>
</div>
</form>
<div id="create-result" aria-live="polite"></div>
</div>
{{/content}}
{{/layout}}
"""#
}
