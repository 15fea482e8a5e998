# Thin wrapper over CMake (Redis habits: make, make test, make install, make deb).
# `make` builds the binary and its man pages, and prints one line per step
# and the warnings: Ninja when it is installed (tools/deps.sh installs it),
# else CMake's Makefiles without the directory chatter. Tests and tools are
# built by `make test`, `make demo` and `make bench` only.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local
DESTDIR ?=
MAKEFLAGS += --no-print-directory

# $(call configure,DIR,CMAKE ARGS): a new build directory gets Ninja when it
# is installed; an existing one keeps the generator it was made with.
define configure
	@gen=$$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' $(1)/CMakeCache.txt 2>/dev/null); \
	if [ -z "$$gen" ] && command -v ninja >/dev/null 2>&1; then gen=Ninja; fi; \
	cmake -S . -B $(1) $${gen:+-G "$$gen"} $(2) >/dev/null
endef

.PHONY: all deps test-deps build build-tests test test-debug test-asan asan demo bench fuzz \
	install uninstall deb format clean

all: build

deps:
	@sh tools/deps.sh

build: deps
	$(call configure,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHR_WERROR=ON)
	@cmake --build $(BUILD) -j$(JOBS)

# The unit and CLI tests, the fuzz-corpus replays and the tools they run.
build-tests: build
	@cmake --build $(BUILD) -j$(JOBS) --target tests

asan: deps
	$(call configure,$(ASAN_BUILD),-DCMAKE_BUILD_TYPE=Debug -DHR_SANITIZE=ON -DHR_WERROR=ON)
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target all tests

test-deps:
	@sh tools/test-deps.sh

test-debug: build-tests test-deps
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: asan test-deps
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS)

# The whole suite: normal build, then everything again under ASan+UBSan,
# then the source checks (layers, banned calls, format).
test: test-debug test-asan
	@sh tools/checksrc.sh
	@echo "make test: all suites passed"

demo: build
	@cmake --build $(BUILD) -j$(JOBS) --target tools
	@sh examples/soulsync/demo.sh $(BUILD)

bench: build
	@cmake --build $(BUILD) -j$(JOBS) --target tools
	@sh bench/run.sh $(BUILD)

fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DHR_FUZZ=ON -DHR_SANITIZE=ON >/dev/null
	@cmake --build build-fuzz -j$(JOBS)

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: the binary, the man
# pages, the systemd unit, the docs and an example configuration
# (docs/deployment.md, "Installing"). make uninstall removes exactly what
# make install with the same PREFIX and DESTDIR puts there.
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

uninstall:
	@DESTDIR="$(DESTDIR)" sh tools/uninstall.sh $(BUILD) "$(PREFIX)"

# make deb: $(BUILD)/headroom_<version>_<arch>.deb (dpkg-deb; Depends from
# the libraries the binary links, by dpkg-shlibdeps; docs/deployment.md).
deb: build
	@sh tools/deb.sh $(BUILD) $(BUILD)

# make format: .clang-format applied to the C files of src/, tests/ and
# tools/ (but tools/format-skip's); tools/checksrc.sh, run by make test and
# so by CI, fails on a file it would change.
format:
	@sh tools/format.sh apply

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
