// swift-tools-version:6.1
// The map of WhatsOrder. Layers point downward only:
//   executables -> Bootstrap / FastCGIHost / App -> WhatsApp, Paystack, Storage -> Conversation -> Domain
// Pure modules (no clock, network, database or randomness): Domain, Conversation, Gateway, HTTPClient,
// and the builders, decoders and signature checks of WhatsApp and Paystack.
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

/// Handlers start once per CGI request: linking them fully statically makes a process start as fast as C
/// (stack-notes §2). Only the release build does it; debug builds and tests link dynamically.
let staticHandler: [LinkerSetting] = [.unsafeFlags(["-static-executable"], .when(configuration: .release))]
/// The operator CLI links libcurl and glibc dynamically (DNS needs NSS) but carries its own Swift runtime.
let staticStdlib: [LinkerSetting] = []

let package = Package(
    name: "WhatsOrder",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "whatsapp-webhook", targets: ["whatsapp-webhook"]),
        .executable(name: "paystack-webhook", targets: ["paystack-webhook"]),
        .executable(name: "payment-return", targets: ["payment-return"]),
        .executable(name: "order-board", targets: ["order-board"]),
        .executable(name: "dev-capture", targets: ["dev-capture"]),
        .executable(name: "handlers-postgres", targets: ["handlers-postgres"]),
        .executable(name: "whatsorder", targets: ["whatsorder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
    ],
    targets: [
        // MARK: - C shims (one importer each)
        .systemLibrary(
            /** libfcgi's fcgiapp.h; imported by FastCGIHost only */
            name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(
            /** SQLite's C API with typed wrappers for its variadic calls; imported by Storage only */
            name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            /** libpq, PostgreSQL's client library; imported by PostgresStorage only */
            name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            /** libcurl with typed curl_easy_setopt wrappers; imported by CurlHTTP only */
            name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // MARK: - Pure core
        .target(
            /** Value types of the ordering domain: money, ids, the menu; no I/O */
            name: "Domain", exclude: ["README.md"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .target(
            /** The conversation as a pure reducer: State, Event, Effect, reduce */
            name: "Conversation", dependencies: ["Domain"], exclude: ["README.md"]),
        .testTarget(
            name: "ConversationTests", dependencies: ["Conversation", "TestSupport"],
            resources: [.copy("Transcripts"), .copy("Corpus")]),
        .target(
            /** HTTP over CGI as values: CGI params + body -> Request, Response -> bytes */
            name: "Gateway", exclude: ["README.md"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "TestSupport"]),
        .target(
            /** Outbound HTTP as values (request, response) and the transport interface */
            name: "HTTPClient", exclude: ["README.md"]),
        .target(
            /** JSON as the providers and the store write and read it: a direct writer and lenient readers */
            name: "JSON", exclude: ["README.md"]),

        // MARK: - Providers (pure builders, decoders and signature checks)
        .target(
            /** WhatsApp Cloud API: webhook decoding, X-Hub-Signature-256, message bodies, error envelope */
            name: "WhatsApp", dependencies: ["HTTPClient", "JSON", crypto], exclude: ["README.md"]),
        .testTarget(
            name: "WhatsAppTests", dependencies: ["WhatsApp", "JSON", "TestSupport"],
            resources: [.copy("Fixtures"), .copy("Goldens")]),
        .target(
            /** Paystack: transaction requests and webhook signatures */
            name: "Paystack", dependencies: ["HTTPClient", "JSON", "Domain", crypto], exclude: ["README.md"]),
        .testTarget(
            name: "PaystackTests", dependencies: ["Paystack", "TestSupport", "HTTPClient", "JSON", "Domain"],
            resources: [.copy("Fixtures")]),

        // MARK: - Storage
        .target(
            /** SQLite: append-only migrations and the Store's intention-named transactions */
            name: "Storage", dependencies: ["CSQLite", "Domain", "Conversation", "JSON", crypto], exclude: ["README.md"]
        ),
        .target(
            /** PostgreSQL behind Storage's `SQLDatabase`: libpq, SQL rewritten for it, serializable transactions.
                Not linked by the static handlers (libpq cannot be linked statically on Debian) */
            name: "PostgresStorage", dependencies: ["CLibPQ", "Storage"], exclude: ["README.md"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "PostgresStorage", "TestSupport"]),

        // MARK: - Application
        .target(
            /** Routes and handlers, the environment of live clients, the outbox sender */
            name: "App",
            dependencies: [
                "Domain", "Conversation", "Gateway", "HTTPClient", "JSON", "WhatsApp", "Paystack", "Storage", crypto,
            ],
            exclude: ["README.md"]),
        .testTarget(
            name: "AppTests", dependencies: ["App", "CurlHTTP", "TestSupport"],
            resources: [.copy("Fixtures"), .copy("Goldens")]),

        // MARK: - Hosts and wiring
        .target(
            /** CGI or FastCGI: one request, or the FCGX accept loop; signals; the last-resort 500 */
            name: "FastCGIHost", dependencies: ["CFastCGI", "Gateway"], exclude: ["README.md"]),
        .target(
            /** libcurl behind HTTPClient's transport: keep-alive, timeouts */
            name: "CurlHTTP", dependencies: ["CCurl", "HTTPClient"], exclude: ["README.md"]),
        .target(
            /** Configuration from file and environment, and the one place live clients are built */
            name: "Bootstrap", dependencies: ["App", "Conversation", "Domain", "Storage", "HTTPClient", "Paystack"],
            exclude: ["README.md"]),
        .testTarget(name: "BootstrapTests", dependencies: ["Bootstrap", "TestSupport"]),

        // MARK: - Executables (thin; installed into cgi-bin/)
        .executableTarget(
            /** The reader's microbenchmark (bench/reader); built on demand, never installed */
            name: "reader-bench", dependencies: ["Conversation", "Domain"]),
        .executableTarget(
            name: "whatsapp-webhook", dependencies: ["Bootstrap", "App", "FastCGIHost"], linkerSettings: staticHandler),
        .executableTarget(
            name: "paystack-webhook", dependencies: ["Bootstrap", "App", "FastCGIHost"], linkerSettings: staticHandler),
        .executableTarget(
            name: "payment-return", dependencies: ["Bootstrap", "App", "FastCGIHost"], linkerSettings: staticHandler),
        .executableTarget(
            name: "order-board", dependencies: ["Bootstrap", "App", "FastCGIHost"], linkerSettings: staticHandler),
        .executableTarget(
            /** The four handlers on PostgreSQL: links libpq, so not fully static; the handlers exec it */
            name: "handlers-postgres",
            dependencies: ["Bootstrap", "App", "FastCGIHost", "Gateway", "PostgresStorage", "Storage"],
            linkerSettings: staticStdlib),
        .executableTarget(
            /** Dev mode only: stands in for Meta and Paystack; links libcurl, so not fully static */
            name: "dev-capture", dependencies: ["Bootstrap", "App", "FastCGIHost", "CurlHTTP"],
            linkerSettings: staticStdlib),
        .executableTarget(
            name: "whatsorder",
            dependencies: ["Bootstrap", "App", "Storage", "PostgresStorage", "CurlHTTP", argumentParser],
            linkerSettings: staticStdlib),

        // MARK: - Test support and end-to-end tests
        .target(
            /** Test-only helpers: golden files, a stub HTTP server, fixtures; never linked into a release binary */
            name: "TestSupport", dependencies: ["HTTPClient", "Gateway", "Storage", "PostgresStorage"],
            exclude: ["README.md"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "WhatsApp", "Paystack", "Storage", "PostgresStorage", "CurlHTTP"],
            resources: [.copy("Fixtures")]),
    ]
)

let sharedSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSettings
}
