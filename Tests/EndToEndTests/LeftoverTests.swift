import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Nothing a test run starts outlives it (issue 21): the checks that say so must themselves catch a leftover.
@Suite(.serialized) struct LeftoverTests {
    /// A name no other process has, for a `sleep` that can then be found by its command line.
    static func marker() -> String { "whatsorder-leftover-probe-\(UUID().uuidString.prefix(8))" }

    @Test func noLeftoversNamesAndStopsADetachedProcessAndFails() throws {
        let marker = Self.marker()
        // setsid and a backgrounded subshell: out of the command's session and process group, as a daemon is.
        let command =
            "scripts/no-leftovers --name probe -- bash -c "
            + "'(setsid bash -c \"exec -a \(marker) sleep 300\" </dev/null >/dev/null 2>&1 &); echo started'"
        let output: String
        do {
            output = try shell(command, in: Stack.root)
            Issue.record("no-leftovers passed a run that left a process behind:\n\(output)")
            return
        } catch {
            output = "\(error)"
        }
        #expect(output.contains("status 256"), "exit status 1: \(output)")
        #expect(output.contains("1 process(es) that probe started are still running after it"), "\(output)")
        #expect(output.contains(marker), "the leftover is named by its command line: \(output)")
        #expect(ProcessTable.alive(mentioning: marker).isEmpty, "and it is stopped")
    }

    @Test func noLeftoversPassesAFinishedRunAndKeepsTheCommandsStatus() throws {
        let clean = try shell(
            "scripts/no-leftovers --name probe -- bash -c 'sleep 0.2 & echo done'", in: Stack.root)
        #expect(clean.contains("done"))
        #expect(clean.contains("every process that probe started has ended"))
        #expect(throws: (any Error).self) {
            try shell("scripts/no-leftovers --name probe -- bash -c 'exit 3'", in: Stack.root)
        }
        let status = try shell(
            "scripts/no-leftovers --name probe -- bash -c 'exit 3' || echo \"exit $?\"", in: Stack.root)
        #expect(status.contains("exit 3"))
    }

    /// A sender that no pid file names (a handler's fallback `outbox send --once`, one started by hand) is bound to
    /// the stack by its configuration: stopping the stack ends it too, and the stack's own check finds nothing left.
    @Test func stoppingAStackEndsTheSendersBoundToItsConfiguration() throws {
        let stack = try Stack(mode: .cgi, sender: false, workers: 1)
        defer { stack.stop() }
        let pid = try stack.run(
            "setsid cgi-bin/whatsorder sender --config \(stack.configPath) >>\(stack.directory)/log/stray.log 2>&1 &"
                + " echo $!")
        let sender = try #require(Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessTable.alive().contains { $0.pid == sender })
        stack.stop()
        #expect(!ProcessTable.alive().contains { $0.pid == sender })
    }

    /// The check every end-to-end test runs when its stack stops: a process bound to the stack that its stop did not
    /// end is a failure of that test, and is killed.
    @Test func aProcessTheStackDoesNotKnowFailsTheTestThatLeftIt() throws {
        let stack = try Stack(mode: .cgi, sender: false, workers: 1)
        defer { stack.stop() }
        let marker = Self.marker()
        // One names the stack's directory on its command line, one carries its configuration in its environment.
        try stack.run(
            "setsid bash -c 'exec -a \(stack.directory)/\(marker) sleep 300' </dev/null >/dev/null 2>&1 &")
        let probe = try shell(
            "WHATSORDER_CONFIG=\(stack.configPath) setsid bash -c 'exec -a \(marker)-env sleep 300' </dev/null"
                + " >/dev/null 2>&1 & echo $!", in: Stack.root)
        #expect(Int32(probe.trimmingCharacters(in: .whitespacesAndNewlines)) != nil)
        #expect(!ProcessTable.alive(mentioning: marker).isEmpty)
        withKnownIssue("the stray processes are reported") {
            stack.stop()
        }
        #expect(ProcessTable.alive(mentioning: marker).isEmpty)
    }
}
