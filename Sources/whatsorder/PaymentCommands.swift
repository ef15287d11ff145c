import App
import ArgumentParser
import Bootstrap
import CurlHTTP
import Domain
import Foundation
import Storage

struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reconcile and inspect Paystack payments.", subcommands: [Reconcile.self, List.self])

    struct Reconcile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify open payments with Paystack and expire stale payment links.",
            discussion: """
                Paystack sends no event for a failed or abandoned payment, and webhooks can be lost. Run this \
                every minute (cron or a systemd timer; the local stack does): payments older than \
                PAYMENT_RECONCILE_AGE are verified, a success confirms the order exactly as the webhook would, \
                and an order whose newest link is older than PAYMENT_LINK_TTL is expired and its customer told \
                to type "pay" for a fresh link. Exits 69 when Paystack could not be asked about every payment.
                """)
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let missing = config.missingKeys(for: .payments)
                if !missing.isEmpty {
                    throw Failure.configuration("missing for payments: \(missing.joined(separator: ", "))")
                }
                let log = Live.stderrLogger(config: config, component: "payments-reconcile")
                let payments: PaymentDesk
                let settings: PaymentReconciler.Settings
                do {
                    payments = try Live.paymentDesk(config)
                    settings = PaymentReconciler.Settings(
                        apiURL: config["PAYSTACK_API_URL"], secretKey: config["PAYSTACK_SECRET_KEY"],
                        verifyAfter: Int64(try config.count("PAYMENT_RECONCILE_AGE")) * 1000,
                        linkTTL: Int64(try config.count("PAYMENT_LINK_TTL")) * 1000)
                } catch {
                    throw Failure.configuration("\(error)")
                }
                let transport: CurlTransport
                do {
                    transport = try CurlTransport()
                } catch {
                    throw Failure.internal("\(error)")
                }
                let reconciler = PaymentReconciler(
                    settings: settings, payments: payments, store: store, transport: transport.transport,
                    now: Live.nowMilliseconds, log: log)
                let report = try reconciler.run()
                if report.outboxRows > 0 { SenderWakeup(config: config, log: log).wake() }
                print(report)
                if report.unanswered > 0 {
                    throw Failure.unavailable("Paystack did not answer for \(report.unanswered) payments")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show payment attempts and the Paystack events recorded for them.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (_, store) = try options.openStore()
                defer { store.close() }
                print("reference\torder\tstatus\tamount")
                for payment in try store.payments() {
                    print(
                        "\(payment.reference)\t\(payment.orderCode)\t\(payment.status)\t"
                            + "\(payment.amount.rawValue) \(payment.currency)")
                }
                print("\nsource\tevent\treference\toutcome\tdetail")
                for event in try store.paymentEvents() {
                    print(
                        "\(event.source)\t\(event.event)\t\(event.reference ?? "-")\t\(event.outcome)\t"
                            + (event.detail ?? ""))
                }
            }
        }
    }
}
