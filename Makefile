# SPDX-License-Identifier: GPL-2.0-only
# vfiocompat: `make` builds build/libvfiocompat.so; `make demo` is the main
# job; `make check` runs every test (unit, host integration, VM lab).

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/vfiocompat
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# The module's source for DKMS: $(USRSRCDIR)/vfiocompat-VERSION (make install-dkms).
USRSRCDIR ?= /usr/src
DESTDIR ?=

B ?= build
CC ?= cc
SAN ?=
# tools/ by subcommand (check/ inspect/ run/ report/ bench/ libvirt/ audit/) over
# tools/common/; headers are included by name, found through these folders.
TOOL_DIRS := tools tools/common tools/check tools/inspect tools/run tools/report tools/bench tools/systemd \
	tools/libvirt tools/audit
# shim/ by concern (interpose/ core/ open/ ioctl/ getinfo/ report/), likewise.
SHIM_DIRS := shim/interpose shim/core shim/open shim/ioctl shim/getinfo shim/report
INC := -Iinclude -Icommon $(SHIM_DIRS:%=-I%) $(TOOL_DIRS:%=-I%)
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g $(INC) $(CROSS_CFLAGS)
SANFLAGS := -fsanitize=address -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS_SAN := $(if $(SAN),$(SANFLAGS))
CFLAGS += $(CFLAGS_BASE) $(CFLAGS_SAN)
LDFLAGS += $(CFLAGS_SAN)

# common/: pure code the shim, the command, the fuzzers and the tests share.
COMMON_SRC := common/decode.c common/feature.c common/verdict.c common/target.c common/logpath.c
SHIM_SRC := $(COMMON_SRC) \
	shim/interpose/preload.c shim/interpose/preload_ioctl.c shim/interpose/vfork.S \
	shim/core/init.c shim/core/real.c shim/core/settings.c shim/core/pid.c shim/core/config.c \
	shim/core/fds.c shim/core/classify.c shim/core/inherit.c shim/core/scratch.c \
	shim/core/safecopy.c \
	shim/open/redirect.c shim/open/rlimit.c \
	shim/ioctl/observe.c shim/ioctl/table.c shim/ioctl/bar.c shim/ioctl/xlate.c \
	shim/ioctl/errmap.c shim/ioctl/stats.c shim/ioctl/migobs.c shim/ioctl/attach.c \
	shim/getinfo/getinfo.c shim/getinfo/fixup.c shim/getinfo/getinfo_probe.c \
	shim/getinfo/getinfo_pick.c shim/getinfo/answer.c shim/getinfo/iova.c shim/getinfo/sysfs.c \
	shim/report/report.c shim/report/report_writer.c shim/report/identity.c shim/report/fmt.c
# The pure part, linked into unit tests without any interposition (plus the
# report writer, whose files the report tests read back).
PURE_SRC := $(COMMON_SRC) shim/core/classify.c shim/core/config.c shim/core/pid.c \
	shim/core/scratch.c shim/ioctl/stats.c shim/ioctl/bar.c shim/ioctl/attach.c \
	shim/ioctl/errmap.c shim/ioctl/migobs.c shim/getinfo/iova.c shim/getinfo/getinfo_pick.c \
	shim/report/report.c shim/report/report_writer.c shim/report/identity.c shim/report/fmt.c

SHIM_OBJ := $(patsubst %.S,$(B)/pic/%.o,$(SHIM_SRC:%.c=$(B)/pic/%.o))
PURE_OBJ := $(PURE_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# The command: cmd_*.c are the subcommands' front ends, main.c dispatches;
# every other .c of tools/ is a library without a main,
# linked into the unit tests (most are pure; exitrec, inspect, iommu_vendor,
# kconfig, libdeps, migration, runenv and usercheck also read the host).
# (the libvirt helper is its own program, below).
LIBVIRT_HELPER_SRC := tools/libvirt/vfiocompat-libvirt.c tools/libvirt/lvdomain.c \
	tools/libvirt/lvshared.c tools/libvirt/lvutil.c tools/libvirt/lvnative.c
# The eBPF audit: its BPF program (built for the bpf target, below), the
# parts that need libbpf (command only), and the shim's objects it writes with.
AUDIT_BPF_SRC := tools/audit/vfc_audit.bpf.c
AUDIT_LIBBPF_SRC := tools/audit/auditbpf.c tools/audit/runaudit.c
AUDIT_SHIM_OBJ := $(B)/obj/shim/ioctl/stats.o $(B)/obj/shim/report/fmt.o
TOOL_SRC := $(filter-out $(LIBVIRT_HELPER_SRC) $(AUDIT_BPF_SRC),$(wildcard $(TOOL_DIRS:%=%/*.c)))
TOOL_LIB_SRC := $(filter-out tools/main.c $(AUDIT_LIBBPF_SRC) $(wildcard $(TOOL_DIRS:%=%/cmd_*.c)),$(TOOL_SRC))
TOOL_LIB_OBJ := $(TOOL_LIB_SRC:%.c=$(B)/obj/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(B)/obj/%.o)
TOOL_LIBS := $$(pkg-config --libs json-c libelf zlib)
HELPER_SRC := $(wildcard tests/helpers/*.c)
HELPERS := $(HELPER_SRC:tests/helpers/%.c=$(B)/helpers/%)
EXAMPLES := $(B)/examples/vfio-dma-edu $(B)/examples/vfio-feature-probe \
	$(B)/examples/vfio-dma-edu-static
HDRS := $(wildcard common/*.h $(SHIM_DIRS:%=%/*.h) include/vfiocompat/*.h include/vfiocompat/*.def \
	$(TOOL_DIRS:%=%/*.h))
# vfiocompat.ko: built out of tree in $(B)/kernel (the kernel tree stays clean)
# against KDIR, by default the running kernel's build tree (linux-headers).
# The lab's targets (check-module, check-vm) pass the VM lab's kernel tree.
MODULE_SRC := $(wildcard kernel/*.c kernel/*.h) kernel/Kbuild
MODULE_KDIR_CMD = $${KDIR:-/lib/modules/$$(uname -r)/build}
LAB_KDIR_CMD = $${KDIR:-$$(tests/vm/build-kernel)}
# The headers the module shares with user space: copied beside its sources
# (make module, make install-dkms, the vfiocompat-dkms package).
MODULE_HDRS := include/vfiocompat/module.h include/vfiocompat/version.h
LIBVIRT_PKGS := libvirt libxml-2.0 json-c
# Built when libvirt-dev is there (scripts/install-deps libvirt, part of deps-vm).
LIBVIRT_BIN := $(if $(shell pkg-config --exists $(LIBVIRT_PKGS) && echo y),$(B)/vfiocompat-libvirt)

.PHONY: all lib install install-dkms uninstall deb check check-unit check-host check-vm deps deps-vm audit-doc \
	sanitize demo bench format format-check clean module module-arm64 check-module tsan fuzz fuzz-run \
	fuzz-smoke stress check-mutants cross-arm64 check-arm64

all: lib $(B)/vfiocompat $(LIBVIRT_BIN) $(HELPERS) $(B)/helpers/fdprobe-linked $(B)/helpers/ctorclient \
	$(B)/helpers/libfakevfio.so $(EXAMPLES) \
	$(B)/unit-tests

lib: $(B)/libvfiocompat.so

$(B)/pic/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(B)/pic/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libvfiocompat.so: $(SHIM_OBJ)
	$(CC) -shared -fvisibility=hidden -Wl,-z,defs -Wl,-z,now -Wl,-soname,libvfiocompat.so \
		-o $@ $^ $(LDFLAGS) -ldl -lpthread

# An installed `vfiocompat run` finds the installed library, and `check` names
# the installed docs: the paths are the ones of this make's PREFIX, so
# `make; make install PREFIX=/usr` rebuilds the two objects with /usr (the
# stamp changes whenever the paths do).
LIBEXECDIR ?= $(PREFIX)/libexec/vfiocompat
PATH_DEFS := -DVFC_LIBDIR='"$(LIBDIR)"' -DVFC_DOCDIR='"$(DOCDIR)"' -DVFC_LIBEXECDIR='"$(LIBEXECDIR)"'
PATH_OBJS := $(B)/obj/tools/run/cmd_run.o $(B)/obj/tools/check/cmd_check.o \
	$(B)/obj/tools/check/host.o $(B)/obj/tools/check/usercheck.o \
	$(B)/obj/tools/libvirt/cmd_libvirt.o $(B)/obj/tools/systemd/cmd_systemd.o
$(B)/paths.stamp: FORCE
	@mkdir -p $(B)
	@echo "$(LIBDIR) $(DOCDIR) $(LIBEXECDIR)" | cmp -s - $@ || echo "$(LIBDIR) $(DOCDIR) $(LIBEXECDIR)" >$@
$(PATH_OBJS) $(B)/vfiocompat-libvirt: $(B)/paths.stamp
$(PATH_OBJS): CFLAGS += $(PATH_DEFS)
.PHONY: FORCE
FORCE:

# One description of each difference (include/vfiocompat/features.def), one
# verdict model (common/verdict.c): the shim's and the command's alike. The
# eBPF audit (tools/audit/) decodes with the shim's decoder and writes its
# records with the shim's formatter and counters.
$(B)/vfiocompat: $(TOOL_OBJ) $(COMMON_SRC:%.c=$(B)/obj/%.o) $(AUDIT_SHIM_OBJ)
	$(CC) -o $@ $^ $(LDFLAGS) $(TOOL_LIBS) $$(pkg-config --libs libbpf) -lpthread

# The eBPF audit's kernel side: tools/audit/vfc_audit.bpf.c compiled for the
# bpf target against a vmlinux.h dumped from this host's BTF (CO-RE: any
# kernel's BTF will do, relocation happens at load; VFC_BTF=FILE takes another,
# e.g. the lab kernel's vmlinux), and its skeleton generated by bpftool.
# Both are build products, never committed.
VFC_BTF ?= /sys/kernel/btf/vmlinux
BPFTOOL ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
BPF_CLANG ?= clang
BPF_ARCH ?= $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
$(B)/audit/vmlinux.h:
	@mkdir -p $(dir $@)
	@[ -r "$(VFC_BTF)" ] || { echo "make: no BTF at $(VFC_BTF) for the eBPF audit: pass VFC_BTF=path/to/vmlinux (the lab kernel's: tests/vm/build-kernel)" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VFC_BTF) format c >$@.tmp && mv $@.tmp $@
$(B)/audit/vfc_audit.bpf.o: $(AUDIT_BPF_SRC) tools/audit/audit_event.h $(B)/audit/vmlinux.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) $(BPF_CROSS_CFLAGS) \
		-I$(B)/audit -Itools/audit -c $< -o $@
	llvm-strip -g $@
$(B)/audit/vfc_audit.skel.h: $(B)/audit/vfc_audit.bpf.o
	$(BPFTOOL) gen skeleton $< name vfc_audit_bpf >$@.tmp && mv $@.tmp $@
$(B)/obj/tools/audit/auditbpf.o: $(B)/audit/vfc_audit.skel.h
$(B)/obj/tools/audit/auditbpf.o: CFLAGS += -I$(B)/audit

# `vfiocompat libvirt` execs this helper, the one program linking libvirt and
# libxml2 (libvirt-dev, libxml2-dev), so the main command needs neither.
LIBVIRT_OBJ := $(B)/obj/tools/libvirt/libvirtconf.o $(B)/obj/common/target.o
$(B)/vfiocompat-libvirt: $(LIBVIRT_HELPER_SRC) $(LIBVIRT_OBJ) $(HDRS)
	$(CC) $(CFLAGS) -DVFC_LIBDIR='"$(LIBDIR)"' $$(pkg-config --cflags $(LIBVIRT_PKGS)) -o $@ \
		$(LIBVIRT_HELPER_SRC) $(LIBVIRT_OBJ) $(LDFLAGS) $$(pkg-config --libs $(LIBVIRT_PKGS))

$(B)/unit-tests: $(UNIT_SRC) $(PURE_OBJ) $(TOOL_LIB_OBJ) $(wildcard tests/unit/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(UNIT_SRC) $(PURE_OBJ) $(TOOL_LIB_OBJ) $(LDFLAGS) \
		$$(pkg-config --cflags --libs check) $(TOOL_LIBS)

$(B)/helpers/%: tests/helpers/%.c tests/helpers/helper.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lpthread

# The shell tests' report readers and QMP clients: C, as the lab VM runs them
# many times under TCG, where a Python start-up costs seconds.
$(B)/helpers/report-query $(B)/helpers/report-sig $(B)/helpers/qmp-query-pci $(B)/helpers/qmp-migrate: $(B)/helpers/%: tests/helpers/%.c tests/helpers/qmp.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $$(pkg-config --cflags json-c) -o $@ $< $(LDFLAGS) $$(pkg-config --libs json-c)

# fdprobe with the shim as a DT_NEEDED library found by an absolute runpath:
# the one way the shim runs in a setuid (AT_SECURE) process, whose
# VFIOCOMPAT_* variables it must then ignore (tests/integration/faults.sh).
$(B)/helpers/fdprobe-linked: tests/helpers/fdprobe.c tests/helpers/helper.h $(B)/libvfiocompat.so
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -L$(B) -lvfiocompat -Wl,-rpath,$(abspath $(B)) $(LDFLAGS)

# A client whose DT_NEEDED library's constructor runs before the shim's
# (tests/integration/bookkeeping.sh).
$(B)/helpers/libctoropen.so: tests/helpers/lib/ctoropen.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $< $(LDFLAGS) -lpthread
$(B)/helpers/ctorclient: tests/helpers/lib/ctorclient.c $(B)/helpers/libctoropen.so
	$(CC) $(CFLAGS) -o $@ $< -L$(B)/helpers -lctoropen -Wl,-rpath,'$$ORIGIN' $(LDFLAGS)
# A stand-in kernel preloaded after the shim: its "real" ioctl (seccomp.sh).
$(B)/helpers/libfakevfio.so: tests/helpers/lib/fakevfio.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $< $(LDFLAGS)
# cloud-hypervisor's start-up (every BAR mapped with MAP_DMA), static as its releases.
$(B)/helpers/p2p-static: tests/helpers/p2p-static.c tests/helpers/helper.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -static -o $@ $<

# The static build stands for VMMs LD_PRELOAD cannot reach.
$(B)/examples/vfio-dma-edu-static: examples/vfio-dma-edu.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -static -o $@ $<

$(B)/examples/%: examples/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# MODULE_DIR: where it is built (the 6.12 lab's copy: $(B)/kernel-6.12).
MODULE_DIR ?= $(B)/kernel
module: $(MODULE_DIR)/vfiocompat.ko

# The module is rebuilt when KDIR names another tree (the stamp holds its path).
$(MODULE_DIR)/kdir.stamp: FORCE
	@mkdir -p $(MODULE_DIR)
	@kdir=$(MODULE_KDIR_CMD); echo "$$kdir" | cmp -s - $@ || echo "$$kdir" >$@
$(MODULE_DIR)/vfiocompat.ko: $(MODULE_SRC) $(MODULE_HDRS) $(MODULE_DIR)/kdir.stamp
	@kdir=$(MODULE_KDIR_CMD); \
	if [ ! -f "$$kdir/Makefile" ] && [ -n "$$KDIR" ]; then \
		echo "module: KDIR=$$kdir is not a kernel build tree (no Makefile); name a configured, built kernel tree"; exit 1; \
	elif [ ! -f "$$kdir/Makefile" ]; then \
		echo "module: no kernel build tree at $$kdir: install linux-headers-$$(uname -r), or make module KDIR=<kernel build tree>"; exit 1; \
	elif ! grep -Eqs '^CONFIG_IOMMUFD=(y|m)$$' "$$kdir/include/config/auto.conf" "$$kdir/.config"; then \
		echo "module: $$kdir: kernel built without CONFIG_IOMMUFD, which the module serves; make module KDIR=<kernel build tree with CONFIG_IOMMUFD>"; exit 1; \
	fi
	@mkdir -p $(MODULE_DIR)/include/vfiocompat
	cp $(MODULE_SRC) $(MODULE_DIR)/
	cp $(MODULE_HDRS) $(MODULE_DIR)/include/vfiocompat/
	kdir=$(MODULE_KDIR_CMD) && $(MAKE) -C "$$kdir" M=$(abspath $(MODULE_DIR)) W=1 KCFLAGS=-Werror modules

# The arm64 lab's copy: $(ARM64_B)/kernel, where the arm64 guest's module
# plan looks (its B is the arm64 build), built against the arm64 lab kernel
# with the compiler that built it (tests/vm/build-kernel: the installed
# aarch64-linux-gnu-gcc, else bookworm's gcc 12 unpacked into the cache).
module-arm64:
	kdir=$$(VFC_VM_ARCH=arm64 tests/vm/build-kernel) && \
	tc=$${XDG_CACHE_HOME:-$$HOME/.cache}/vfiocompat/arm64-gcc12/usr/bin && \
	PATH=$$tc:$$PATH $(MAKE) module B=$(ARM64_B) KDIR="$$kdir" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-

# The kernel's own deliberately leaking sample, built from the lab tree (not
# kept in this repository): the hardening plan loads it to show that kmemleak
# finds a leak in the lab, so its "no leak" after fault injection means something.
LEAK_SAMPLE := $(B)/leak-sample/kmemleak-test.ko
$(LEAK_SAMPLE): tests/vm/kernel.fragment
	@mkdir -p $(B)/leak-sample
	kdir=$(LAB_KDIR_CMD) && cp "$$kdir/samples/kmemleak/kmemleak-test.c" $(B)/leak-sample/ && \
		echo 'obj-m := kmemleak-test.o' >$(B)/leak-sample/Kbuild && \
		$(MAKE) -C "$$kdir" M=$(abspath $(B)/leak-sample) modules

# The module builds warning-free with W=1 and passes checkpatch --strict, and
# builds the same against Debian's linux-headers (DKMS): 6.12 and newest 7.x.
check-module:
	kdir=$(LAB_KDIR_CMD) && $(MAKE) module KDIR="$$kdir"
	kdir=$(LAB_KDIR_CMD) && "$$kdir/scripts/checkpatch.pl" --strict --no-tree --quiet -f \
		$(filter %.c %.h,$(MODULE_SRC))
	@echo "check-module: vfiocompat.ko built with W=1, checkpatch --strict clean"
	B=$(abspath $(B)) scripts/check-module-headers

# Installed text names the install's own paths, not the default /usr/local.
INSTALL_PATHS := sed -e 's|/usr/local/libexec/vfiocompat|$(LIBEXECDIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
	-e 's|/usr/local/lib/|$(LIBDIR)/|g' -e 's|/usr/local/lib\b|$(LIBDIR)|g' -e 's|/usr/local/share/doc/vfiocompat|$(DOCDIR)|g' \
	-e 's|/usr/local/include|$(INCLUDEDIR)|g' -e 's|/usr/local|$(PREFIX)|g'
VERSION_NUM = $$(sed -n 's/^\#define VFC_VERSION[[:space:]]*"\(.*\)"/\1/p' include/vfiocompat/version.h)
install: lib $(B)/vfiocompat $(LIBVIRT_BIN)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/vfiocompat $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 $(B)/libvfiocompat.so $(DESTDIR)$(LIBDIR)/libvfiocompat.so
	install -m 0755 $(B)/vfiocompat $(DESTDIR)$(BINDIR)/vfiocompat
	$(if $(LIBVIRT_BIN),install -D -m 0755 $(LIBVIRT_BIN) $(DESTDIR)$(LIBEXECDIR)/vfiocompat-libvirt)
	$(INSTALL_PATHS) docs/man/vfiocompat.1 >$(DESTDIR)$(MANDIR)/man1/vfiocompat.1
	$(INSTALL_PATHS) docs/man/libvfiocompat.7 >$(DESTDIR)$(MANDIR)/man7/libvfiocompat.7
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/vfiocompat.1 $(DESTDIR)$(MANDIR)/man7/libvfiocompat.7
	install -m 0644 tools/completion/vfiocompat.bash $(DESTDIR)$(COMPLETIONDIR)/vfiocompat
	install -m 0644 include/vfiocompat/*.h include/vfiocompat/*.def $(DESTDIR)$(INCLUDEDIR)/vfiocompat/
	install -m 0644 README.md docs/*.md docs/*.svg $(DESTDIR)$(DOCDIR)/
	install -m 0644 kernel/README.md $(DESTDIR)$(DOCDIR)/kernel-module.md
	install -m 0644 examples/*.md examples/*.c examples/*.xml $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 monitoring/vfiocompat.rules.yml monitoring/vfiocompat.rules.test.yml \
		$(DESTDIR)$(DOCDIR)/examples/
	for f in examples/*.conf; do $(INSTALL_PATHS) "$$f" >$(DESTDIR)$(DOCDIR)/examples/$${f##*/} && \
		chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$${f##*/} || exit 1; done
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	for f in systemd/report-textfile systemd/check-textfile; do \
		$(INSTALL_PATHS) "$$f" >$(DESTDIR)$(LIBEXECDIR)/$${f##*/} && \
		chmod 0755 $(DESTDIR)$(LIBEXECDIR)/$${f##*/} || exit 1; done
	for u in systemd/*.service systemd/*.timer; do $(INSTALL_PATHS) "$$u" >$(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; done
	for f in examples/*.sh; do m=0644; [ ! -x "$$f" ] || m=0755; \
		install -m $$m "$$f" $(DESTDIR)$(DOCDIR)/examples/ || exit 1; done
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$(INCLUDEDIR)' 'libdir=$(LIBDIR)' \
		'# LD_PRELOAD this (vfiocompat run does); never link it into a program.' \
		'preload=$${libdir}/libvfiocompat.so' '' 'Name: vfiocompat' \
		'Description: VFIO type1 to iommufd trial: report schema and module ABI headers' \
		"Version: $(VERSION_NUM)" 'Cflags: -I$${includedir}' \
		>$(DESTDIR)$(LIBDIR)/pkgconfig/vfiocompat.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/vfiocompat.pc

# The module's source where DKMS looks (`dkms add vfiocompat/VERSION`, then
# `dkms install`): the package vfiocompat-dkms holds this.
install-dkms:
	v=$(VERSION_NUM) && install -d $(DESTDIR)$(USRSRCDIR)/vfiocompat-$$v && \
		install -m 0644 $(MODULE_SRC) kernel/Makefile kernel/dkms.conf $(DESTDIR)$(USRSRCDIR)/vfiocompat-$$v/ && \
		install -d $(DESTDIR)$(USRSRCDIR)/vfiocompat-$$v/include/vfiocompat && \
		install -m 0644 $(MODULE_HDRS) $(DESTDIR)$(USRSRCDIR)/vfiocompat-$$v/include/vfiocompat/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libvfiocompat.so $(DESTDIR)$(BINDIR)/vfiocompat \
		$(DESTDIR)$(MANDIR)/man1/vfiocompat.1 $(DESTDIR)$(MANDIR)/man7/libvfiocompat.7 \
		$(DESTDIR)$(COMPLETIONDIR)/vfiocompat $(DESTDIR)$(LIBDIR)/pkgconfig/vfiocompat.pc \
		$(DESTDIR)$(LIBEXECDIR)/vfiocompat-libvirt $(DESTDIR)$(LIBEXECDIR)/report-textfile \
		$(DESTDIR)$(LIBEXECDIR)/check-textfile \
		$(DESTDIR)$(SYSTEMDUNITDIR)/vfiocompat-report.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/vfiocompat-report.timer \
		$(DESTDIR)$(SYSTEMDUNITDIR)/vfiocompat-check.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/vfiocompat-check.timer
	rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || true
	rm -rf $(DESTDIR)$(INCLUDEDIR)/vfiocompat $(DESTDIR)$(DOCDIR)

# Debian packages, vfiocompat and vfiocompat-dkms (docs/packaging.md):
# dpkg-buildpackage -b in a copy of the tree's files ($(B)/deb/src), so that
# neither this tree nor its parent directory gets build products; the .deb,
# .changes and .buildinfo files and lintian's output (lintian.txt; an error
# fails) land in $(B)/deb. Rebuilt only when a packaged file changed.
deb:
	@scripts/install-deps deb
	@$(MAKE) --no-print-directory $(B)/deb/stamp

ifneq ($(filter %/deb/stamp,$(MAKECMDGOALS)),)
DEB_FILES := $(shell { git ls-files -co --exclude-standard 2>/dev/null || \
	find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'; } | sort -u)
# Tests, fuzzing, benchmarks and the Ansible role (run from the tree, on the
# controller) are not packaged: editing them rebuilds nothing.
DEB_INPUTS := $(wildcard $(filter-out tests/% fuzz/% bench/% .ci/% ansible/%,$(DEB_FILES)))
endif
$(B)/deb/stamp: $(DEB_INPUTS)
	rm -rf $(B)/deb
	v=$(VERSION_NUM) && src=$(B)/deb/src/vfiocompat-$$v && mkdir -p "$$src" && \
		printf '%s\n' $(wildcard $(DEB_FILES)) | tar -cf - -T - | tar -C "$$src" -xf - && \
		cd "$$src" && DEB_BUILD_OPTIONS="parallel=$$(nproc) $$DEB_BUILD_OPTIONS" \
		dpkg-buildpackage -b -us -uc >../build.log 2>&1 || { tail -n 30 ../build.log; \
		echo "deb: dpkg-buildpackage failed; the whole log: $(B)/deb/src/build.log"; exit 1; }
	mv $(B)/deb/src/*.deb $(B)/deb/src/*.changes $(B)/deb/src/*.buildinfo $(B)/deb/
	lintian --fail-on error --display-info --show-overrides $(B)/deb/*.changes >$(B)/deb/lintian.txt 2>&1 || \
		{ cat $(B)/deb/lintian.txt; echo "deb: lintian found errors ($(B)/deb/lintian.txt)"; exit 1; }
	cat $(B)/deb/lintian.txt
	@ls $(B)/deb/*.deb
	@touch $@

# The arm64 build (docs/arm64.md): everything `all` builds, cross-compiled
# with clang --target=aarch64-linux-gnu (bookworm's gcc-aarch64-linux-gnu
# conflicts with gcc-multilib) against Debian's arm64 -dev packages
# (scripts/install-deps arm64) into build-arm64/. pkg-config reads only the
# arm64 .pc files, so the libvirt helper is built only if libvirt-dev:arm64 is
# there. The eBPF audit's program is compiled with __TARGET_ARCH_arm64 against
# the host's BTF (CO-RE relocations do the rest at load); its kprobes read
# arm64's struct user_pt_regs, which an x86 vmlinux.h lacks: the program
# declares it (VFC_BPF_CROSS_ARM64).
ARM64_B ?= build-arm64
ARM64_CC ?= clang --target=aarch64-linux-gnu
# clang's own warning for what gcc takes as C (a flexible struct inside another).
ARM64_CFLAGS ?= -Wno-gnu-variable-sized-type-not-at-end
ARM64_PKG_CONFIG_LIBDIR := /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
cross-arm64:
	@scripts/install-deps arm64
	PKG_CONFIG_LIBDIR=$(ARM64_PKG_CONFIG_LIBDIR) PKG_CONFIG_PATH= $(MAKE) B=$(ARM64_B) \
		CC="$(ARM64_CC)" CROSS_CFLAGS="$(ARM64_CFLAGS)" BPF_ARCH=arm64 \
		BPF_CROSS_CFLAGS=$(if $(filter aarch64,$(shell uname -m)),,-DVFC_BPF_CROSS_ARM64) all

# The arm64 build's unit tests and the host scripts qemu-user can run with it
# (tests/integration/run-arm64; docs/arm64.md says which and why not the rest).
check-arm64: cross-arm64
	B=$(abspath $(ARM64_B)) tests/integration/run-arm64

deps:
	@scripts/install-deps build

deps-vm:
	@scripts/install-deps vm

# Cheap stages first (a broken unit test fails in a minute, not after the
# kernel build; fuzz-smoke, time-bound on one core, beside sanitize on the
# other), after every package a stage uses (host tests run dpdk-testpmd and
# qemu-io too, so deps-vm comes before them on a fresh machine); strict: a
# skip not in tests/skips-allowed fails. Each stage's time and the total go
# to $(B)/check-times.txt. The VM suite stops at
# VFC_DEADLINE_AT: CHECK_BUDGET seconds after the start (85 min: CI kills at 90).
CHECK_BUDGET ?= 5100
check: export VFC_STRICT = 1
check:
	@mkdir -p $(B); echo "check started $$(date -u +%FT%TZ)" >$(B)/check-times.txt
	@set -e; t0=$$(date +%s); export VFC_DEADLINE_AT=$$((t0 + $(CHECK_BUDGET))); \
	for s in deps deps-vm all cross-arm64 format-check check-unit check-host check-arm64 fuzz-smoke+sanitize \
		check-module check-vm; do \
		t=$$(date +%s); \
		if [ "$$s" = fuzz-smoke+sanitize ]; then \
			$(MAKE) fuzz-smoke >$(B)/fuzz-smoke.log 2>&1 & f=$$!; \
			r=0; $(MAKE) sanitize || r=$$?; \
			wait $$f || { tail -n 40 $(B)/fuzz-smoke.log; echo "check: fuzz-smoke failed ($(B)/fuzz-smoke.log)"; exit 1; }; \
			tail -n 3 $(B)/fuzz-smoke.log; [ $$r = 0 ]; \
		else $(MAKE) $$s; fi; \
		echo "check: $$s $$(( $$(date +%s) - t ))s" | tee -a $(B)/check-times.txt; \
	done; echo "check: all suites passed in $$(( $$(date +%s) - t0 ))s" | tee -a $(B)/check-times.txt

# Deliberately broken shims (tests/mutants/run; never in a normal build): passes
# only if the suite catches each. Not part of `check`: it boots a VM per
# VM-caught mutant. VFC_MUTANTS_VM=0: host parts only.
check-mutants: all
	B=$(abspath $(B)) tests/mutants/run

check-unit: $(B)/unit-tests
	$(B)/unit-tests

check-host: all
	B=$(B) tests/integration/run

check-vm: all $(LEAK_SAMPLE)
	kdir=$(LAB_KDIR_CMD) && $(MAKE) module KDIR="$$kdir"
	case " $${VFC_SUITE_KERNELS-7.3 6.12} " in *" 6.12 "*) \
		kdir=$$(VFC_VM_KERNEL=6.12 tests/vm/build-kernel) && \
		$(MAKE) module KDIR="$$kdir" MODULE_DIR=$(B)/kernel-6.12 ;; esac
	case " $${VFC_SUITE_IOMMUS-smmuv3 smmuv3-v2m} " in *" smmuv3"*) $(MAKE) module-arm64 ;; esac
	$(MAKE) deb
	B=$(abspath $(B)) tests/vm/suite

# Regenerate docs/compat-audit.md from the lab kernel's answers.
# One lab VM per IOMMU variant (VFC_VM_IOMMUS to choose); each run's raw
# answers go to docs/compat-audit/ (7.3) or docs/compat-audit/6.12/
# (VFC_VM_KERNEL=6.12), the table is generated from them all. The arm64
# lab's variants (VFC_VM_IOMMUS=smmuv3 or smmuv3-v2m) boot VFC_VM_ARCH=arm64
# and run the arm64 build (make cross-arm64 first).
VFC_VM_IOMMUS ?= intel intel-sm intel-flts amd virtio
audit-doc: deps deps-vm all
	d=docs/compat-audit; [ "$${VFC_VM_KERNEL:-7.3}" = 7.3 ] || d=$$d/$$VFC_VM_KERNEL; \
	mkdir -p $$d && for v in $(VFC_VM_IOMMUS); do \
		r=$(abspath $(B))/vm-audit-$${VFC_VM_KERNEL:-7.3}-$$v/results/compat-audit; \
		a=x86_64; case $$v in smmuv3*) a=arm64 ;; esac; \
		B=$(abspath $(B)) VFC_VM_ARCH=$$a VFC_VM_IOMMU=$$v VFC_VM_OUT=$${r%/results/*} tests/vm/run audit; \
		test -s $$r/$$v.type1 || exit 1; \
		cp $$r/$$v.type1 $$r/$$v.iommufd $$r/release $$d/ || exit 1; \
	done
	tests/vm/audit-table docs/compat-audit >docs/compat-audit.md

sanitize: deps
	$(MAKE) B=build/san SAN=1 all
	$(MAKE) B=build/san SAN=1 check-unit
	B=build/san VFC_SANITIZE=1 tests/integration/run

# Fuzzing (libFuzzer, clang): one target per fuzz/fuzz_NAME.c, built from
# FUZZ_SRC_NAME (plus FUZZ_LIBS_NAME), seeds in fuzz/corpus/NAME. New inputs
# go to $(B)/fuzz/corpus-NAME so the committed seeds stay small. The ELF
# inspector's target (fuzz-inspect, below) keeps its own layout; `fuzz`,
# `fuzz-smoke` and `stress` cover it too.
FUZZ_CC ?= clang
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 $(INC) -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SRC_decode := common/decode.c common/feature.c
FUZZ_SRC_config := shim/core/config.c shim/report/fmt.c common/target.c
FUZZ_SRC_trial := tools/report/trial.c tools/report/records.c tools/report/procs.c \
	tools/report/judge.c tools/common/migverdict.c tools/common/migfacts.c \
	tools/common/text.c \
	common/feature.c common/verdict.c tools/report/native.c
FUZZ_LIBS_trial := $$(pkg-config --libs json-c)
# The report reader must not grow with a line: no allocation over 64 MiB,
# and the process under 128 MiB (ASan's quarantine kept at 16 MiB; the
# target's peak measured 69 MiB in 150 000 runs).
FUZZ_OPTS_trial := -malloc_limit_mb=64 -rss_limit_mb=128
FUZZ_ENV_trial := ASAN_OPTIONS=quarantine_size_mb=16
FUZZ ?= decode
SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_RUN = mkdir -p $(B)/fuzz/corpus-$(1) $(B)/fuzz/artifacts && \
	$(FUZZ_ENV_$(1)) $(B)/fuzz/fuzz_$(1) -max_total_time=$(2) -max_len=4096 -print_final_stats=1 $(FUZZ_OPTS_$(1)) \
	-artifact_prefix=$(B)/fuzz/artifacts/$(1)- $(B)/fuzz/corpus-$(1) fuzz/corpus/$(1)

.SECONDEXPANSION:
$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c $$(FUZZ_SRC_$$*) $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRC_$*) $(FUZZ_LIBS_$*)

fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%) $(B)/fuzz/inspect

# make fuzz-run FUZZ=NAME SECONDS=N: one target, one process.
fuzz-run: $(B)/fuzz/fuzz_$(FUZZ)
	$(call FUZZ_RUN,$(FUZZ),$(SECONDS))

# The quick form for `make check`: every target, one after the other.
fuzz-smoke: fuzz
	@set -e; $(foreach t,$(FUZZ_TARGETS),$(call FUZZ_RUN,$(t),$(FUZZ_SMOKE_SECONDS)) && ) true
	$(MAKE) fuzz-inspect FUZZ_TIME=20

# ThreadSanitizer builds of the shim and the torture helper (clang); the
# library leaves the tsan runtime to the program, hence no -z defs.
TSAN_FLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 $(INC) \
	-fsanitize=thread
tsan: $(B)/tsan/libvfiocompat.so $(B)/tsan/torture

$(B)/tsan/libvfiocompat.so: $(SHIM_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(TSAN_FLAGS) -fPIC -fvisibility=hidden -shared -o $@ $(SHIM_SRC) -ldl -lpthread

$(B)/tsan/torture: tests/helpers/torture.c tests/helpers/helper.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(TSAN_FLAGS) -o $@ $< -lpthread

# The long forms (docs/hardening.md): fuzzing, 10^6-operation torture under
# the plain, TSan and Helgrind builds, valgrind memcheck of the cases.
# Seconds per target for >= 10^7 executions on the project's shared 2-core
# machine (measured: decode ~150k/s, config ~10-30k/s, trial ~2k/s).
STRESS_FUZZ_SECONDS ?= 600
STRESS_SECONDS_decode ?= 120
STRESS_SECONDS_config ?= 900
STRESS_SECONDS_trial ?= 5400
stress: all fuzz tsan
	$(foreach t,$(FUZZ_TARGETS),$(call FUZZ_RUN,$(t),$(or $(STRESS_SECONDS_$(t)),$(STRESS_FUZZ_SECONDS))) && ) true
	$(MAKE) fuzz-inspect FUZZ_TIME=$(STRESS_FUZZ_SECONDS)
	B=$(abspath $(B)) VFC_STRESS=1 tests/integration/ns-run torture.sh
	B=$(abspath $(B)) tests/integration/ns-run memcheck.sh

demo: deps deps-vm
	$(MAKE) all
	scripts/demo

bench: deps deps-vm
	@scripts/install-deps bench
	$(MAKE) all
	B=$(abspath $(B)) bench/run

# libFuzzer over vfc_inspect_mem(): `make fuzz-inspect FUZZ_TIME=600` (seconds),
# `make fuzz-smoke` for a short run. New inputs go to $(B)/fuzz/corpus; the
# committed seeds (fuzz/corpus, written by fuzz/mkseeds.c) are only read.
# VFC_FUZZ_MEM_ONLY=1 skips the memfd file side of each input (faster).
.PHONY: fuzz-inspect fuzz-seeds
FUZZ_TIME ?= 300
FUZZ_INSPECT_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Itools/inspect -Itools/common -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
FUZZ_INSPECT_SRC := tools/inspect/inspect.c tools/inspect/elfdyn.c tools/inspect/elfsrc.c \
	tools/inspect/strategy.c \
	tools/inspect/bytescan.c tools/common/text.c
$(B)/fuzz/inspect: fuzz/inspect_fuzz.c $(FUZZ_INSPECT_SRC) tools/inspect/inspect.h \
		tools/inspect/elfctx.h tools/inspect/bytescan.h tools/common/text.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_INSPECT_FLAGS) -o $@ fuzz/inspect_fuzz.c $(FUZZ_INSPECT_SRC) \
		$$(pkg-config --libs libelf)

fuzz-inspect: $(B)/fuzz/inspect
	@mkdir -p $(B)/fuzz/corpus
	$(B)/fuzz/inspect -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=10 \
		-print_final_stats=1 -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus fuzz/corpus

# Rewrite the committed seed corpus from fuzz/mkseeds.c.
fuzz-seeds: fuzz/mkseeds.c tests/unit/elfimg.h
	@mkdir -p $(B)/fuzz
	$(CC) $(CFLAGS_BASE) -o $(B)/fuzz/mkseeds fuzz/mkseeds.c
	$(B)/fuzz/mkseeds fuzz/corpus

format:
	clang-format -i common/*.[ch] $(TOOL_DIRS:%=%/*.[ch]) $(SHIM_DIRS:%=%/*.[ch]) include/vfiocompat/*.h tests/unit/*.[ch] tests/helpers/*.[ch] examples/*.c fuzz/*.c

format-check:
	clang-format --dry-run --Werror common/*.[ch] $(TOOL_DIRS:%=%/*.[ch]) $(SHIM_DIRS:%=%/*.[ch]) include/vfiocompat/*.h tests/unit/*.[ch] tests/helpers/*.[ch] examples/*.c fuzz/*.c

clean:
	rm -rf build
