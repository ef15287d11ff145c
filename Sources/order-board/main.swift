import Bootstrap
import FastCGIHost

// The staff's order board at /staff/ (nginx's basic auth in front). Same three modes as every handler.
let environment = currentEnvironment()
let config = PostgresHandoff.execIfConfigured(handler: "order-board", environment: environment)
let runtime = HandlerRuntime(environment: environment, preloaded: config)
Host.serve(options: .fromCommandLine()) { request in runtime.orderBoard(request) }
runtime.close()
