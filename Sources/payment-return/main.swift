import Bootstrap
import FastCGIHost

// The page a customer's browser lands on after paying. Reads only; the logic lives in App.
let environment = currentEnvironment()
let config = PostgresHandoff.execIfConfigured(handler: "payment-return", environment: environment)
let runtime = HandlerRuntime(environment: environment, preloaded: config)
Host.serve(options: .fromCommandLine()) { request in runtime.paymentReturn(request) }
runtime.close()
