# tools/: nxkey, nxb-pack, and the toml-dump test helper; the fixture
# bundles they build come from fixtures/bundles.mk.
TOOLS_LIBS := $(FORMATS_LIB) $(FORMATS_LDLIBS)

$(BIN)/nxkey: $(BUILD)/tools/nxkey.o $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TOOLS_LIBS)

$(BIN)/nxb-pack: $(BUILD)/tools/nxb_pack.o $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TOOLS_LIBS)

$(BUILD)/tests/toml-dump: $(BUILD)/tools/toml_dump.o $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TOOLS_LIBS)

BINS += $(BIN)/nxkey $(BIN)/nxb-pack $(BUILD)/tests/toml-dump

include fixtures/bundles.mk

E2E_TESTS += tests/e2e/capnp_oracle.sh tests/e2e/toml_oracle.sh tests/e2e/nxb_pack.sh
