import Domain
import HTTPClient

/// What `whatsorder menu check` tells staff about the menu as customers will meet it: dishes without a picture,
/// pictures WhatsApp will not be able to show, and dishes that cannot be ordered because a choice they need has
/// nothing left. Run by hand, never in a handler: fetching pictures takes seconds.
public enum MenuCheck {
    public enum Finding: Equatable, Sendable, CustomStringConvertible {
        /// A note, not a problem: plenty of menus have no pictures.
        case noPicture(item: String)
        case pictureUnreachable(item: String, reason: String)
        case pictureRefused(item: String, status: Int)
        /// WhatsApp shows JPEG and PNG image headers only.
        case notJPEGOrPNG(item: String)
        /// WhatsApp's limit for an image is 5 MB.
        case pictureTooLarge(item: String, bytes: Int)
        case noChoiceLeft(item: String, group: String)

        public var isProblem: Bool {
            if case .noPicture = self { return false }
            return true
        }

        public var description: String {
            switch self {
            case .noPicture(let item): "\(item): no picture"
            case .pictureUnreachable(let item, let reason): "\(item): the picture cannot be fetched (\(reason))"
            case .pictureRefused(let item, let status): "\(item): the picture's server answered \(status)"
            case .notJPEGOrPNG(let item): "\(item): the picture is not a JPEG or PNG image (WhatsApp shows only those)"
            case .pictureTooLarge(let item, let bytes):
                "\(item): the picture is \(bytes / 1_048_576) MB; WhatsApp takes at most 5 MB"
            case .noChoiceLeft(let item, let group):
                "\(item): every \(group.lowercased()) option is sold out, so customers cannot order it"
            }
        }
    }

    /// The most WhatsApp fetches for an image header.
    public static let largestPicture = 5 * 1_048_576

    /// Every finding for the items customers can see, in menu order.
    public static func run(_ menu: Menu, transport: HTTPTransport) -> [Finding] {
        var findings: [Finding] = []
        for item in menu.items where item.available {
            for group in item.requiredGroups where group.available.isEmpty {
                findings.append(.noChoiceLeft(item: item.name, group: group.name))
            }
            guard let url = item.imageURL else {
                findings.append(.noPicture(item: item.name))
                continue
            }
            let response: HTTPResponse
            do {
                response = try transport.send(HTTPRequest(method: "GET", url: url))
            } catch {
                findings.append(.pictureUnreachable(item: item.name, reason: "\(error)"))
                continue
            }
            if let finding = verdict(response, item: item.name) { findings.append(finding) }
        }
        return findings
    }

    /// What is wrong with a fetched picture, if anything. The bytes are looked at, not the server's content type:
    /// a server that calls an HTML error page `image/jpeg` is common.
    static func verdict(_ response: HTTPResponse, item: String) -> Finding? {
        guard (200..<300).contains(response.status) else {
            return .pictureRefused(item: item, status: response.status)
        }
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard response.body.starts(with: jpeg) || response.body.starts(with: png) else {
            return .notJPEGOrPNG(item: item)
        }
        guard response.body.count <= largestPicture else {
            return .pictureTooLarge(item: item, bytes: response.body.count)
        }
        return nil
    }
}
