# sdk/: the payload SDK. bin/nexus-cc is this directory's script; beside it,
# bin/sdk/ holds the payload runtime it compiles and links against, built
# from fixtures/rt/ (fixtures/build.mk compiles it):
#   include/          nxrt.h, nx_syscall.h and the ABI headers (include/nexus/)
#   lib/crt0.o        the entry point, _start
#   lib/libnxrt.a     the rest of the Nexus runtime (start, hooks, strings, print, parse,
#                     children of the payload's own image)
#   lib/link.ld       the payload layout
# NEXUS_CC, SDK_DIR and NEXUS_SDK are named in the top Makefile. The
# fixture payloads build with it; docs/payloads.md is its manual.
SDK_AR := llvm-ar

$(NEXUS_CC): sdk/nexus-cc
	@mkdir -p $(@D)
	install -m 755 $< $@

$(SDK_DIR)/lib/crt0.o: $(FIX_OBJ)/rt/crt0.o
	@mkdir -p $(@D)
	install -m 644 $< $@

$(SDK_DIR)/lib/libnxrt.a: $(filter-out %/crt0.o,$(FIX_RT_NEXUS)) $(FIX_RT_TASK)
	@mkdir -p $(@D)
	rm -f $@
	$(SDK_AR) rcs $@ $^

$(SDK_DIR)/lib/link.ld: fixtures/rt/link.ld
	@mkdir -p $(@D)
	install -m 644 $< $@

$(SDK_DIR)/include/nexus/%.h: include/nexus/%.h
	@mkdir -p $(@D)
	install -m 644 $< $@

$(SDK_DIR)/include/%.h: fixtures/rt/%.h
	@mkdir -p $(@D)
	install -m 644 $< $@

PRODUCT += $(NEXUS_SDK)
E2E_TESTS += tests/e2e/nexus_cc.sh
