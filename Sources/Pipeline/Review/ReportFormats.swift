import Foundation

/// The formats `streetwatch report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Markdown tables, to paste into the self-evaluation.
    case md
    /// One table with a `section` column, for spreadsheets.
    case csv
    /// Every number, machine-readable.
    case json
    /// A standalone page with inline SVG bar charts.
    case html
}

extension YearlyReport {
    /// The report in `format`.
    public func rendered(as format: ReportFormat) throws -> String {
        switch format {
        case .md: markdown()
        case .csv: csv()
        case .json: try json()
        case .html: html()
        }
    }

    /// The headline rows, in the self-evaluation's words.
    var headline: [(String, String)] { headline(english: false) }

    /// The headline rows with Chinese (the self-evaluation's words) or English labels.
    public func headline(english: Bool) -> [(String, String)] {
        let t = accuracy.total
        var rows: [(String, String, String)] = [
            ("视频自动识别问题数", "Flagged by video recognition", "\(t.flagged)"),
            ("立案数", "Confirmed (filed)", "\(t.confirmed)"),
            ("不予立案数", "Rejected", "\(t.rejected)"),
            ("待审核", "Pending review", "\(t.pending)"),
            ("准确率", "Precision after review", percent(t.precision)),
            ("准确率 95 % 置信区间 (Wilson)", "Precision 95 % interval (Wilson)", percentRange(t.wilsonLow, t.wilsonHigh)),
            ("审核时延中位数", "Median review latency", latencyText(t.medianLatency)),
            ("探头在线率", "Camera online rate", percent(onlineRate)),
        ]
        for r in accuracy.rejectedByReason {
            rows.append(("不予立案-\(r.reason.chinese)", "Rejected: \(r.reason.english)", "\(r.count)"))
        }
        return rows.map { (english ? $0.1 : $0.0, $0.2) }
    }

    /// Markdown: headline, per month, per camera, per rule, per category, coverage.
    public func markdown() -> String {
        var out = "# \(year) 年视频智能识别绩效自评\n\n| 指标 | 数值 |\n|---|---|\n"
        for (name, value) in headline { out += "| \(name) | \(value) |\n" }
        func table(_ title: String, _ keyName: String, _ rows: [AccuracyRow]) {
            out += "\n## \(title)\n\n| \(keyName) | 识别数 | 立案数 | 不予立案 | 待审 | 准确率 | 95 % 区间 |\n|---|---:|---:|---:|---:|---:|---|\n"
            for r in rows {
                out += "| \(r.key) | \(r.flagged) | \(r.confirmed) | \(r.rejected) | \(r.pending) | \(percent(r.precision)) | \(percentRange(r.wilsonLow, r.wilsonHigh)) |\n"
            }
        }
        table("按月", "月份", accuracy.byMonth)
        table("按摄像机", "摄像机", accuracy.byCamera)
        table("按规则", "规则", accuracy.byRule)
        table("按问题类别", "类别", accuracy.byCategory)
        out += "\n## 探头考评\n\n| 摄像机 | 在线小时 | 应在线小时 | 在线率 | 分析帧率 | 配置帧率 |\n|---|---:|---:|---:|---:|---:|\n"
        for c in coverage {
            out += "| \(c.camera) | \(String(format: "%.1f", c.onlineHours)) | \(String(format: "%.1f", c.scheduledHours)) | \(percent(c.onlineRate)) | \(c.meanAnalysedFPS.map { String(format: "%.2f", $0) } ?? "—") | \(c.configuredFPS.map { String(format: "%.2f", $0) } ?? "—") |\n"
        }
        return out
    }

    /// CSV (RFC 4180): `section,key,flagged,filed,rejected,pending,precision_pct,wilson_low_pct,wilson_high_pct,online_rate_pct`.
    /// Text cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a
    /// leading `'`.
    public func csv() -> String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f", $0 * 100) } ?? "" }
        func field(_ s: String) -> String {
            // Spreadsheets run a cell that starts with = + - @ (or a tab or CR before one) as a formula; a leading
            // apostrophe keeps it text (OWASP "CSV injection"). Camera ids and categories come from config files.
            let s = s.first.map { "=+-@\t\r".contains($0) } == true ? "'" + s : s
            return s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = ["section,key,flagged,filed,rejected,pending,precision_pct,wilson_low_pct,wilson_high_pct,online_rate_pct"]
        func add(_ section: String, _ r: AccuracyRow, online: Double? = nil) {
            lines.append([section, field(r.key), "\(r.flagged)", "\(r.confirmed)", "\(r.rejected)", "\(r.pending)",
                          pct(r.precision), pct(r.wilsonLow), pct(r.wilsonHigh), pct(online)].joined(separator: ","))
        }
        add("year", { var t = accuracy.total; t.key = "\(year)"; return t }(), online: onlineRate)
        for r in accuracy.byMonth { add("month", r) }
        for r in accuracy.byCamera { add("camera", r, online: coverage.first { $0.camera == r.key }?.onlineRate) }
        for r in accuracy.byRule { add("rule", r) }
        for r in accuracy.byCategory { add("category", r) }
        for r in accuracy.rejectedByReason {
            lines.append("rejected_reason,\(field(r.reason.chinese)),,,\(r.count),,,,,")
        }
        for c in coverage where !accuracy.byCamera.contains(where: { $0.key == c.camera }) {
            lines.append("camera,\(field(c.camera)),0,0,0,0,,,,\(pct(c.onlineRate))")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The report as pretty JSON, with the headline rows as `summary` (labels as in the self-evaluation).
    public func json() throws -> String {
        struct Document: Encodable {
            let summary: [String: String]
            let report: YearlyReport
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let summary = Dictionary(headline, uniquingKeysWith: { a, _ in a })
        return String(decoding: try encoder.encode(Document(summary: summary, report: self)), as: UTF8.self) + "\n"
    }

    /// A standalone HTML page: headline table, monthly bars (识别 vs 立案) and per-camera precision bars as inline SVG.
    public func html() -> String {
        var out = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>\(year) 年视频智能识别绩效自评</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}
            td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}td:first-child,th:first-child{text-align:left}</style>
            </head><body>
            <h1>\(year) 年视频智能识别绩效自评</h1>
            <table id="summary"><tr><th>指标</th><th>数值</th></tr>

            """
        for (name, value) in headline { out += "<tr><td>\(escapeHTML(name))</td><td>\(escapeHTML(value))</td></tr>\n" }
        out += "</table>\n<h2>按月</h2>\n" + monthChart()
        func table(_ title: String, _ rows: [AccuracyRow]) {
            out += "<h2>\(title)</h2>\n<table><tr><th></th><th>识别数</th><th>立案数</th><th>不予立案</th><th>待审</th><th>准确率</th><th>95 % 区间</th></tr>\n"
            for r in rows {
                out += "<tr><td>\(escapeHTML(r.key))</td><td>\(r.flagged)</td><td>\(r.confirmed)</td><td>\(r.rejected)</td><td>\(r.pending)</td><td>\(percent(r.precision))</td><td>\(percentRange(r.wilsonLow, r.wilsonHigh))</td></tr>\n"
            }
            out += "</table>\n"
        }
        table("按月", accuracy.byMonth)
        out += "<h2>按摄像机准确率</h2>\n" + precisionChart(accuracy.byCamera)
        table("按摄像机", accuracy.byCamera)
        table("按规则", accuracy.byRule)
        table("按问题类别", accuracy.byCategory)
        out += "<h2>探头考评</h2>\n<table><tr><th>摄像机</th><th>在线小时</th><th>应在线小时</th><th>在线率</th></tr>\n"
        for c in coverage {
            out += "<tr><td>\(escapeHTML(c.camera))</td><td>\(String(format: "%.1f", c.onlineHours))</td><td>\(String(format: "%.1f", c.scheduledHours))</td><td>\(percent(c.onlineRate))</td></tr>\n"
        }
        return out + "</table>\n</body></html>\n"
    }

    private func monthChart() -> String {
        let rows = accuracy.byMonth
        let top = max(1, rows.map(\.flagged).max() ?? 1)
        let height = 160.0, barWidth = 14.0, step = 44.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(step * 12 + 20))\" height=\"\(Int(height + 40))\" role=\"img\" aria-label=\"每月识别数与立案数\">\n"
        for (i, r) in rows.enumerated() {
            let x = 10 + Double(i) * step
            let hf = height * Double(r.flagged) / Double(top), hc = height * Double(r.confirmed) / Double(top)
            svg += "<rect x=\"\(x)\" y=\"\(height - hf)\" width=\"\(barWidth)\" height=\"\(hf)\" fill=\"#9ab\"><title>\(r.key) 识别 \(r.flagged)</title></rect>"
            svg += "<rect x=\"\(x + barWidth)\" y=\"\(height - hc)\" width=\"\(barWidth)\" height=\"\(hc)\" fill=\"#2a6\"><title>\(r.key) 立案 \(r.confirmed)</title></rect>"
            svg += "<text x=\"\(x)\" y=\"\(height + 16)\" font-size=\"11\">\(r.key.suffix(2))月</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func precisionChart(_ rows: [AccuracyRow]) -> String {
        let width = 300.0, rowHeight = 22.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width + 260))\" height=\"\(Int(rowHeight * Double(rows.count) + 10))\" role=\"img\" aria-label=\"按摄像机准确率\">\n"
        for (i, r) in rows.enumerated() {
            let y = 5 + Double(i) * rowHeight
            let w = width * (r.precision ?? 0)
            svg += "<text x=\"0\" y=\"\(y + 14)\" font-size=\"12\">\(escapeHTML(r.key))</text>"
            svg += "<rect x=\"120\" y=\"\(y)\" width=\"\(w)\" height=\"\(rowHeight - 6)\" fill=\"#2a6\"></rect>"
            svg += "<text x=\"\(126 + w)\" y=\"\(y + 14)\" font-size=\"12\">\(percent(r.precision))</text>\n"
        }
        return svg + "</svg>\n"
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
