# The two commands that matter: `make run` (the product on 127.0.0.1:8080) and `make test` (every test).
.PHONY: run stop test lint format bench build

run:
	scripts/run-local

stop:
	scripts/stack stop --dir var

test:
	scripts/test

build:
	scripts/build

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format format --in-place --recursive Package.swift Sources Tests

bench:
	bench/run
