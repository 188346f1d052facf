import Mustache

/// The HTML templates (Mustache; `{{x}}` escapes HTML, so data from the store cannot inject markup).
enum Templates {
    /// The library with every page; a template that fails to parse is a programmer error caught by any test.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("head", head), ("login", login), ("queue", queue), ("case", casePage)] {
            // `try!`: the templates are constants in this file; the web tests render each one.
            try! library.register(text, named: name)
        }
        return library
    }()

    static let head = """
        <!doctype html><html lang="{{lang}}"><head><meta charset="utf-8"><title>{{t.title}}</title>
        <style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}
        nav a{margin-right:1em}.draft{color:#a60}.confirmed{color:#161}.rejected{color:#a11}img{max-width:45%;border:1px solid #999}
        .flash{background:#ffd;padding:.4em}</style></head><body>
        <nav>{{#user}}<a href="/">{{t.queue}}</a><a href="/report">{{t.report}}</a>
        <form method="post" action="/logout" style="display:inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="logout">{{t.logout}} {{user}}</button></form>{{/user}}
        <a href="?lang=zh">{{t.chinese}}</a><a href="?lang=en">{{t.english}}</a></nav>
        """

    static let login = """
        {{> head}}<h1>{{t.login}}</h1>{{#error}}<p class="flash" id="error">{{t.badLogin}}</p>{{/error}}
        {{#locked}}<p class="flash" id="locked">{{t.locked}} {{locked}} {{t.minutes}}</p>{{/locked}}
        <form method="post" action="/login"><input type="hidden" name="csrf" value="{{csrf}}">
        <p><label>{{t.username}} <input name="username" id="username" autofocus></label></p>
        <p><label>{{t.password}} <input name="password" id="password" type="password"></label></p>
        <p><button id="submit">{{t.login}}</button></p></form></body></html>
        """

    static let queue = """
        {{> head}}<h1>{{t.queue}}</h1>
        <form method="get" action="/">
        <label>{{t.camera}} <select name="camera"><option value="">{{t.all}}</option>{{#cameras}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/cameras}}</select></label>
        <label>{{t.rule}} <select name="rule"><option value="">{{t.all}}</option>{{#rules}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/rules}}</select></label>
        <label>{{t.category}} <select name="category"><option value="">{{t.all}}</option>{{#categories}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/categories}}</select></label>
        <label>{{t.status}} <select name="status"><option value="all">{{t.all}}</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
        <button>{{t.filter}}</button></form>
        <table id="queue"><tr><th>{{t.caseNumber}}</th><th>{{t.status}}</th><th>{{t.camera}}</th><th>{{t.rule}}</th><th>{{t.category}}</th><th>{{t.firstSeen}}</th><th>{{t.address}}</th></tr>
        {{#cases}}<tr><td><a class="case" href="/cases/{{number}}">{{number}}</a></td><td class="{{status}}">{{statusLabel}}</td><td>{{camera}}</td><td>{{rule}}</td><td>{{category}}</td><td>{{firstSeen}}</td><td>{{address}}</td></tr>
        {{/cases}}</table>{{^cases}}<p>{{t.empty}}</p>{{/cases}}</body></html>
        """

    static let casePage = """
        {{> head}}<h1 id="number">{{number}}</h1>
        <p>{{t.status}}: <strong id="status" class="{{status}}">{{statusLabel}}</strong>{{#reasonLabel}} — {{.}}{{/reasonLabel}}{{#reviewer}} ({{t.reviewer}} {{.}}, {{decidedAt}}){{/reviewer}}</p>
        <p>{{description}}</p>
        <p>{{#before}}<img alt="{{t.before}}" src="/evidence/{{.}}">{{/before}} {{#after}}<img alt="{{t.after}}" src="/evidence/{{.}}">{{/after}}</p>
        {{#clip}}<p><video controls preload="none" width="480" src="/evidence/{{.}}"></video></p>{{/clip}}
        {{#isDraft}}
        <form method="post" action="/cases/{{number}}/confirm" id="confirm-form"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="confirm" accesskey="c">{{t.confirm}} (C)</button></form>
        <form method="post" action="/cases/{{number}}/reject" id="reject-form"><input type="hidden" name="csrf" value="{{csrf}}">
        {{#reasons}}<label><input type="radio" name="reason" value="{{id}}" id="reason-{{key}}"> {{key}} {{label}}</label> {{/reasons}}
        <label>{{t.note}} <input name="note" id="note"></label> <button id="reject">{{t.reject}}</button></form>
        {{/isDraft}}
        {{^isDraft}}<form method="post" action="/cases/{{number}}/undo" id="undo-form"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="undo">{{t.undo}} (U)</button></form>{{/isDraft}}
        {{#next}}<p><a id="next" href="/cases/{{.}}">{{t.next}} (N)</a></p>{{/next}}
        <p><small>{{t.shortcuts}}</small></p>
        <h2>{{t.facts}}</h2><table id="facts">
        <tr><td>{{t.camera}}</td><td>{{cameraName}} ({{camera}})</td></tr><tr><td>{{t.rule}}</td><td>{{rule}}</td></tr>
        <tr><td>{{t.category}}</td><td>{{category}}</td></tr><tr><td>{{t.zone}}</td><td>{{zone}}</td></tr>
        <tr><td>{{t.firstSeen}}</td><td>{{firstSeen}}</td></tr><tr><td>{{t.dwell}}</td><td>{{dwell}} s</td></tr>
        <tr><td>{{t.area}}</td><td>{{area}}</td></tr><tr><td>{{t.score}}</td><td>{{score}}</td></tr>
        {{#values}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/values}}
        <tr><td>{{t.location}}</td><td>{{address}}</td></tr><tr><td>{{t.coordinates}}</td><td>{{coordinates}}</td></tr>
        <tr><td>{{t.grid}}</td><td>{{grid}}</td></tr></table>
        <h2>{{t.history}}</h2><ul id="history">{{#history}}<li>{{at}} {{actor}} {{action}}: {{before}} → {{after}} {{reason}}</li>{{/history}}</ul>
        <script>
        document.addEventListener('keydown', function (e) {
          if (e.target.tagName === 'INPUT' && e.target.type !== 'radio') return;
          var k = e.key.toLowerCase(), click = function (id) { var b = document.getElementById(id); if (b) b.click(); };
          if (k === 'c') click('confirm');
          else if (k === 'u') click('undo');
          else if (k === 'n') click('next');
          else if (k >= '1' && k <= '6') {
            var r = document.getElementById('reason-' + k); if (!r) return; r.checked = true;
            if (k === '6') document.getElementById('note').focus(); else click('reject');
          }
        });
        </script></body></html>
        """
}
