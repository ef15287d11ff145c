import Bootstrap
import FastCGIHost

// The Paystack endpoint: payment events. Same three modes as every handler; the logic lives in App.
PostgresHandoff.execIfConfigured(handler: "paystack-webhook")
let runtime = HandlerRuntime()
Host.serve(options: .fromCommandLine()) { request in runtime.paystackWebhook(request) }
runtime.close()
