// swift-tools-version:6.1
// libFuzzer targets for WhatsOrder's parsers of untrusted bytes. Built by `fuzz/run` with
// `swift build --sanitize=fuzzer` (SwiftPM then leaves `main` to libFuzzer instead of renaming it for tests).
//
// A package of its own, so the product's Package.swift and its builds are untouched. SwiftPM refuses target paths
// outside the package root, so `fuzz/Sources/<Module>` are symlinks to the product's `Sources/<Module>`: the fuzzers
// compile the very files that ship. The graph below mirrors the root manifest for the pure modules; a new
// dependency there must be added here too.
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

/// One executable per fuzz target; `fuzz/run` knows them by the name after `fuzz-`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: "fuzz-\(name)", dependencies: dependencies + ["FuzzSupport"], path: "Targets/\(name)")
}

let package = Package(
    name: "WhatsOrderFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2")
    ],
    targets: [
        // MARK: - The product's pure modules, compiled from the product's own files
        .target(name: "Domain", path: "Sources/Domain", exclude: ["README.md"]),
        .target(
            name: "Conversation", dependencies: ["Domain"], path: "Sources/Conversation", exclude: ["README.md"],
            // `order-words` reads the internal `Words` through `@testable import`.
            swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        .target(name: "Gateway", path: "Sources/Gateway", exclude: ["README.md"]),
        .target(name: "HTTPClient", path: "Sources/HTTPClient", exclude: ["README.md"]),
        .target(name: "JSON", path: "Sources/JSON", exclude: ["README.md"]),
        .target(
            name: "WhatsApp", dependencies: ["HTTPClient", "JSON", crypto], path: "Sources/WhatsApp",
            exclude: ["README.md"]),
        .target(
            name: "Paystack", dependencies: ["HTTPClient", "JSON", "Domain", crypto], path: "Sources/Paystack",
            exclude: ["README.md"]),
        // Only the configuration file parser of Bootstrap: the rest of that module opens stores and sockets.
        .target(
            name: "BootstrapConfig", dependencies: ["Domain"], path: "Sources/Bootstrap",
            exclude: ["Live.swift", "SenderWakeup.swift", "README.md"], sources: ["Config.swift"]),

        // MARK: - The harnesses
        .target(name: "FuzzSupport", path: "Support"),
        fuzzTarget("whatsapp-webhook", ["WhatsApp"]),
        fuzzTarget("paystack-event", ["Paystack"]),
        fuzzTarget("signatures", ["WhatsApp", "Paystack", "Domain"]),
        fuzzTarget("gateway-request", ["Gateway"]),
        fuzzTarget("config-file", ["BootstrapConfig", "Domain"]),
        fuzzTarget("order-words", ["Conversation", "Domain"]),
        fuzzTarget("conversation", ["Conversation", "Domain", "JSON"]),
    ]
)

let sharedSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSettings
}
