import Foundation
import Testing

@testable import Storage

@Suite struct PageSizeTests {
    @Test func aNewDatabaseIsCreatedWithTwoKilobytePagesInWALMode() throws {
        let path = NSTemporaryDirectory() + "whatsorder-pages-\(UUID().uuidString.prefix(8)).sqlite3"
        defer {
            for suffix in ["", "-wal", "-shm", "-writer"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try Store.open(path: path, create: true)
        _ = try store.migrate()
        #expect(try store.database.query("PRAGMA page_size").first?[0].int64 == 2048)
        #expect(try store.database.query("PRAGMA journal_mode").first?[0].string == "wal")
        store.close()
        // Opening it again (as a handler does) keeps what it was made with.
        let again = try Store.open(path: path)
        defer { again.close() }
        #expect(try again.database.query("PRAGMA page_size").first?[0].int64 == 2048)
    }
}
