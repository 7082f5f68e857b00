# The layering check: each line names a layer's include paths and a
# header that layer must NOT reach. Compiling `#include "HEADER"` with
# those paths must fail; if one compiles, a back-edge slipped into the
# include paths and the build stops. (Layers are drawn in the top Makefile.)
LAYER_EDGES := \
	SIM:nxd.h SIM:nxd_loop.h SIM:bstore.h SIM:init.h \
	KERNEL:wire.h KERNEL:ksim.h KERNEL:nxd.h KERNEL:loader.h KERNEL:manifest.h \
	FORMATS:loader.h FORMATS:kobj.h FORMATS:wire.h FORMATS:nxd.h FORMATS:ksim.h \
	LOADER:manifest.h LOADER:kobj.h LOADER:wire.h \
	WIRE:nxd.h WIRE:kobj.h WIRE:ksim.h \
	HOST:kobj.h HOST:nxd.h HOST:ksim.h \
	NXD:kobj.h NXD:ksim.h NXD:cpu_unicorn.h NXD:init.h \
	EXECD:kobj.h EXECD:ksim.h EXECD:init.h EXECD:bm.h EXECD:loop_impl.h EXECD:daemon_impl.h \
	INIT:loop_impl.h INIT:daemon_impl.h INIT:kobj.h INIT:exec_req.h INIT:registry.h
LAYER_INC_SIM := $(INC_SIM)
LAYER_INC_KERNEL := $(INC_KERNEL)
LAYER_INC_FORMATS := $(INC_FORMATS)
LAYER_INC_LOADER := $(INC_LOADER)
LAYER_INC_WIRE := $(INC_WIRE)
LAYER_INC_HOST := $(INC_HOST)
LAYER_INC_NXD := $(INC_NXD)
LAYER_INC_EXECD := $(call inc_daemon,execd)
LAYER_INC_INIT := $(call inc_daemon,init)
LAYERING_PROOF := $(BUILD)/tests/layering.ok

$(LAYERING_PROOF): Makefile tests/layering/build.mk
	@mkdir -p $(@D)
	@for e in $(LAYER_EDGES); do \
		layer=$${e%%:*} hdr=$${e#*:}; \
		[ -n "$$(find include loader formats wire kernel host sim daemons -name "$$hdr")" ] || \
			{ echo "layering: no header $$hdr in the tree" >&2; exit 1; }; \
		case $$layer in \
		SIM) inc="$(LAYER_INC_SIM)";; KERNEL) inc="$(LAYER_INC_KERNEL)";; \
		FORMATS) inc="$(LAYER_INC_FORMATS)";; LOADER) inc="$(LAYER_INC_LOADER)";; \
		WIRE) inc="$(LAYER_INC_WIRE)";; HOST) inc="$(LAYER_INC_HOST)";; \
		NXD) inc="$(LAYER_INC_NXD)";; EXECD) inc="$(LAYER_INC_EXECD)";; \
		INIT) inc="$(LAYER_INC_INIT)";; esac; \
		if printf '#include "%s"\n' "$$hdr" | \
			$(CC) $$inc -fsyntax-only -x c - 2>/dev/null; then \
			echo "layering: $$layer can include $$hdr: a back-edge" >&2; exit 1; \
		fi; \
	done
	@touch $@

TEST_BINS += $(LAYERING_PROOF)
