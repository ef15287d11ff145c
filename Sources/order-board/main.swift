import Bootstrap
import FastCGIHost

// The staff's order board at /staff/ (nginx's basic auth in front). Same three modes as every handler.
PostgresHandoff.execIfConfigured(handler: "order-board")
let runtime = HandlerRuntime()
Host.serve(options: .fromCommandLine()) { request in runtime.orderBoard(request) }
runtime.close()
