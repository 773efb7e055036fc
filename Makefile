# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat: `make` builds build/libvfiocompat.so; `make demo` is the main
# job; `make check` runs every test (unit, host integration, VM lab).

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DOCDIR ?= $(PREFIX)/share/doc/vfiocompat
DESTDIR ?=

B ?= build
CC ?= cc
SAN ?=
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -Iinclude -Ishim
SANFLAGS := -fsanitize=address -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS_SAN := $(if $(SAN),$(SANFLAGS))
CFLAGS += $(CFLAGS_BASE) $(CFLAGS_SAN)
LDFLAGS += $(CFLAGS_SAN)

SHIM_SRC := shim/decode.c shim/feature.c shim/classify.c shim/config.c shim/fmt.c \
	shim/stats.c shim/report.c shim/bar.c shim/iova.c shim/attach.c shim/sysfs.c shim/errmap.c \
	shim/core.c shim/preload.c shim/preload_ioctl.c
# The pure part, linked into unit tests without any interposition.
PURE_SRC := shim/decode.c shim/feature.c shim/classify.c shim/config.c shim/fmt.c \
	shim/stats.c shim/report.c shim/bar.c shim/iova.c shim/attach.c shim/errmap.c

SHIM_OBJ := $(SHIM_SRC:%.c=$(B)/pic/%.o)
PURE_OBJ := $(PURE_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
HELPER_SRC := $(wildcard tests/helpers/*.c)
HELPERS := $(HELPER_SRC:tests/helpers/%.c=$(B)/helpers/%)
EXAMPLES := $(B)/examples/vfio-dma-edu $(B)/examples/vfio-feature-probe \
	$(B)/examples/vfio-dma-edu-static
HDRS := $(wildcard shim/*.h include/vfiocompat/*.h)
# vfiocompat.ko: built out of tree in $(B)/kernel (the kernel tree stays clean)
# against KDIR, by default the VM lab's cached kernel tree.
MODULE_SRC := $(wildcard kernel/*.c kernel/*.h) kernel/Kbuild
KDIR_CMD = $${KDIR:-$$(tests/vm/build-kernel)}

.PHONY: all lib install uninstall check check-unit check-host check-vm deps deps-vm audit-doc \
	sanitize demo bench format format-check clean module check-module

all: lib $(HELPERS) $(EXAMPLES) $(B)/unit-tests

lib: $(B)/libvfiocompat.so

$(B)/pic/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libvfiocompat.so: $(SHIM_OBJ)
	$(CC) -shared -fvisibility=hidden -Wl,-z,defs -Wl,-soname,libvfiocompat.so \
		-o $@ $^ $(LDFLAGS) -ldl -lpthread

$(B)/unit-tests: $(UNIT_SRC) $(PURE_OBJ) tests/unit/unit.h $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(UNIT_SRC) $(PURE_OBJ) $(LDFLAGS) $$(pkg-config --cflags --libs check)

$(B)/helpers/%: tests/helpers/%.c tests/helpers/helper.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lpthread

# The static build stands for VMMs LD_PRELOAD cannot reach.
$(B)/examples/vfio-dma-edu-static: examples/vfio-dma-edu.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -static -o $@ $<

$(B)/examples/%: examples/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

module: $(B)/kernel/vfiocompat.ko

$(B)/kernel/vfiocompat.ko: $(MODULE_SRC)
	@mkdir -p $(B)/kernel
	cp $(MODULE_SRC) $(B)/kernel/
	kdir=$(KDIR_CMD) && $(MAKE) -C "$$kdir" M=$(abspath $(B)/kernel) W=1 KCFLAGS=-Werror modules

# The module builds warning-free with W=1 and passes checkpatch --strict.
check-module: module
	kdir=$(KDIR_CMD) && "$$kdir/scripts/checkpatch.pl" --strict --no-tree --quiet -f \
		$(filter %.c %.h,$(MODULE_SRC))
	@echo "check-module: vfiocompat.ko built with W=1, checkpatch --strict clean"

install: lib
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/vfiocompat $(DESTDIR)$(DOCDIR)
	install -m 0644 $(B)/libvfiocompat.so $(DESTDIR)$(LIBDIR)/libvfiocompat.so
	install -m 0644 include/vfiocompat/*.h $(DESTDIR)$(INCLUDEDIR)/vfiocompat/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libvfiocompat.so
	rm -rf $(DESTDIR)$(INCLUDEDIR)/vfiocompat $(DESTDIR)$(DOCDIR)

deps:
	@scripts/install-deps build

deps-vm:
	@scripts/install-deps vm

check: deps deps-vm
	$(MAKE) all
	$(MAKE) format-check
	$(MAKE) check-module
	$(MAKE) check-unit
	$(MAKE) check-host
	$(MAKE) sanitize
	$(MAKE) check-vm
	@echo "check: all suites passed"

check-unit: $(B)/unit-tests
	$(B)/unit-tests

check-host: lib $(HELPERS) $(EXAMPLES)
	B=$(B) tests/integration/run

check-vm: all module
	B=$(abspath $(B)) tests/vm/suite

# Regenerate docs/compat-audit.md from the lab kernel's answers.
audit-doc: deps deps-vm all
	-B=$(abspath $(B)) VFC_VM_OUT=$(abspath $(B))/vm-audit tests/vm/run audit
	test -s $(B)/vm-audit/results/compat-audit.md
	cp $(B)/vm-audit/results/compat-audit.md docs/compat-audit.md

sanitize: deps
	$(MAKE) B=build/san SAN=1 all
	$(MAKE) B=build/san SAN=1 check-unit
	B=build/san VFC_SANITIZE=1 tests/integration/run

demo: deps deps-vm
	$(MAKE) all
	scripts/demo

bench: all
	bench/run

format:
	clang-format -i shim/*.[ch] include/vfiocompat/*.h tests/unit/*.[ch] tests/helpers/*.[ch] examples/*.c

format-check:
	clang-format --dry-run --Werror shim/*.[ch] include/vfiocompat/*.h tests/unit/*.[ch] tests/helpers/*.[ch] examples/*.c

clean:
	rm -rf build
