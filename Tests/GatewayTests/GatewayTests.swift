import Foundation
import Testing

@testable import Gateway

@Suite struct RequestTests {
    @Test func headersAreReadFromTheirCGINames() {
        let request = Request(params: [
            "HTTP_X_HUB_SIGNATURE_256": "sha256=ab", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "2",
        ])
        #expect(request.header("X-Hub-Signature-256") == "sha256=ab")
        #expect(request.header("x-hub-signature-256") == "sha256=ab")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("X-Missing") == nil)
    }

    @Test func theMethodDefaultsToGETAndIsUppercased() {
        #expect(Request(params: [:]).method == "GET")
        #expect(Request(params: ["REQUEST_METHOD": "post"]).method == "POST")
    }

    @Test func thePathComesFromDocumentURIThenRequestURI() {
        #expect(
            Request(params: ["DOCUMENT_URI": "/webhooks/whatsapp/", "REQUEST_URI": "/x?y"]).path
                == "/webhooks/whatsapp/")
        #expect(Request(params: ["REQUEST_URI": "/webhooks/whatsapp?hub.mode=subscribe"]).path == "/webhooks/whatsapp")
        #expect(Request(params: [:]).path == "/")
    }

    @Test func queryKeysKeepTheirDotsAndValuesAreDecoded() {
        let query = Request(params: [
            "QUERY_STRING": "hub.mode=subscribe&hub.challenge=11%2B58&hub.verify_token=a+b&x&hub.mode=other"
        ]).query
        #expect(query["hub.mode"] == "subscribe")
        #expect(query["hub.challenge"] == "11+58")
        #expect(query["hub.verify_token"] == "a b")
        #expect(query["x"] == "")
    }

    @Test func anInvalidPercentEscapeIsKeptLiterally() {
        #expect(Query.percentDecode("100%zz%4") == "100%zz%4")
        #expect(Query.percentDecode("%E2%82%A6") == "₦")
    }
}

@Suite struct BodyPlanTests {
    @Test func noLengthMeansNoBody() {
        #expect(BodyPlan.plan(params: [:]) == .read(0))
        #expect(BodyPlan.plan(params: ["CONTENT_LENGTH": ""]) == .read(0))
        #expect(BodyPlan.plan(params: ["REQUEST_METHOD": "GET"]) == .read(0))
        #expect(BodyPlan.plan(params: ["REQUEST_METHOD": "POST", "CONTENT_LENGTH": "0"]) == .read(0))
    }

    @Test func aPostWithoutALengthIs411() {
        for params in [["REQUEST_METHOD": "POST"], ["REQUEST_METHOD": "post", "CONTENT_LENGTH": " "]] {
            guard case .reject(let response) = BodyPlan.plan(params: params) else {
                Issue.record("expected a rejection for \(params)")
                continue
            }
            #expect(response.status == 411)
        }
    }

    @Test func exactlyTheDeclaredLengthIsRead() {
        #expect(BodyPlan.plan(params: ["CONTENT_LENGTH": "2200"]) == .read(2200))
        #expect(BodyPlan.plan(params: ["CONTENT_LENGTH": "\(BodyPlan.maximumBytes)"]) == .read(BodyPlan.maximumBytes))
    }

    @Test func anOversizedBodyIs413WithoutReadingIt() {
        guard case .reject(let response) = BodyPlan.plan(params: ["CONTENT_LENGTH": "\(BodyPlan.maximumBytes + 1)"])
        else {
            Issue.record("expected a rejection")
            return
        }
        #expect(response.status == 413)
        guard case .reject(let huge) = BodyPlan.plan(params: ["CONTENT_LENGTH": "99999999999999999999999"]) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(huge.status == 400)
    }

    @Test(arguments: ["-1", "12abc", "0x10", "1e3", " 5 5"])
    func aMalformedLengthIs400(_ value: String) {
        guard case .reject(let response) = BodyPlan.plan(params: ["CONTENT_LENGTH": value]) else {
            Issue.record("expected a rejection for \(value)")
            return
        }
        #expect(response.status == 400)
    }

    @Test func aTruncatedBodyIs400() {
        #expect(BodyPlan.truncated.status == 400)
    }
}

@Suite struct ResponseTests {
    @Test func aResponseIsWrittenTheCGIWay() {
        let bytes = Response.methodNotAllowed(allow: ["GET", "POST"]).serialized()
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "Status: 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nAllow: GET, POST\r\n"
                + "Content-Length: 19\r\n\r\nmethod not allowed\n")
    }

    @Test func headerValuesCannotInjectLines() {
        let response = Response(status: 200, headers: [.init("X-Test", "a\r\nSet-Cookie: evil")], body: [])
        let text = String(decoding: response.serialized(), as: UTF8.self)
        #expect(text.contains("X-Test: aSet-Cookie: evil\r\n"))
        #expect(!text.contains("\r\nSet-Cookie"))
    }
}

@Suite struct VariablesTests {
    @Test func keepsWhatARequestReadsAndDropsTheRest() {
        let entries = [
            "REQUEST_METHOD=POST", "CONTENT_LENGTH=12", "CONTENT_TYPE=application/json", "DOCUMENT_URI=/webhooks/x",
            "QUERY_STRING=a=b=c", "HTTP_X_HUB_SIGNATURE_256=sha256=ab", "WHATSORDER_CONFIG=/etc/w.env",
            "SERVER_SOFTWARE=nginx/1.22.1", "REMOTE_ADDR=127.0.0.1", "SCRIPT_FILENAME=/srv/cgi-bin/x", "NOEQUALS",
        ]
        var pointers: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        let variables = pointers.withUnsafeMutableBufferPointer { Request.variables($0.baseAddress) }
        #expect(
            variables == [
                "REQUEST_METHOD": "POST", "CONTENT_LENGTH": "12", "CONTENT_TYPE": "application/json",
                "DOCUMENT_URI": "/webhooks/x", "QUERY_STRING": "a=b=c", "HTTP_X_HUB_SIGNATURE_256": "sha256=ab",
                "WHATSORDER_CONFIG": "/etc/w.env",
            ])
    }
}
