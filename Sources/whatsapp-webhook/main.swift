import Bootstrap
import FastCGIHost

// The WhatsApp endpoint. The same binary serves a piped request, CGI under fcgiwrap, and FastCGI under
// spawn-fcgi; FastCGIHost tells which, everything testable lives in App.
// `--threads N` (FastCGI) serves N requests at once, their database work committed together.
let options = Host.Options.fromCommandLine()
let environment = currentEnvironment()
let config = PostgresHandoff.execIfConfigured(handler: "whatsapp-webhook", environment: environment)
let runtime = HandlerRuntime(environment: environment, threaded: options.threads > 1, preloaded: config)
Host.serveConcurrently(options: options) { request in runtime.whatsAppWebhook(request) }
runtime.close()
