import Bootstrap
import FastCGIHost

// The page a customer's browser lands on after paying. Reads only; the logic lives in App.
PostgresHandoff.execIfConfigured(handler: "payment-return")
let runtime = HandlerRuntime()
Host.serve(options: .fromCommandLine()) { request in runtime.paymentReturn(request) }
runtime.close()
