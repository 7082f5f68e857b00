# formats/: on-disk formats (libnxformats) and their unit tests.
# Users link $(FORMATS_LIB) $(FORMATS_LDLIBS).
FORMATS_SRCS := $(wildcard formats/*.c)
FORMATS_OBJS := $(FORMATS_SRCS:%.c=$(BUILD)/%.o)
FORMATS_LDLIBS := -lsodium

$(FORMATS_LIB): $(FORMATS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

FORMATS_TESTS := capnp manifest toml sig nxb
$(FORMATS_TESTS:%=$(BUILD)/tests/test_%): $(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o \
		$(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(FORMATS_LDLIBS) -lcmocka

UNIT_TESTS += $(FORMATS_TESTS:%=$(BUILD)/tests/test_%)
