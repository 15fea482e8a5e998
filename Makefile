# Thin wrapper over CMake (Redis habits: make, make test, make asan, make demo).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps test-deps build test test-debug test-asan asan demo bench fuzz clean

all: build

deps:
	@sh tools/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHR_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHR_SANITIZE=ON -DHR_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)

test-deps:
	@sh tools/test-deps.sh

test-debug: build test-deps
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: asan test-deps
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS)

# The whole suite: normal build, then everything again under ASan+UBSan,
# then the source checks.
test: test-debug test-asan
	@sh tools/checksrc.sh
	@echo "make test: all suites passed"

demo: build
	@sh examples/soulsync/demo.sh $(BUILD)

bench: build
	@sh bench/run.sh $(BUILD)

fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DHR_FUZZ=ON -DHR_SANITIZE=ON >/dev/null
	@cmake --build build-fuzz -j$(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
