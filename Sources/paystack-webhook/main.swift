import Bootstrap
import FastCGIHost

// The Paystack endpoint: payment events. Same three modes as every handler; the logic lives in App.
let environment = currentEnvironment()
let config = PostgresHandoff.execIfConfigured(handler: "paystack-webhook", environment: environment)
let runtime = HandlerRuntime(environment: environment, preloaded: config)
Host.serve(options: .fromCommandLine()) { request in runtime.paystackWebhook(request) }
runtime.close()
