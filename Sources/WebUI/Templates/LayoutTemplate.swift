extension PageTemplates {
    /// The frame of every page: head, navigation, language switch, sign-in form, `<main>`.
    static let layout = #"""
<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · vmaggregator</title>
<link rel="stylesheet" href="{{styleURL}}">
<script src="{{scriptURL}}" defer></script>
</head>
<body data-page="{{page}}" data-lang="{{lang}}" data-strings="{{stringsJSON}}">
<a class="skip-link" href="#main">{{t.skip_to_content}}</a>
<header class="topbar">
<a class="brand" href="/">vmaggregator</a>
<nav aria-label="{{t.nav_label}}">
<ul>
{{#nav}}
<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>
{{/nav}}
</ul>
</nav>
<div class="topbar-tools">
<div class="lang-switch" role="group" aria-label="{{t.language_switch}}">
{{#languages}}
<a href="?lang={{code}}" hreflang="{{code}}" lang="{{code}}" data-lang-switch="{{code}}"{{#current}} aria-current="true"{{/current}}>{{name}}</a>
{{/languages}}
</div>
<button type="button" id="auth-forget" hidden>{{t.auth_forget}}</button>
</div>
</header>
<div id="estate-alert" class="banner banner-danger" role="alert" hidden></div>
<section id="auth" class="auth" hidden aria-labelledby="auth-title">
<h2 id="auth-title">{{t.auth_title}}</h2>
<p>{{t.auth_help}}</p>
<form id="auth-form">
<div class="field field-wide">
<label for="auth-token">{{t.auth_token}}</label>
<input id="auth-token" type="password" autocomplete="off" spellcheck="false" required>
</div>
<button type="submit">{{t.auth_submit}}</button>
</form>
<p id="auth-error" class="error" role="alert" hidden></p>
</section>
<main id="main" tabindex="-1">
<h1 id="page-heading">{{heading}}</h1>
<noscript><p class="banner banner-warning">{{t.noscript}}</p></noscript>
{{$content}}{{/content}}
</main>
<p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
<footer>{{t.footer_api}} <a href="/api/v1/backends">/api/v1</a></footer>
</body>
</html>
"""#
}
