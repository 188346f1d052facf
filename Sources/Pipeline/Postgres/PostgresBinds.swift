import PostgresNIO

/// SQL text with numbered placeholders (`$1`, `$2`…) and their bound values, for statements whose shape depends on
/// the request (filters, column lists). Values are only ever bound, never spliced into the text.
struct BoundSQL {
    /// The statement so far.
    var sql = ""
    /// The values of its placeholders.
    var binds = PostgresBindings()

    /// Binds `value` and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Binds `value` (NULL for `nil`) and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// The query to send.
    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

/// Reads the columns of one fetched row by name, throwing ``CaseStoreError/corruptRow(_:)`` instead of a decoding
/// error that names no row (the PostgreSQL counterpart of ``RowReader``).
struct PostgresRowReader {
    let row: PostgresRandomAccessRow
    /// The table and row for messages, e.g. `cases #12`.
    let what: String

    init(_ row: PostgresRow, _ what: String) {
        self.row = row.makeRandomAccess()
        self.what = what
    }

    /// The value of `column` as `Value` (an optional type reads NULL as `nil`).
    func callAsFunction<Value: PostgresDecodable>(_ column: String) throws -> Value {
        do {
            return try row[column].decode(Value.self)
        } catch {
            throw CaseStoreError.corruptRow("\(what).\(column) cannot be read as \(Value.self)")
        }
    }
}
