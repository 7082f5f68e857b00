# loader/: nexus-loader, a host static library plus the same sources built
# freestanding for RISC-V to prove they need no libc.
LOADER_SRCS := $(wildcard loader/*.c)
LOADER_OBJS := $(LOADER_SRCS:%.c=$(BUILD)/%.o)
LOADER_RV_OBJS := $(LOADER_SRCS:loader/%.c=$(BUILD)/loader/rv/%.o)
LOADER_RV_PROOF := $(BUILD)/loader/rv/freestanding.ok
$(BUILD)/loader/%.o: INC := $(INC_LOADER)
$(LOADER_LIB): $(LOADER_OBJS)
HOST_LIBS += $(LOADER_LIB)

$(BUILD)/loader/rv/%.o: loader/%.c
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -Iloader -MMD -MP -c $< -o $@

# The proof: the RISC-V objects reference no symbol the loader does not
# define itself (no memcpy/memset slipped in by the compiler).
$(LOADER_RV_PROOF): $(LOADER_RV_OBJS)
	@undef=$$(llvm-nm --undefined-only $^ | awk 'NF == 2 { print $$2 }' | sort -u); \
	defined=$$(llvm-nm --defined-only $^ | awk 'NF == 3 { print $$3 }' | sort -u); \
	missing=$$(printf '%s\n' "$$undef" | grep -vxF -e "$$defined" -e '' || true); \
	if [ -n "$$missing" ]; then echo "loader: freestanding build needs: $$missing" >&2; exit 1; fi
	@touch $@

PRODUCT += $(LOADER_LIB)
TEST_BINS += $(LOADER_RV_PROOF)

# Tests: the ELF mutation generator (tests/gen/), the loader's own
# default-layout fixture, the unit tests and the end-to-end scripts.
ELFGEN := $(BUILD)/tests/elfgen
LOADER_FIXTURE := $(BUILD)/tests/gen/lld-default.elf
ELFGEN_OBJ := $(BUILD)/tests/gen/mutate.o

$(ELFGEN): $(BUILD)/tests/gen/elfgen.o $(ELFGEN_OBJ)

$(LOADER_FIXTURE): tests/gen/lld_default.c
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) $(RV_LDFLAGS) -o $@ $<

$(BUILD)/tests/test_loader: $(BUILD)/tests/unit/test_loader.o $(ELFGEN_OBJ) $(LOADER_LIB) \
	| $(LOADER_FIXTURE)
$(BUILD)/tests/test_stack: $(BUILD)/tests/unit/test_stack.o $(LOADER_LIB)
$(BUILD)/tests/test_loader $(BUILD)/tests/test_stack: LIBS := -lcmocka

HOST_PROGS += $(ELFGEN) $(BUILD)/tests/test_loader $(BUILD)/tests/test_stack
TEST_BINS += $(ELFGEN) $(LOADER_FIXTURE) $(BUILD)/tests/test_loader $(BUILD)/tests/test_stack
UNIT_TESTS += $(BUILD)/tests/test_loader $(BUILD)/tests/test_stack
E2E_TESTS += tests/e2e/loader_oracle.sh tests/e2e/inspect_elf.sh
