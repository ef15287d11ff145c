import Bootstrap
import FastCGIHost

// The WhatsApp endpoint. The same binary serves a piped request, CGI under fcgiwrap, and FastCGI under
// spawn-fcgi; FastCGIHost tells which, everything testable lives in App.
let runtime = HandlerRuntime()
Host.serve(options: .parse(CommandLine.arguments)) { request in runtime.whatsAppWebhook(request) }
runtime.close()
