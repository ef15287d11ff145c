import Conversation
import Domain

/// The board's Settings: one form, a field per setting with what it means, saved whole.
enum SettingsPage {
    static func form(
        _ settings: [(key: SettingKey, value: String, stored: Bool)], symbol: String, model: OrderBoardPage.Model
    ) -> String {
        let escape = PaymentReturnPage.escape
        var body = ChatPages.notice(model)
        body += "<section><h2>Settings</h2><form method=\"post\" action=\"/staff/settings\" class=\"settings\">"
        body += "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(model.csrf))\">"
        for setting in settings {
            let name = escape(setting.key.rawValue)
            var value = setting.value
            if [.deliveryFee, .minimumOrder].contains(setting.key) {
                // Shown as staff write money; stored in minor units.
                value = Kobo(Int(value) ?? 0).formatted(symbol: "")
            }
            body += "<label for=\"\(name)\"><b>\(escape(label(setting.key)))</b>"
            body += " <span class=\"hint\">\(escape(setting.key.meaning))"
            body += setting.stored ? "" : " · from the config file"
            body += "</span></label>"
            body += "<input id=\"\(name)\" name=\"\(name)\" value=\"\(escape(value))\" maxlength=\"300\">"
        }
        body += "<button class=\"advance\" type=\"submit\">Save</button></form></section>"
        return body
    }

    static func label(_ key: SettingKey) -> String {
        switch key {
        case .restaurantName: "Restaurant name"
        case .openingHours: "Opening hours"
        case .closedNote: "Closed now (a note to customers)"
        case .deliveryFee: "Delivery fee"
        case .minimumOrder: "Minimum order"
        case .preparationMinutes: "Preparation time (minutes)"
        case .restaurantAddress: "Address"
        case .restaurantPhone: "Phone"
        case .restaurantLocation: "Map location (lat,lng)"
        }
    }
}
