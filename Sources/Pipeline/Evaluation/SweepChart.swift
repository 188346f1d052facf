public import Foundation

extension Sweep {
    /// The sweep as an SVG line chart: precision and recall (0–100 %) against the option value, one polyline
    /// with points each, the target levels dashed, the configured value marked, a legend and the option as title.
    ///
    /// Plain SVG 1.1 text with every label escaped (``escapeHTML(_:)``: its entities are XML's too), so any
    /// browser or `rsvg-convert` draws it. A value without cases has no precision (and one without events no
    /// recall): the line skips it.
    /// - Parameters:
    ///   - rows: one per value, in value order.
    ///   - configured: the value the config runs with now (``configuredValue(in:registry:)``), if in the sweep.
    public func svg(rows: [SweepRow], configured: Double?) -> String {
        let width = 720.0, height = 440.0
        let left = 70.0, right = 30.0, top = 70.0, bottom = 70.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let low = values.first ?? 0, high = values.last ?? 0
        // One value still needs an axis with some width: centre it. Otherwise 4 % room on each side keeps the
        // end points off the axis.
        let span = high > low ? (high - low) * 1.08 : 1
        let x0 = high > low ? low - (high - low) * 0.04 : low - 0.5
        func x(_ value: Double) -> Double { left + (value - x0) / span * plotWidth }
        func y(_ fraction: Double) -> Double { top + (1 - fraction) * plotHeight }
        func n(_ v: Double) -> String { String(format: "%.1f", v) }

        var out: [String] = [
            ##"<?xml version="1.0" encoding="UTF-8"?>"##,
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(width))" height="\##(n(height))" viewBox="0 0 \##(n(width)) \##(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="\##(n(left))" y="28" font-size="16" font-weight="bold">\##(escapeHTML(name))</text>"##,
        ]
        // Axes: percent every 20 with a grid line, a tick at every value (or every k-th when crowded).
        for percent in stride(from: 0, through: 100, by: 20) {
            let py = y(Double(percent) / 100)
            out.append(##"<line x1="\##(n(left))" y1="\##(n(py))" x2="\##(n(width - right))" y2="\##(n(py))" stroke="#e0e0e0"/>"##)
            out.append(##"<text x="\##(n(left - 8))" y="\##(n(py + 4))" text-anchor="end">\##(percent) %</text>"##)
        }
        let every = max(1, (values.count + 9) / 10)
        for (i, value) in values.enumerated() where i % every == 0 || i == values.count - 1 {
            let px = x(value)
            out.append(##"<line x1="\##(n(px))" y1="\##(n(top + plotHeight))" x2="\##(n(px))" y2="\##(n(top + plotHeight + 5))" stroke="black"/>"##)
            out.append(##"<text x="\##(n(px))" y="\##(n(top + plotHeight + 20))" text-anchor="middle">\##(escapeHTML(format(value)))</text>"##)
        }
        out.append(##"<path d="M\##(n(left)) \##(n(top)) V\##(n(top + plotHeight)) H\##(n(width - right))" fill="none" stroke="black"/>"##)
        out.append(##"<text x="\##(n(left + plotWidth / 2))" y="\##(n(height - 22))" text-anchor="middle">\##(escapeHTML(option))</text>"##)
        out.append(##"<text transform="translate(18 \##(n(top + plotHeight / 2))) rotate(-90)" text-anchor="middle">percent</text>"##)
        if let configured {
            let px = x(configured)
            out.append(##"<line x1="\##(n(px))" y1="\##(n(top))" x2="\##(n(px))" y2="\##(n(top + plotHeight))" stroke="#888888" stroke-dasharray="2 3"/>"##)
            let anchor = px > left + plotWidth / 2 ? "end" : "start"
            out.append(##"<text x="\##(n(px + (anchor == "end" ? -5 : 5)))" y="\##(n(top + plotHeight - 8))" text-anchor="\##(anchor)" fill="#555555">configured</text>"##)
        }

        let series: [(label: String, colour: String, dash: String, target: Double, fraction: (EvaluationReport) -> Double?)] = [
            ("precision", "#0072b2", "", Self.targetPrecision, \.precision),
            ("recall", "#d55e00", ##" stroke-dasharray="7 4""##, Self.targetRecall, \.recall),
        ]
        for (index, s) in series.enumerated() {
            let ty = y(s.target)
            out.append(##"<line x1="\##(n(left))" y1="\##(n(ty))" x2="\##(n(width - right))" y2="\##(n(ty))" stroke="\##(s.colour)" stroke-opacity="0.35" stroke-dasharray="3 3"/>"##)
            let points = rows.compactMap { row in s.fraction(row.report).map { (x(row.value), y($0)) } }
            out.append(##"<polyline points="\##(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))" fill="none" stroke="\##(s.colour)" stroke-width="2"\##(s.dash)/>"##)
            for (px, py) in points {
                // Squares for recall, circles for precision: both stay visible where the lines coincide.
                out.append(index == 0
                    ? ##"<circle cx="\##(n(px))" cy="\##(n(py))" r="4.5" fill="\##(s.colour)"/>"##
                    : ##"<rect x="\##(n(px - 3))" y="\##(n(py - 3))" width="6" height="6" fill="white" stroke="\##(s.colour)" stroke-width="1.5"/>"##)
            }
            let lx = left + Double(index) * 210, ly = 52.0
            out.append(##"<line x1="\##(n(lx))" y1="\##(n(ly - 4))" x2="\##(n(lx + 28))" y2="\##(n(ly - 4))" stroke="\##(s.colour)" stroke-width="2"\##(s.dash)/>"##)
            out.append(##"<text x="\##(n(lx + 34))" y="\##(n(ly))">\##(s.label) (target \##(Int(s.target * 100)) %)</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
