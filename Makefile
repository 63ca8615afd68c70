# kinetl — build, test, benchmark, fuzz.
#   make          build/kinetl (release, -O2)
#   make test     every test: unit tests in release and ASan/UBSan builds,
#                 CLI and interop tests against DuckDB/Polars/arrow-rs, fuzz smoke
#   make bench    benchmarks (figures as ratios against peers, same run)
#   make bench-large  1,000 ten-minute runs through kinetl run, RSS sampled (long)
#   make fuzz     libFuzzer campaign on the Parquet reader (FUZZ_SECONDS, default 600)
#   make demo     fresh machine -> processed sample lake
# Sources are discovered by wildcard: a new .c under src/ or tests/unit/
# needs no Makefile edit.

CC      ?= cc
VERSION := 0.1.0
BUILD   := build
ASAN    := $(BUILD)/asan

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation
BASE    := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -DKT_VERSION='"$(VERSION)"' \
           -Isrc -pthread $(WARN) -MMD -MP
CFLAGS_RELEASE := $(BASE) -O2 -g
CFLAGS_ASAN    := $(BASE) -O1 -g -fno-omit-frame-pointer \
                  -fsanitize=address,undefined -fno-sanitize-recover=all
LDLIBS  := -lzstd -lsnappy -lz -llz4 -lbrotlienc -lbrotlidec -ljansson \
           -lsqlite3 -lxxhash -lm -pthread

LIB_SRC  := $(shell find src/core src/format src/lake src/pipeline src/gen src/orchestrate -name '*.c' 2>/dev/null | sort)
CLI_SRC  := $(shell find src/cli -name '*.c' 2>/dev/null | sort)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_SUPPORT := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))

LIB_OBJ       := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ       := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
LIB_OBJ_ASAN  := $(LIB_SRC:%.c=$(ASAN)/obj/%.o)
CLI_OBJ_ASAN  := $(CLI_SRC:%.c=$(ASAN)/obj/%.o)
TEST_BIN      := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_BIN_ASAN := $(TEST_SRC:tests/unit/%.c=$(ASAN)/tests/%)
SUPPORT_OBJ      := $(TEST_SUPPORT:%.c=$(BUILD)/obj/%.o)
SUPPORT_OBJ_ASAN := $(TEST_SUPPORT:%.c=$(ASAN)/obj/%.o)

.PHONY: all test unit-test bench bench-large fuzz fuzz-smoke demo deps clean check-layers
.SECONDARY:
all: $(BUILD)/kinetl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(CFLAGS_RELEASE) -c $< -o $@

$(ASAN)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (asan)"
	@$(CC) $(CFLAGS_ASAN) -c $< -o $@

$(BUILD)/libkinetl.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(ASAN)/libkinetl.a: $(LIB_OBJ_ASAN)
	@mkdir -p $(dir $@)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/kinetl: $(CLI_OBJ) $(BUILD)/libkinetl.a
	@echo "  LINK  $@"
	@$(CC) $(CFLAGS_RELEASE) -o $@ $(CLI_OBJ) $(BUILD)/libkinetl.a $(LDLIBS)

$(ASAN)/kinetl: $(CLI_OBJ_ASAN) $(ASAN)/libkinetl.a
	@echo "  LINK  $@"
	@$(CC) $(CFLAGS_ASAN) -o $@ $(CLI_OBJ_ASAN) $(ASAN)/libkinetl.a $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(SUPPORT_OBJ) $(BUILD)/libkinetl.a
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	@$(CC) $(CFLAGS_RELEASE) -o $@ $< $(SUPPORT_OBJ) $(BUILD)/libkinetl.a $(LDLIBS)

$(ASAN)/tests/%: $(ASAN)/obj/tests/unit/%.o $(SUPPORT_OBJ_ASAN) $(ASAN)/libkinetl.a
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	@$(CC) $(CFLAGS_ASAN) -o $@ $< $(SUPPORT_OBJ_ASAN) $(ASAN)/libkinetl.a $(LDLIBS)

deps:
	@bash scripts/deps.sh

# Every test, both builds; the runner ends with "N passed, N failed".
test: deps $(BUILD)/kinetl $(ASAN)/kinetl $(TEST_BIN) $(TEST_BIN_ASAN)
	@bash scripts/check-layers.sh
	@KINETL=$(BUILD)/kinetl KINETL_ASAN=$(ASAN)/kinetl bash tests/run.sh \
	    $(TEST_BIN) $(TEST_BIN_ASAN)

unit-test: $(TEST_BIN) $(TEST_BIN_ASAN)
	@bash tests/run.sh --unit-only $(TEST_BIN) $(TEST_BIN_ASAN)

check-layers:
	@bash scripts/check-layers.sh

# ---- fuzzing (clang libFuzzer) ----
FUZZ_SECONDS ?= 600
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -DKT_VERSION='"$(VERSION)"' \
               -Isrc -pthread -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: deps $(FUZZ_TARGETS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-smoke: $(FUZZ_TARGETS)
	@FUZZ_SECONDS=20 bash tests/fuzz/run.sh $(FUZZ_TARGETS)

# ---- benchmarks ----
# bench/*.c are benchmark programs linked with libkinetl.a; BENCH=name runs one.
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(BUILD)/libkinetl.a
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	@$(CC) $(CFLAGS_RELEASE) -o $@ $< $(BUILD)/libkinetl.a $(LDLIBS)

bench: deps $(BUILD)/kinetl $(BENCH_BIN)
	@BENCH="$(BENCH)" bash bench/run.sh

# 1,000 ten-minute runs generated and processed, RSS sampled (bench/large/run.sh)
bench-large: deps $(BUILD)/kinetl
	@BENCH=large bash bench/run.sh

demo: deps $(BUILD)/kinetl
	@bash scripts/demo.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
