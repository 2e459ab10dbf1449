import Mustache

/// The HTML of the collectors' pages (Mustache; `{{x}}` escapes HTML, `{{{x}}}` is only
/// used for markup the server built itself). No JavaScript.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // The templates are constants of this file; a parse error is our bug.
        try! library.register(layout, named: "layout")
        try! library.register(signIn, named: "signin")
        try! library.register(queue, named: "queue")
        try! library.register(account, named: "account")
        return library
    }()

    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{title}} · Arrears</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
        table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
        th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}
        .notice{background:#eef8ee;border:1px solid #9c9;padding:.5rem}.error{background:#fee;border:1px solid #c99;padding:.5rem}
        header{display:flex;gap:1rem;align-items:center;margin-bottom:1rem}form.inline{display:inline}
        </style></head><body>
        <header><strong>Arrears</strong>{{#user}}<span id="user">{{name}} ({{role}})</span><a href="/queue">Today's queue</a>
        <form class="inline" method="post" action="/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button>Sign out</button></form>{{/user}}</header>
        {{#notice}}<p class="notice" id="notice">{{notice}}</p>{{/notice}}{{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
        {{{content}}}
        </body></html>
        """

    static let signIn = """
        <h1>Sign in</h1>
        <form method="post" action="/signin">
        <label>Personal token <input type="password" name="token" id="token" size="90" autocomplete="off"></label>
        <button id="signin">Sign in</button></form>
        """

    static let queue = """
        <h1>Today's queue{{#collector}} for {{collector}}{{/collector}} <small>as of {{asOf}}</small></h1>
        <p id="count">{{count}} accounts</p>
        <table id="queue"><tr><th>#</th><th>Account</th><th class="num">Balance</th><th class="num">p</th><th class="num">Expected value</th>
        <th>Reasons</th><th>Call window (local)</th><th class="num">Calls left</th><th>Queue</th>{{#supervisor}}<th>Collector</th>{{/supervisor}}</tr>
        {{#rows}}<tr class="account" data-account="{{id}}"><td>{{rank}}</td><td><a href="/accounts/{{id}}">{{id}}</a></td><td class="num">{{balance}}</td>
        <td class="num">{{p}}</td><td class="num">{{ev}}</td><td>{{#reasons}}{{.}}<br>{{/reasons}}</td><td>{{window}}</td>
        <td class="num">{{callsLeft}}</td><td>{{queue}}</td>{{#supervisor}}<td>{{collector}}</td>{{/supervisor}}</tr>{{/rows}}
        </table>
        """

    static let account = """
        <h1>Account <span id="account-id">{{id}}</span></h1>
        <p>Balance {{balance}} · class <strong id="class">{{class}}</strong>{{#rule}} · rule <strong id="rule">{{rule}}</strong>{{/rule}} · collector {{collector}}</p>
        <p>{{contactPoint}}</p>
        {{#row}}<p id="today">On today's queue at #{{rank}}: p = {{p}}, expected value {{ev}}, call window {{window}}, calls left {{callsLeft}}.</p>
        <ul id="reasons">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>{{/row}}
        {{^row}}<p id="today">Not on today's queue.</p>{{/row}}
        <h2>Payment history</h2>{{{chart}}}
        <h2>Log a contact</h2>
        <form method="post" action="/accounts/{{id}}/contacts" id="log-contact">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Channel <select name="channel" id="channel">{{#channels}}<option>{{.}}</option>{{/channels}}</select></label>
        <label>Outcome <select name="outcome" id="outcome">{{#outcomes}}<option>{{.}}</option>{{/outcomes}}</select></label>
        <button id="log">Log</button></form>
        <h2>Record a promise to pay</h2>
        <form method="post" action="/accounts/{{id}}/promises" id="log-promise">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>Amount <input name="amount" id="amount" size="10"></label>
        <label>Due <input name="due_date" id="due-date" placeholder="YYYY-MM-DD" size="12"></label>
        <button id="promise">Record</button></form>
        {{#supervisor}}<h2>Reassign</h2>
        <form method="post" action="/accounts/{{id}}/assign"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Collector <input name="collector" id="collector"></label><button id="assign">Assign</button></form>{{/supervisor}}
        <h2>Timeline</h2>
        <table id="timeline"><tr><th>When</th><th>What</th><th>Detail</th></tr>
        {{#timeline}}<tr class="{{kind}}"><td>{{at}}</td><td>{{kind}}</td><td>{{text}}</td></tr>{{/timeline}}</table>
        """
}
