import GRDB

/// Reads the columns of one fetched row, throwing instead of trapping.
///
/// GRDB's `row[column]` stops the process when the stored value cannot be read as the type asked for (a NULL,
/// or text in a number column after a hand edit or damage); `Row.decode` throws, and this names the row.
struct RowReader {
    let row: Row
    /// The table and row for messages, e.g. `cases #12`.
    let what: String

    init(_ row: Row, _ what: String) {
        self.row = row
        self.what = what
    }

    /// The value of `column` as `Value` (an optional type reads NULL as `nil`).
    /// - Throws: ``CaseStoreError/corruptRow(_:)`` naming the row, the column and what it holds.
    func callAsFunction<Value: DatabaseValueConvertible>(_ column: String) throws -> Value {
        do {
            return try row.decode(Value.self, forColumn: column)
        } catch {
            let held = String(String(describing: row[column] as DatabaseValue).prefix(60))
            throw CaseStoreError.corruptRow("\(what).\(column) holds \(held)")
        }
    }
}
