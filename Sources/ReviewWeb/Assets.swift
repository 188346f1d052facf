import Hummingbird

/// The one stylesheet and the one script of the review pages, served by the binary itself (no CDN, nothing on
/// disk to find). Both are public: the login page needs the stylesheet, and neither holds data.
enum Assets {
    /// Their paths, which need no session.
    static let paths: Set<String> = ["/static/desk.css", "/static/desk.js"]

    static func add(to router: Router<ReviewContext>) {
        for (path, type, body) in [("static/desk.css", "text/css; charset=utf-8", css),
                                   ("static/desk.js", "text/javascript; charset=utf-8", script)] {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                         body: .init(byteBuffer: ByteBuffer(string: body)))
            }
        }
    }

    /// Readable at 1366×768 on a desk and on a tablet: system fonts with the CJK face Debian's fonts-noto-cjk gives.
    static let css = """
        :root{--ink:#1d2733;--muted:#5b6775;--line:#d5dbe2;--bg:#f4f6f8;--accent:#1f5fa8;--draft:#a65b00;--ok:#17703a;--no:#a61b1b}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,"Noto Sans CJK SC","Noto Sans SC","Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;padding:.5em 1em;background:#17324d;color:#fff}
        header a,header button{color:#fff}header nav{display:flex;gap:1em;flex:1}header nav a{font-weight:600;text-decoration:none}
        .zone{opacity:.8;font-size:.9em}main{padding:.8em 1.2em;max-width:1400px;margin:0 auto}
        h1{font-size:1.4em;margin:.2em 0 .5em}h1 small{font-weight:400;color:var(--muted);font-size:.7em}h2{font-size:1.15em;margin:1.2em 0 .4em}
        a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,video:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
        button{font:inherit;padding:.35em .9em;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
        button.primary{background:var(--ok);border-color:var(--ok);color:#fff;font-weight:600}
        header button{background:transparent;border-color:#ffffff66}
        .inline{display:inline}.muted,small{color:var(--muted)}
        .flash{background:#fff6d6;border:1px solid #e6cf7a;padding:.4em .8em;border-radius:4px;margin:.4em 0}
        .filters{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:end;margin-bottom:.6em}
        select,input{font:inherit;padding:.25em}
        table{border-collapse:collapse;background:#fff;width:100%}th,td{border-bottom:1px solid var(--line);padding:.35em .6em;text-align:left;vertical-align:middle}
        th{font-weight:600;color:var(--muted);font-size:.9em}
        #queue tr:focus-within{background:#e3eefb}#queue a.case{font-weight:600}
        .pic{position:relative;display:block;aspect-ratio:16/9;background:#222;overflow:hidden}
        .pic img{display:block;width:100%;height:100%;object-fit:fill}
        .pic .box{position:absolute;border:2px solid #ff3b30;box-shadow:0 0 0 1px #000}
        .pic.none,.pic .none{display:flex;align-items:center;justify-content:center;color:#ccc;font-size:.85em;height:100%}
        .thumb{width:176px}.thumb .pic{width:160px}
        .badge{display:inline-block;padding:.1em .6em;border-radius:1em;font-size:.9em;font-weight:600;color:#fff;background:var(--muted)}
        .badge.draft{background:var(--draft)}.badge.confirmed{background:var(--ok)}.badge.rejected{background:var(--no)}
        .casehead{display:flex;flex-wrap:wrap;gap:.3em 1em;align-items:center}.casehead h1{margin:0}
        #status{font-size:1.1em}.casenav{margin-left:auto;display:flex;gap:1em}
        .actions{display:flex;flex-wrap:wrap;gap:.6em;align-items:center;background:#fff;border:1px solid var(--line);padding:.5em;border-radius:4px;margin:.5em 0}
        .reason{white-space:nowrap;margin-right:.4em}kbd{border:1px solid var(--line);border-radius:3px;padding:0 .3em;background:var(--bg)}
        .pictures{display:grid;grid-template-columns:1fr 1fr;gap:.8em}figure{margin:0}figcaption{color:var(--muted);font-size:.9em}
        .pictures img{width:100%;display:block}video{max-width:100%;width:640px;background:#000}
        .keys{color:var(--muted);font-size:.9em}.pager{display:flex;gap:2em}
        #facts{max-width:900px}#facts th{width:12em}
        .cams{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.8em}
        .cam{background:#fff;border:1px solid var(--line);border-radius:4px;padding:.5em}.cam h3{font-size:1em;margin:.4em 0}
        .cam dl{display:grid;grid-template-columns:auto 1fr;gap:.1em .8em;margin:0;font-size:.92em}.cam dt{color:var(--muted)}.cam dd{margin:0}
        .dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;background:var(--no)}.dot.on{background:#2dbd5a}
        .numbers td:not(:first-child),.numbers th:not(:first-child){text-align:right}
        .login{max-width:24em;background:#fff;padding:1em;border:1px solid var(--line);border-radius:4px}
        body.busy main{opacity:.6}
        @media (max-width:1000px){.pictures{grid-template-columns:1fr}#queue th:nth-child(4),#queue td:nth-child(4){display:none}.thumb,.thumb .pic{width:120px}}
        """

    /// Keys for the whole queue without a mouse; every key clicks a visible, labelled control, so a page without
    /// the script still works by mouse.
    static let script = """
        (function () {
          'use strict';
          var rows = Array.prototype.slice.call(document.querySelectorAll('#queue a.case'));
          function click(id) {
            var el = document.getElementById(id);
            if (!el) return false;
            el.focus(); el.click(); return true;
          }
          function move(step) {
            if (!rows.length) return;
            var i = rows.indexOf(document.activeElement);
            i = i < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + step));
            rows[i].focus(); rows[i].scrollIntoView({block: 'nearest'});
          }
          function playClip() {
            var v = document.getElementById('clip');
            if (!v) return false;
            v.scrollIntoView({block: 'nearest'}); v.focus();
            if (v.paused) v.play(); else v.pause();
            return true;
          }
          document.addEventListener('keydown', function (e) {
            if (e.ctrlKey || e.metaKey || e.altKey || document.body.classList.contains('busy')) return;
            var t = e.target;
            if ((t.tagName === 'INPUT' && t.type !== 'radio') || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA') return;
            var k = e.key.toLowerCase(), handled;
            if (document.getElementById('queue')) {
              if (k === 'j' || k === 'arrowdown') { move(1); handled = true; }
              else if (k === 'k' || k === 'arrowup') { move(-1); handled = true; }
              else if (k === 'n') handled = click('next-page');
              else if (k === 'p') handled = click('previous-page');
              else if (k === 'u') handled = click('undo');
            } else if (document.getElementById('number')) {
              if (k === 'c') handled = click('confirm');
              else if (k === 'u') handled = click('undo') || click('undo-this');
              else if (k === 'j' || k === 'arrowright') handled = click('next');
              else if (k === 'k' || k === 'arrowleft') handled = click('previous');
              else if (k === 'v' || k === 'o') handled = playClip();
              else if (k === 'q' || k === 'escape') handled = click('back');
              else if (k >= '1' && k <= '6') {
                var r = document.getElementById('reason-' + k);
                if (r) {
                  r.checked = true; r.focus(); handled = true;
                  if (k === '6') document.getElementById('note').focus(); else click('reject');
                }
              }
            }
            if (handled) e.preventDefault();
          });
          // A submitted verdict shows at once, and further keys wait for the next page.
          // The live queue: the server sends each new draft (server-sent events); the page says so and links a
          // reload rather than moving the rows under the reviewer's keys. EventSource reconnects by itself.
          if (document.getElementById('queue') && window.EventSource) {
            var live = new EventSource('/api/queue/events');
            live.addEventListener('draft', function (e) {
              var change = JSON.parse(e.data), note = document.getElementById('live'), list = document.getElementById('live-cases');
              if (!note || !list) return;
              list.textContent = (list.textContent ? list.textContent + ' ' : '') + change['case'];
              note.hidden = false;
            });
          }
          document.addEventListener('submit', function () {
            document.body.classList.add('busy');
            document.getElementById('busy').hidden = false;
          });
        })();
        """
}
