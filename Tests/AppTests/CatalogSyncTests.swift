import CurlHTTP
import Domain
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

@testable import App

/// `catalog sync` against a stand-in for Meta's Graph API on 127.0.0.1 that answers in Meta's wire format, through
/// real libcurl and a real store: what Meta refuses is named and sent again next time; a refused call or an outage
/// records nothing.
@Suite struct CatalogSyncTests {
    func sync(_ store: Store, _ server: StubHTTPServer) throws -> CatalogSync {
        CatalogSync(
            settings: .init(
                graphURL: server.baseURL, apiVersion: "v25.0", catalogID: "194836987003835", accessToken: "EAAG-test",
                currency: "NGN", brand: "Mama Put", link: "https://food.example.com/"),
            store: store, transport: try CurlTransport().transport, now: { 1_764_000_000_000 })
    }

    func store(pictures: [Int64]) throws -> Store {
        let store = try Backend.chosen.store()
        _ = try store.seedSampleMenu()
        for id in pictures { try store.changeMenuItem(id: id, .image("https://images.example.com/\(id).jpg")) }
        return store
    }

    /// The requests Meta received: each items_batch call's `requests`, decoded.
    func batches(_ server: StubHTTPServer) -> [[[String: Any]]] {
        server.requests.filter { $0.path.hasSuffix("/items_batch") }.compactMap { request in
            let form = Dictionary(
                uniqueKeysWithValues: request.bodyText.split(separator: "&").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    return (parts[0], (parts.count > 1 ? parts[1] : "").removingPercentEncoding ?? "")
                })
            return (try? JSONSerialization.jsonObject(with: Data((form["requests"] ?? "").utf8))) as? [[String: Any]]
        }
    }

    @Test func whatMetaRefusesIsNamedAndSentAgainNextTime() throws {
        let refuseCoke = Locked(true)
        let server = try StubHTTPServer { request, _ in
            #expect(request.path == "/v25.0/194836987003835/items_batch")
            #expect(request.header("authorization") == "Bearer EAAG-test")
            // As Meta answers a batch with one bad item: a handle, and the item's errors.
            return refuseCoke.value
                ? .init(
                    status: 200,
                    body: #"""
                        {"handles":["AcxNQ4"],"validation_status":[{"retailer_id":"7","errors":[{"message":"The image is too small"}],"warnings":[]}]}
                        """#)
                : .init(status: 200, body: #"{"handles":["AcxNQ5"]}"#)
        }
        let store = try store(pictures: [1, 7])
        let first = try sync(store, server).run()
        #expect(first.added == ["Jollof Rice & Chicken"])
        #expect(first.refused == ["Coca-Cola (50cl): The image is too small"])
        #expect(first.withoutPicture.count == 9)
        let sent = try #require(batches(server).first)
        #expect(sent.map { $0["method"] as? String } == ["UPDATE", "UPDATE"])
        let jollof = try #require(sent.first?["data"] as? [String: Any])
        #expect(jollof["id"] as? String == "1")
        #expect(jollof["price"] as? String == "2500.00 NGN")
        #expect(jollof["availability"] as? String == "in stock")
        #expect(jollof["brand"] as? String == "Mama Put")
        #expect(try store.syncedCatalog("194836987003835").keys.sorted() == ["1"])

        // Next time only the refused one goes, and this time Meta takes it.
        refuseCoke.mutate { $0 = false }
        let second = try sync(store, server).run()
        #expect(second.added == ["Coca-Cola (50cl)"])
        #expect(second.unchanged == 1)
        #expect(batches(server).last?.compactMap { ($0["data"] as? [String: Any])?["id"] as? String } == ["7"])
        #expect(try store.syncedCatalog("194836987003835").keys.sorted() == ["1", "7"])
    }

    @Test func aRefusedCallOrAnOutageRecordsNothing() throws {
        let answer = Locked(GraphStub.error(status: 400, code: 190, title: "Error validating access token"))
        let server = try StubHTTPServer { _, _ in answer.value }
        let store = try store(pictures: [1])
        #expect(throws: CatalogSync.Failure.refused("(#190) (#190) Error validating access token")) {
            try sync(store, server).run()
        }
        answer.mutate { $0 = .init(status: 503, body: "Service Unavailable", contentType: "text/plain") }
        #expect(throws: CatalogSync.Failure.self) { try sync(store, server).run() }
        #expect(try store.syncedCatalog("194836987003835").isEmpty)
        // Nothing listens on port 9 of this machine.
        var unreachable = try sync(store, server)
        unreachable.settings.graphURL = "http://127.0.0.1:9"
        #expect(throws: CatalogSync.Failure.self) { try unreachable.run() }
    }
}
