import Domain
import Foundation
import Gateway
import Storage
import TestSupport
import Testing

@testable import App

@Suite struct OrderBoardTests {
    func board(_ setup: PaymentHarness, secret: String = "board-secret") -> OrderBoard {
        let store = setup.store
        let now = setup.now + 60_000
        return OrderBoard(
            settings: .init(secret: secret, restaurantName: "Mama Put <Kitchen>", currencySymbol: "₦"),
            desk: OrderDesk(conversation: .testing, template: nil), now: { now }, store: { store }, wakeSender: {},
            log: .silent)
    }

    func request(_ method: String, _ path: String, user: String? = "bola", body: String = "") -> Request {
        var params = ["REQUEST_METHOD": method, "DOCUMENT_URI": path, "CONTENT_LENGTH": "\(body.utf8.count)"]
        params["REMOTE_USER"] = user
        return Request(params: params, body: Array(body.utf8))
    }

    func paid() throws -> PaymentHarness {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        return setup
    }

    @Test func theBoardListsTodaysOrdersWithTheirNextStep() throws {
        let setup = try paid()
        let response = board(setup).handle(request("GET", "/staff/")).response
        #expect(response.status == 200)
        let html = response.bodyText
        #expect(html.contains(setup.order.code.rawValue))
        #expect(html.contains("2 × Jollof Rice &amp; Chicken"))
        #expect(html.contains("Mark preparing"))
        #expect(html.contains("Mama Put &lt;Kitchen&gt;"))
        #expect(!html.contains("<Kitchen>"))
        #expect(html.contains("Signed in as bola"))
        #expect(
            response.headers.contains {
                $0.name == "Content-Security-Policy" && $0.value.contains("form-action 'self'")
            })
        #expect(board(setup).handle(request("GET", "/staff/", user: nil)).response.status == 403)
        #expect(board(setup).handle(request("DELETE", "/staff/")).response.status == 405)
        // An unknown path is unknown to HEAD as to GET.
        #expect(board(setup).handle(request("GET", "/staff/nowhere")).response.status == 404)
        #expect(board(setup).handle(request("HEAD", "/staff/nowhere")).response.status == 404)
    }

    @Test func aMoveNeedsTheCSRFTokenOfTheSameUser() throws {
        let setup = try paid()
        let board = board(setup)
        let path = "/staff/orders/\(setup.order.code.rawValue)/advance"
        #expect(board.handle(request("POST", path, body: "")).response.status == 403)
        let someoneElses = board.csrfToken(user: "mallory", at: setup.now + 60_000)
        #expect(board.handle(request("POST", path, body: "csrf=\(someoneElses)")).response.status == 403)
        #expect(setup.status == "paid")
        let token = board.csrfToken(user: "bola", at: setup.now + 60_000)
        let moved = board.handle(request("POST", path, body: "csrf=\(token)")).response
        #expect(moved.status == 303)
        let location = try #require(moved.headers.first { $0.name == "Location" }?.value)
        #expect(location.hasPrefix("/staff/?notice="))
        #expect(
            Query.parse(String(location.dropFirst("/staff/?".count)))["notice"]
                == "\(setup.order.code): paid → preparing; customer told.")
        #expect(setup.status == "preparing")
        #expect(try setup.messages(to: "2348012345678").last?.contains("kitchen has started") == true)
        // Yesterday's token still works (a board left open over midnight); older ones do not.
        let yesterday = board.csrfToken(user: "bola", at: setup.now + 60_000 - 86_400_000)
        #expect(board.validCSRF(yesterday, user: "bola", at: setup.now + 60_000))
        #expect(
            !board.validCSRF(
                board.csrfToken(user: "bola", at: setup.now - 2 * 86_400_000), user: "bola", at: setup.now + 60_000))
    }

    @Test func noSecretRefusesEveryMove() throws {
        let setup = try paid()
        let board = board(setup, secret: "")
        let token = board.csrfToken(user: "bola", at: setup.now + 60_000)
        let path = "/staff/orders/\(setup.order.code.rawValue)/cancel"
        #expect(board.handle(request("POST", path, body: "csrf=\(token)&reason=closing")).response.status == 403)
        #expect(setup.status == "paid")
    }

    @Test func cancellingFromTheBoardSendsTheReason() throws {
        let setup = try paid()
        let board = board(setup)
        let token = board.csrfToken(user: "bola", at: setup.now + 60_000)
        let path = "/staff/orders/\(setup.order.code.rawValue)/cancel"
        let response = board.handle(request("POST", path, body: "csrf=\(token)&reason=out+of+rice")).response
        #expect(response.status == 303)
        #expect(setup.status == "cancelled")
        #expect(try setup.messages(to: "2348012345678").last?.contains("Reason: out of rice.") == true)
        let page = board.handle(request("GET", "/staff/", body: "")).response.bodyText
        #expect(page.contains("Done today"))
        #expect(!page.contains("/staff/orders/\(setup.order.code.rawValue)/cancel"))
    }
}
