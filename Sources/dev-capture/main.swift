import Bootstrap
import CurlHTTP
import FastCGIHost
import HTTPClient

// Dev mode only: the local stack's stand-in for Meta's Graph API and Paystack, at /dev/ (never in the production
// site). Same three modes as every handler; the logic lives in App.
let runtime = HandlerRuntime()
let curl = try? CurlTransport()
Host.serve(options: .fromCommandLine()) { request in
    runtime.devCapture(request, transport: curl?.transport ?? .unimplemented)
}
runtime.close()
