# The two commands a new user runs. Both install what they need through hack/.
SHELL := /bin/bash
MVN ?= mvn -B -ntp

.PHONY: demo test build setup

setup:
	bash hack/ensure-all.sh

build: setup
	$(MVN) -q -DskipTests install

demo: build
	bash hack/demo.sh

test: setup
	$(MVN) verify
