import Bootstrap
import FastCGIHost
import Gateway
import PostgresStorage
import Storage

#if canImport(Glibc)
    import Glibc
#endif

// The four handlers for a PostgreSQL deployment: `handlers-postgres NAME [--threads N] [--max-requests N]`.
// The static handlers exec this when DATABASE_URL names PostgreSQL (Bootstrap's PostgresHandoff); it can also be
// started by name directly. Linked dynamically, with libpq.
Live.openPostgres = { url in Store(database: try PostgresDatabase(url: url)) }
let name = CommandLine.arguments.dropFirst().first ?? ""
let options = Host.Options.parse(CommandLine.arguments)
let handlers: [String: @Sendable (HandlerRuntime, Request) -> Outcome] = [
    "whatsapp-webhook": { $0.whatsAppWebhook($1) },
    "paystack-webhook": { $0.paystackWebhook($1) },
    "payment-return": { $0.paymentReturn($1) },
    "order-board": { $0.orderBoard($1) },
]
guard let handler = handlers[name] else {
    let message = "usage: handlers-postgres \(handlers.keys.sorted().joined(separator: "|")) [--threads N]\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(64)
}
// Only the WhatsApp endpoint serves several requests at once (`--threads N`), as its static handler does.
let threaded = name == "whatsapp-webhook" && options.threads > 1
let runtime = HandlerRuntime(threaded: threaded)
if threaded {
    Host.serveConcurrently(options: options) { request in handler(runtime, request) }
} else {
    Host.serve(options: options) { request in handler(runtime, request) }
}
runtime.close()
