import Foundation

@testable import Conversation

enum JSONDecoderShim {
    static func roundTrip(_ state: State) throws -> State {
        try JSONDecoder().decode(State.self, from: JSONEncoder().encode(state))
    }
}
