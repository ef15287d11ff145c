import Domain
import Foundation
import Testing

@testable import Bootstrap

@Suite struct ConfigTests {
    @Test func theEnvFileFormatOfTheDjangoProjectIsRead() throws {
        let values = try Config.parseEnvFile(
            """
            # WhatsOrder
            DATABASE_URL=sqlite:var/x.sqlite3
            export WHATSAPP_VERIFY_TOKEN = "quoted # not a comment"
            WHATSAPP_APP_SECRET='single'
            WHATSAPP_ACCESS_TOKEN=plain value # trailing comment
            RESTAURANT_NAME="Mama \\"Put\\""
            EMPTY=

            CURRENCY_SYMBOL=₦\r
            """)
        #expect(values["DATABASE_URL"] == "sqlite:var/x.sqlite3")
        #expect(values["WHATSAPP_VERIFY_TOKEN"] == "quoted # not a comment")
        #expect(values["WHATSAPP_APP_SECRET"] == "single")
        #expect(values["WHATSAPP_ACCESS_TOKEN"] == "plain value")
        #expect(values["RESTAURANT_NAME"] == "Mama \"Put\"")
        #expect(values["EMPTY"] == "")
        #expect(values["CURRENCY_SYMBOL"] == "₦")
    }

    @Test func theConversationsNewSettingsAreReadAndCheckedByName() throws {
        let set = Config(values: [
            "RECEIPT_EMAIL": "ask", "RESTAURANT_LOCATION": " 6.4281, 3.4216 ", "PREPARATION_MINUTES": "25",
        ])
        #expect(try set.asksReceiptEmail)
        #expect(try set.restaurantLocation == Coordinates(latitude: 6.4281, longitude: 3.4216))
        #expect(try set.count("PREPARATION_MINUTES") == 25)
        let defaults = Config(values: [:])
        #expect(try defaults.asksReceiptEmail == false)
        #expect(try defaults.restaurantLocation == nil)
        #expect(defaults["PREPARATION_MINUTES"] == "30")
        #expect(throws: ConfigError.self) { try Config(values: ["RECEIPT_EMAIL": "sometimes"]).asksReceiptEmail }
        #expect(throws: ConfigError.self) { try Config(values: ["RESTAURANT_LOCATION": "Ikeja"]).restaurantLocation }
        #expect(throws: ConfigError.self) { try Config(values: ["RESTAURANT_LOCATION": "95,3"]).restaurantLocation }
    }

    @Test func aBrokenLineIsAnErrorNamingTheLine() {
        #expect(throws: ConfigError.self) { try Config.parseEnvFile("OK=1\nthis is not a setting\n") }
        #expect(throws: ConfigError.self) { try Config.parseEnvFile("KEY=\"unterminated\n") }
    }

    @Test func theEnvironmentOverridesTheFile() throws {
        let path = NSTemporaryDirectory() + "whatsorder-\(UUID().uuidString).env"
        try "WHATSAPP_APP_SECRET=from-file\nLOG_LEVEL=debug\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try Config.load(environment: ["WHATSORDER_CONFIG": path, "WHATSAPP_APP_SECRET": "from-env"])
        #expect(config["WHATSAPP_APP_SECRET"] == "from-env")
        #expect(config["LOG_LEVEL"] == "debug")
        #expect(config["WHATSAPP_API_VERSION"] == "v25.0")
        #expect(config.source == path)
        // A FastCGI param can name the file when the process environment does not.
        #expect(try Config.load(environment: [:], params: ["WHATSORDER_CONFIG": path])["LOG_LEVEL"] == "debug")
    }

    @Test func aNamedFileThatIsMissingIsAnError() {
        #expect(throws: ConfigError.self) {
            try Config.load(environment: ["WHATSORDER_CONFIG": "/nonexistent/whatsorder.env"])
        }
    }

    @Test func databaseURLs() throws {
        #expect(try Config(values: [:]).databasePath() == "var/whatsorder.sqlite3")
        #expect(try Config(values: ["DATABASE_URL": "sqlite:///srv/db.sqlite3"]).databasePath() == "/srv/db.sqlite3")
        #expect(throws: ConfigError.self) { try Config(values: ["DATABASE_URL": "postgres://x/y"]).databasePath() }
        #expect(throws: ConfigError.self) { try Config(values: ["DATABASE_URL": "sqlite://relative"]).databasePath() }
    }

    @Test func secretsAreMaskedInTheReport() {
        let config = Config(values: ["WHATSAPP_APP_SECRET": "0123456789abcdef0123", "WHATSAPP_ACCESS_TOKEN": "short"])
        let report = Dictionary(uniqueKeysWithValues: config.maskedReport().map { ($0.key, $0.value) })
        #expect(report["WHATSAPP_APP_SECRET"] == "******23 (20 chars)")
        #expect(report["WHATSAPP_ACCESS_TOKEN"] == "****** (5 chars)")
        #expect(!config.maskedReport().contains { $0.value.contains("0123456789") })
    }

    @Test func eachModeNamesWhatItLacks() {
        let config = Config(values: ["WHATSAPP_APP_SECRET": "x"])
        #expect(config.missingKeys(for: .webhook) == ["WHATSAPP_VERIFY_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"])
        #expect(config.missingKeys(for: .sender) == ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"])
    }
}

@Suite struct TimeZoneTests {
    @Test func offsetsComeFromTheSystemZoneDatabase() throws {
        let lagos = try Live.utcOffset(zone: "Africa/Lagos")
        #expect(lagos(1_795_476_600_000) == 3600)
        let newYork = try Live.utcOffset(zone: "America/New_York")
        #expect(newYork(1_795_476_600_000) == -5 * 3600)  // November: EST
        #expect(newYork(1_782_907_200_000) == -4 * 3600)  // July 2026: EDT
        #expect(throws: ConfigError.self) { try Live.utcOffset(zone: "Mars/Olympus") }
        #expect(throws: ConfigError.self) { try Live.utcOffset(zone: "../etc/passwd") }
    }
}

@Suite struct SenderEnvironmentTests {
    /// Under fcgiwrap a handler's environment holds the client's headers as HTTP_*; the fallback sender it starts
    /// gets configuration keys and the basics only.
    @Test func theFallbackSenderGetsNoRequestVariables() {
        setenv("HTTP_X_WHATSORDER_TRIM_TEST", "http://evil.example", 1)
        setenv("QUERY_STRING", "hub.verify_token=secret", 1)
        defer {
            unsetenv("HTTP_X_WHATSORDER_TRIM_TEST")
            unsetenv("QUERY_STRING")
        }
        let names = SenderWakeup.senderEnvironment().map { String($0.prefix { $0 != "=" }) }
        #expect(!names.contains("HTTP_X_WHATSORDER_TRIM_TEST"))
        #expect(!names.contains("QUERY_STRING"))
        #expect(names.contains("PATH"))
        #expect(names.allSatisfy { name in Config.keys.contains { $0.name == name } || !name.hasPrefix("HTTP_") })
    }
}

@Suite struct ConfigCountTests {
    /// Found by reading for fuzz/: seconds × 1000 or a fee added to a total must not overflow and trap a handler.
    @Test func aCountBeyondATrillionIsAConfigurationError() throws {
        let config = Config(values: ["LATE_MESSAGE_AGE": "9223372036854775807", "DELIVERY_FEE": "1000000000000"])
        #expect(throws: ConfigError.self) { try config.count("LATE_MESSAGE_AGE") }
        #expect(try config.count("DELIVERY_FEE") == 1_000_000_000_000)
    }
}

@Suite struct ProcessEnvironmentTests {
    /// A handler's environment is what configuration reads: the file's name and the keys, nothing else (under
    /// fcgiwrap a CGI process gets every request header as a variable too).
    @Test func onlyTheConfigurationsNamesAreRead() {
        let process = [
            "WHATSORDER_CONFIG": "/etc/whatsorder/whatsorder.env", "LOG_LEVEL": "debug",
            "HTTP_X_NOT_CONFIGURATION": "x", "PATH": "/usr/bin",
        ]
        var asked: [String] = []
        let environment = configurationEnvironment { name in
            asked.append(name)
            return process[name]
        }
        #expect(environment == ["WHATSORDER_CONFIG": "/etc/whatsorder/whatsorder.env", "LOG_LEVEL": "debug"])
        #expect(Set(asked) == Set(["WHATSORDER_CONFIG"] + Config.keys.map(\.name)))
    }
}

/// One fallback sender at a time, and senders known by pid and start time.
@Suite struct SenderGateTests {
    @Test func onlyOneFallbackRunsAndARequestDuringItsPassGetsAnotherPass() throws {
        let directory = NSTemporaryDirectory() + "whatsorder-gate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gate = FallbackGate(socketPath: directory + "/sender.sock")
        #expect(gate.request(), "nobody holds the lock: the handler starts a sender")
        var passes = 0
        let ran = gate.runExclusively {
            passes += 1
            if passes == 1 {
                // A handler commits a reply during the pass: it must not start a second sender…
                #expect(!gate.request())
                // …and a sender started anyway finds the lock taken and leaves at once.
                var inner = 0
                #expect(!gate.runExclusively { inner += 1 })
                #expect(inner == 0)
            }
        }
        #expect(ran)
        // The request made during the first pass got a pass of its own.
        #expect(passes == 2)
        #expect(gate.request())
    }

    @Test func aSenderIsKnownByItsPidAndStartTime() {
        let me = SenderIdentity.current
        #expect(SenderIdentity.isRunning(me))
        let host = SenderIdentity.hostName
        #expect(me.hasPrefix(host + "/"))
        let pid = me.dropFirst(host.count + 1).split(separator: ":")[0]
        #expect(
            !SenderIdentity.isRunning("\(host)/\(pid):1"), "the same pid started at another time is another process")
        #expect(!SenderIdentity.isRunning("\(host)/4194304:1"), "above the kernel's largest pid: no such process")
        #expect(!SenderIdentity.isRunning("4194304:1"), "an owner written before host names: this machine's")
        #expect(SenderIdentity.isRunning("not an owner"), "unreadable: its rows wait out their lease")
        // Another box sharing the PostgreSQL database: its pids mean nothing here, so its lease decides.
        #expect(SenderIdentity.isRunning("another-box/4194304:1"))
    }

    /// A sender killed with -9 whose parent has not reaped it is a zombie: its pid and start time still read, but
    /// it holds nothing.
    @Test func aKilledSenderNotYetReapedIsNotRunning() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        let pid = child.processIdentifier
        let owner = "\(pid):\(try #require(SenderIdentity.startTime(of: pid)))"
        #expect(SenderIdentity.isRunning(owner))
        kill(pid, SIGKILL)
        // Foundation reaps its children on a thread of its own; until it does, the child is a zombie.
        var gone = false
        for _ in 0..<100 where !gone {
            gone = !SenderIdentity.isRunning(owner)
            usleep(10_000)
        }
        #expect(gone)
        child.waitUntilExit()
    }
}
