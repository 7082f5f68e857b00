# formats/: on-disk formats (libnxformats) and their unit tests.
# Users link $(FORMATS_LIB) and -lsodium.
FORMATS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard formats/*.c))
$(BUILD)/formats/%.o: INC := $(INC_FORMATS)
$(FORMATS_LIB): $(FORMATS_OBJS)
HOST_LIBS += $(FORMATS_LIB)

FORMATS_TESTS := $(addprefix $(BUILD)/tests/test_,capnp manifest toml sig nxb)
$(FORMATS_TESTS): $(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(HOST_LIB) $(FORMATS_LIB)
$(FORMATS_TESTS): LIBS := -lsodium -lcmocka
HOST_PROGS += $(FORMATS_TESTS)
TEST_BINS += $(FORMATS_TESTS)
UNIT_TESTS += $(FORMATS_TESTS)
