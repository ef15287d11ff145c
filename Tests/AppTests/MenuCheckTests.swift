import CurlHTTP
import Domain
import HTTPClient
import TestSupport
import Testing

@testable import App

/// `menu check` fetches each picture over real HTTP (libcurl against a server on 127.0.0.1 serving the bytes a
/// restaurant's site might) and judges the bytes, not the server's word for them.
@Suite struct MenuCheckTests {
    /// The smallest real files of each kind: what a browser would show.
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48]

    @Test func everyPictureIsFetchedAndJudged() throws {
        let server = try StubHTTPServer { request, _ in
            switch request.path {
            case "/jollof.jpg": .init(status: 200, bytes: Self.jpeg, contentType: "image/jpeg")
            case "/zobo.png": .init(status: 200, bytes: Self.png, contentType: "image/png")
            case "/gone.jpg": .init(status: 404, body: "<html>Not found</html>", contentType: "text/html")
            // An error page that calls itself a picture.
            case "/liar.jpg": .init(status: 200, body: "<html>Sorry</html>", contentType: "image/jpeg")
            case "/huge.jpg":
                .init(
                    status: 200, bytes: Self.jpeg + [UInt8](repeating: 0, count: MenuCheck.largestPicture),
                    contentType: "image/jpeg")
            default: .init(status: 500, body: "")
            }
        }
        var menu = SampleMenu.withOptions
        let base = "http://127.0.0.1:\(server.port)"
        let pictures = [1: "/jollof.jpg", 9: "/zobo.png", 3: "/gone.jpg", 4: "/liar.jpg", 5: "/huge.jpg"]
        for (id, path) in pictures { menu.items[id - 1].imageURL = base + path }
        // Nothing listens on port 9 of this machine: the fetch fails without an answer.
        menu.items[6].imageURL = "http://127.0.0.1:9/coke.jpg"
        // A dish whose every protein is sold out cannot be ordered; a sold-out dish is not checked at all.
        for index in menu.items[0].optionGroups[0].options.indices {
            menu.items[0].optionGroups[0].options[index].available = false
        }
        menu.items[10].available = false

        let findings = MenuCheck.run(menu, transport: try CurlTransport().transport)
        #expect(
            findings.filter(\.isProblem).map { String($0.description.prefix(48)) } == [
                "Jollof Rice: every protein option is sold out, s",
                "Pounded Yam & Egusi: the picture's server answer",
                "Plantain (Dodo): the picture is not a JPEG or PN",
                "Moin Moin: the picture is 5 MB; WhatsApp takes a",
                "Coca-Cola (50cl): the picture cannot be fetched ",
            ])
        #expect(
            findings.filter { !$0.isProblem }.map(\.description) == [
                "Fried Rice Special: no picture", "French Fries: no picture", "Fresh Orange Juice: no picture",
                "Chocolate Cake Slice: no picture", "Peppered Chicken: no picture",
            ])
        #expect(server.requests.map(\.path).sorted() == pictures.values.sorted())
    }
}
