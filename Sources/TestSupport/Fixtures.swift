import Foundation

/// Reads a fixture copied into a test target's `Fixtures/` folder (as a resource of that target).
public func fixtureBytes(_ name: String, in bundle: Bundle) throws -> [UInt8] {
    let base = (name as NSString).deletingPathExtension
    let ext = (name as NSString).pathExtension
    guard let url = bundle.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") else {
        throw FixtureError(message: "no fixture \(name)")
    }
    return Array(try Data(contentsOf: url))
}

/// Names of every fixture with this extension in a test target's `Fixtures/` folder, sorted.
public func fixtureNames(withExtension ext: String, in bundle: Bundle) -> [String] {
    let urls = bundle.urls(forResourcesWithExtension: ext, subdirectory: "Fixtures") ?? []
    return urls.compactMap { $0.lastPathComponent }.sorted()
}

public struct FixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
