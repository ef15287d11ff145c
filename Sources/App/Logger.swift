/// One line per event on stderr (the nginx error log under fcgiwrap; a file for the sender).
/// Callers pass values that are safe to log: never secrets, tokens or whole phone numbers.
public struct Logger: Sendable {
    public enum Level: Int, Comparable, Sendable {
        case debug, info, warning, error

        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
        var name: String { ["debug", "info", "warning", "error"][rawValue] }
    }

    public var level: Level
    public var component: String
    public var write: @Sendable (String) -> Void

    public init(level: Level, component: String, write: @escaping @Sendable (String) -> Void) {
        self.level = level
        self.component = component
        self.write = write
    }

    public func log(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard level >= self.level else { return }
        var line = "\(level.name) \(component): \(message)"
        for (key, value) in fields { line += " \(key)=\(value)" }
        write(line)
    }

    public func debug(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.warning, message, fields)
    }
    public func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.error, message, fields) }

    /// Drops everything: for tests that do not look at logs.
    public static let silent = Logger(level: .error, component: "test") { _ in }
}
