# make bench: a payload on Unicorn with no kernel around it (the bare
# engine anchor of scripts/bench).
$(BUILD)/bench/bare-engine: $(BUILD)/tests/bench/bare_engine.o $(LOADER_LIB)
$(BUILD)/bench/bare-engine: LIBS := $(UNICORN_LIBS)
HOST_PROGS += $(BUILD)/bench/bare-engine
BENCH_BINS += $(BUILD)/bench/bare-engine
# The host's pipe round trip, beside the channel round trip between two tasks.
$(BUILD)/bench/pipe-rtt: $(BUILD)/tests/bench/pipe_rtt.o
HOST_PROGS += $(BUILD)/bench/pipe-rtt
BENCH_BINS += $(BUILD)/bench/pipe-rtt
# The host's posix_spawn of a static binary, beside nx_spawn_path.
$(BUILD)/bench/spawn-host: $(BUILD)/tests/bench/spawn_host.o
$(BUILD)/bench/spawn-host: LIBS := -static
HOST_PROGS += $(BUILD)/bench/spawn-host
BENCH_BINS += $(BUILD)/bench/spawn-host
