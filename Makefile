# The two commands that matter: `make run` (the product on 127.0.0.1:8080) and `make test` (every test).
.PHONY: run stop test lint format bench build demo

run:
	scripts/run-local

stop:
	scripts/stack stop --dir var

# A scripted customer orders and pays against the running dev-mode stack (`make run` first).
demo:
	cgi-bin/whatsorder demo --config var/whatsorder.env

test:
	scripts/test

build:
	scripts/build

lint:
	swift format lint --strict --recursive Package.swift Sources Tests fuzz/Package.swift fuzz/Targets fuzz/Support

format:
	swift format format --in-place --recursive Package.swift Sources Tests

bench:
	bench/run
