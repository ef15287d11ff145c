import App

#if canImport(Glibc)
    import Glibc
#endif

/// How a static handler serves a PostgreSQL deployment. The handlers are linked fully statically so that a CGI
/// request starts in about a millisecond, and libpq cannot be linked that way on Debian (it needs GSSAPI and LDAP,
/// which have no static libraries); loading it as a shared library would cost every request 3 ms, SQLite's too.
/// So a handler started with a PostgreSQL `DATABASE_URL` replaces itself, before reading anything, with
/// `handlers-postgres` (the same handlers, linked dynamically with libpq) from the same directory: same process,
/// same stdin or FastCGI socket, same environment and arguments.
public enum PostgresHandoff {
    /// The executable that serves every handler on PostgreSQL, installed beside them.
    public static let executable = "handlers-postgres"

    /// Returns only when this process serves the request itself: the database is SQLite, this executable links
    /// libpq, or the exec failed (logged; requests then answer 503 "not configured"). Returns the configuration it
    /// read, so that the runtime need not read it again (a CGI process reads it once).
    ///
    /// Decided from the process environment, because the exec must happen before a request is read. A FastCGI
    /// worker that gets `WHATSORDER_CONFIG` only as a request parameter never hands off: PostgreSQL deployments
    /// set it in the worker's environment, as the systemd units do.
    @discardableResult
    public static func execIfConfigured(handler: String, environment: [String: String]) -> Config? {
        guard Live.openPostgres == nil, let config = try? Config.load(environment: environment, params: [:]) else {
            return nil
        }
        guard config.usesPostgres else { return config }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else {
            Live.stderrLogger(level: .error, component: handler).error(
                "cannot find this executable to hand PostgreSQL requests over", ["errno": "\(errno)"])
            return nil
        }
        let ownPath = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = ownPath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        let target = directory + "/" + executable
        // nginx and fcgiwrap pass no arguments; spawn-fcgi may (`--threads N`), and they go along.
        let extra = CommandLine.argc > 1 ? Array(CommandLine.arguments.dropFirst()) : []
        let arguments = [target, handler] + extra
        var pointers = arguments.map { strdup($0) }
        pointers.append(nil)
        execv(target, pointers)
        let failure = errno
        for pointer in pointers { free(pointer) }
        Live.stderrLogger(level: .error, component: handler).error(
            "DATABASE_URL names PostgreSQL and \(executable) could not be started",
            ["path": target, "errno": "\(failure)"])
        return nil
    }
}
