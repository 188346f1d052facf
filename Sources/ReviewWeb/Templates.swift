import Mustache

/// The HTML templates (Mustache; `{{x}}` escapes HTML, so data from the store cannot inject markup).
///
/// Values that are absent are left out of the data, so a section such as `{{#reviewer}}` shows nothing rather
/// than a placeholder.
enum Templates {
    /// The library with every page; a template that fails to parse is a programmer error caught by any test.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("head", head), ("done", done), ("login", login), ("queue", queue), ("case", casePage),
                             ("cameras", cameras), ("report", report)] {
            // `try!`: the templates are constants in this file; the web tests render each one.
            try! library.register(text, named: name)
        }
        return library
    }()

    static let head = """
        <!doctype html><html lang="{{lang}}"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1"><title>{{t.title}}</title>
        <link rel="stylesheet" href="/static/desk.css">{{#prefetch}}<link rel="prefetch" href="/evidence/{{.}}">{{/prefetch}}
        <script src="/static/desk.js" defer></script></head><body>
        <header><strong class="brand">{{t.title}}</strong><nav>{{#user}}<a href="/">{{t.queue}}</a><a href="/cameras">{{t.cameras}}</a>
        <a href="/report">{{t.report}}</a>{{/user}}</nav><span class="zone">{{utcOffset}}</span>
        <a href="?lang=zh">{{t.chinese}}</a><a href="?lang=en">{{t.english}}</a>
        {{#user}}<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="logout">{{t.logout}} {{user}}</button></form>{{/user}}</header>
        <p id="busy" class="flash" hidden>{{t.busy}}</p><main>
        """

    /// The verdict just given, with its undo button.
    static let done = """
        {{#done}}<div class="flash" id="done">{{t.done}}: <a href="/cases/{{number}}?{{ctx}}">{{number}}</a>
        <span class="badge {{status}}">{{statusLabel}}</span>{{#reason}} {{.}}{{/reason}}
        <form method="post" action="/cases/{{number}}/undo?{{ctx}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="undo">{{t.undo}} (U)</button></form></div>{{/done}}
        """

    static let login = """
        {{> head}}<h1>{{t.login}}</h1>{{#error}}<p class="flash" id="error">{{t.badLogin}}</p>{{/error}}
        {{#locked}}<p class="flash" id="locked">{{t.locked}} {{locked}} {{t.minutes}}</p>{{/locked}}
        <form method="post" action="/login" class="login"><input type="hidden" name="csrf" value="{{csrf}}">
        <p><label>{{t.username}} <input name="username" id="username" autofocus></label></p>
        <p><label>{{t.password}} <input name="password" id="password" type="password"></label></p>
        <p><button id="submit" class="primary">{{t.login}}</button></p></form></main></body></html>
        """

    static let queue = """
        {{> head}}<h1>{{t.queue}} <small id="count">{{count}} {{t.cases}}</small></h1>{{> done}}
        <p id="live" role="status" hidden><a href="">{{t.liveNew}}</a> <span id="live-cases"></span></p>
        <form method="get" action="/" class="filters">
        <label>{{t.camera}} <select name="camera"><option value="">{{t.all}}</option>{{#cameras}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/cameras}}</select></label>
        <label>{{t.rule}} <select name="rule"><option value="">{{t.all}}</option>{{#rules}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/rules}}</select></label>
        <label>{{t.category}} <select name="category"><option value="">{{t.all}}</option>{{#categories}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/categories}}</select></label>
        <label>{{t.status}} <select name="status"><option value="all"{{#allStatuses}} selected{{/allStatuses}}>{{t.all}}</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
        <label>{{t.order}} <select name="order"><option value="newest">{{t.newest}}</option><option value="oldest"{{#oldestFirst}} selected{{/oldestFirst}}>{{t.oldest}}</option></select></label>
        <button>{{t.filter}}</button></form>
        <table id="queue"><thead><tr><th>{{t.picture}}</th><th>{{t.caseNumber}}</th><th>{{t.camera}}</th><th>{{t.rule}}</th><th>{{t.category}}</th><th>{{t.dwell}}</th><th>{{t.age}}</th><th>{{t.status}}</th></tr></thead><tbody>
        {{#rows}}<tr><td class="thumb">{{#picture}}<span class="pic"><img loading="lazy" alt="{{t.after}}" src="/evidence/{{.}}"><i class="box" style="{{box}}"></i></span>{{/picture}}{{^picture}}<span class="pic none">{{t.noPicture}}</span>{{/picture}}</td>
        <td><a class="case" href="/cases/{{number}}?{{ctx}}">{{number}}</a><br><small>{{firstSeen}}</small></td><td>{{cameraName}}<br><small>{{camera}}</small></td>
        <td>{{rule}}</td><td>{{category}}</td><td>{{dwell}}</td><td>{{age}}</td><td><span class="badge {{status}}">{{statusLabel}}</span></td></tr>
        {{/rows}}</tbody></table>{{^rows}}<p id="empty">{{t.empty}}</p>{{/rows}}
        <p class="pager">{{#previousPage}}<a id="previous-page" href="/?{{.}}">← {{t.prevPage}} (P)</a>{{/previousPage}}
        {{#nextPage}}<a id="next-page" href="/?{{.}}">{{t.nextPage}} (N) →</a>{{/nextPage}}</p>
        <p class="keys">{{t.queueKeys}}</p></main></body></html>
        """

    static let casePage = """
        {{> head}}{{> done}}
        <div class="casehead"><h1 id="number">{{number}}</h1> <span id="status" class="badge {{status}}">{{statusLabel}}</span>
        {{#reasonLabel}}<span id="reason">{{.}}</span>{{/reasonLabel}}{{#reviewer}} <span id="decision">{{t.reviewer}} {{.}} · {{decidedAt}}</span>{{/reviewer}}
        <nav class="casenav"><a id="back" href="/?{{ctx}}">{{t.queue}} (Q)</a>{{#previous}}<a id="previous" href="/cases/{{.}}?{{ctx}}">← {{t.previous}} (K)</a>{{/previous}}{{#next}}<a id="next" href="/cases/{{.}}?{{ctx}}">{{t.next}} (J) →</a>{{/next}}</nav></div>
        <p class="description">{{description}}</p>
        {{#isDraft}}<div class="actions">
        <form method="post" action="/cases/{{number}}/confirm?{{ctx}}" id="confirm-form"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="confirm" class="primary">{{t.confirm}} (C)</button></form>
        <form method="post" action="/cases/{{number}}/reject?{{ctx}}" id="reject-form"><input type="hidden" name="csrf" value="{{csrf}}">
        {{#reasons}}<label class="reason"><input type="radio" name="reason" value="{{id}}" id="reason-{{key}}"> <kbd>{{key}}</kbd> {{label}}</label> {{/reasons}}
        <label>{{t.note}} <input name="note" id="note"></label> <button id="reject">{{t.reject}}</button></form></div>{{/isDraft}}
        {{^isDraft}}<form method="post" action="/cases/{{number}}/undo?{{ctx}}" id="undo-form" class="actions"><input type="hidden" name="csrf" value="{{csrf}}">
        <button id="undo-this">{{t.undo}} (U)</button></form>{{/isDraft}}
        <div class="pictures">{{#before}}<figure><span class="pic"><img alt="{{t.before}}" src="/evidence/{{.}}"></span><figcaption>{{t.before}}</figcaption></figure>{{/before}}
        {{#after}}<figure><span class="pic"><img alt="{{t.after}}" src="/evidence/{{.}}"><i class="box" style="{{box}}"></i></span><figcaption>{{t.after}} · {{firstSeen}}</figcaption></figure>{{/after}}</div>
        {{#clip}}<p><video id="clip" controls preload="none" src="/evidence/{{.}}"></video></p>{{/clip}}
        <p class="keys">{{t.caseKeys}}</p>
        <h2>{{t.facts}}</h2><table id="facts">
        <tr><th>{{t.camera}}</th><td>{{cameraName}} ({{camera}})</td></tr><tr><th>{{t.rule}}</th><td>{{rule}}</td></tr>
        <tr><th>{{t.category}}</th><td>{{category}}</td></tr><tr><th>{{t.zone}}</th><td>{{zone}}</td></tr>
        <tr><th>{{t.firstSeen}}</th><td>{{firstSeen}}</td></tr><tr><th>{{t.lastSeen}}</th><td>{{lastSeen}}</td></tr>
        <tr><th>{{t.dwell}}</th><td>{{dwell}}</td></tr>
        <tr><th>{{t.area}}</th><td>{{area}}</td></tr><tr><th>{{t.score}}</th><td>{{score}}</td></tr>
        {{#values}}<tr><th>{{key}}</th><td>{{value}}</td></tr>{{/values}}
        <tr><th>{{t.location}}</th><td>{{address}}</td></tr><tr><th>{{t.coordinates}}</th><td>{{coordinates}}</td></tr>
        <tr><th>{{t.grid}}</th><td>{{grid}}</td></tr></table>
        {{#hasHistory}}<h2>{{t.history}}</h2>{{/hasHistory}}<ul id="history">{{#history}}<li>{{at}} {{actor}} {{action}}: {{before}} → {{after}}{{#reason}} · {{.}}{{/reason}}</li>{{/history}}</ul>
        </main></body></html>
        """

    static let cameras = """
        {{> head}}<h1>{{t.cameras}}</h1><p class="muted">{{t.asOf}} {{now}}</p>
        {{#groups}}<section class="group"><h2>{{groupName}} <small>{{group}}</small></h2><div class="cams">
        {{#cameras}}<article class="cam" id="cam-{{id}}"><div class="pic">{{#picture}}<img alt="{{name}}" src="{{.}}">{{/picture}}{{^picture}}<span class="none">{{t.noPicture}}</span>{{/picture}}</div>
        <h3><span class="dot {{#online}}on{{/online}}{{^online}}off{{/online}}"></span> {{name}} <small>{{id}}</small></h3>
        <dl><dt>{{t.state}}</dt><dd class="state">{{state}}{{#lastSample}} · {{.}}{{/lastSample}}</dd>
        <dt>{{t.lastPicture}}</dt><dd>{{#pictureAt}}{{.}}{{/pictureAt}}{{^pictureAt}}{{t.noPicture}}{{/pictureAt}}</dd>
        <dt>{{t.fps}}</dt><dd class="fps">{{#fps}}{{.}}{{/fps}}{{^fps}}{{t.noData}}{{/fps}}</dd>
        <dt>{{t.uptimeToday}}</dt><dd class="uptime-today">{{uptimeToday}}</dd><dt>{{t.uptimeMonth}}</dt><dd class="uptime-month">{{uptimeMonth}}</dd>
        <dt>{{t.draftsToday}}</dt><dd class="drafts-today">{{draftsToday}}</dd></dl></article>{{/cameras}}</div></section>{{/groups}}
        {{^hasCameras}}<p id="empty">{{t.noCameras}}</p>{{/hasCameras}}</main></body></html>
        """

    static let report = """
        {{> head}}<h1>{{year}} {{t.yearTitle}}</h1>
        <table id="summary"><tr><th>{{t.indicator}}</th><th>{{t.value}}</th></tr>{{#headline}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/headline}}</table>
        {{#tables}}<h2>{{title}}</h2><table class="numbers"><tr><th></th><th>{{t.flagged}}</th><th>{{t.confirmed}}</th><th>{{t.rejected}}</th>
        <th>{{t.pending}}</th><th>{{t.precision}}</th><th>{{t.interval}}</th></tr>
        {{#rows}}<tr><td>{{key}}</td><td>{{flagged}}</td><td>{{confirmed}}</td><td>{{rejected}}</td><td>{{pending}}</td><td>{{precision}}</td><td>{{interval}}</td></tr>{{/rows}}</table>{{/tables}}
        <h2>{{t.coverage}}</h2><table class="numbers" id="coverage"><tr><th>{{t.camera}}</th><th>{{t.onlineHours}}</th><th>{{t.scheduledHours}}</th><th>{{t.onlineRate}}</th></tr>
        {{#coverage}}<tr><td>{{camera}}</td><td>{{online}}</td><td>{{scheduled}}</td><td>{{rate}}</td></tr>{{/coverage}}</table>
        </main></body></html>
        """
}
