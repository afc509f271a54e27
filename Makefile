# SPDX-License-Identifier: GPL-2.0
# uprobe: a command-line front end to the kernel's uprobe_events.

VERSION		:= 0.1.0
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
DESTDIR		?=

# SAN=1 builds with ASan and UBSan into build-san/.
ifeq ($(SAN),1)
BUILD		?= build-san
SANFLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
PROG		:= $(BUILD)/uprobe
else
BUILD		?= build
SANFLAGS	:=
PROG		:= uprobe
endif

CC		?= cc
PKGS		:= libelf libdw libtracefs libtraceevent
# Asked when first used, not when the Makefile is read: on a fresh machine
# `make demo` and `make check` install the -dev packages (deps) first.
PKG_CFLAGS	= $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
# Debian's libzydis-dev ships no zydis.pc: it is linked by name.
PKG_LIBS	= $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS)) -lZydis)$(PKG_LIBS)
WARN		:= -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
		   -Wmissing-prototypes -Wno-unused-parameter -Wvla
ifeq ($(CI),true)
WARN		+= -Werror
endif
CFLAGS		?= -O2 -g
ALL_CFLAGS	= -std=gnu11 $(WARN) -Iinclude $(PKG_CFLAGS) \
		   -DUPROBE_VERSION='"$(VERSION)"' -D_GNU_SOURCE $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS	:= $(SANFLAGS) $(LDFLAGS)

# Every src/*.c but the CLI's own files (main, output, cmd-*, add-*) is a module file.
CMD_SRCS	:= src/main.c src/output.c $(wildcard src/output-*.c src/cmd-*.c src/add-*.c)
MOD_SRCS	:= $(filter-out $(CMD_SRCS),$(wildcard src/*.c))
MOD_OBJS	:= $(MOD_SRCS:src/%.c=$(BUILD)/%.o)
CMD_OBJS	:= $(CMD_SRCS:src/%.c=$(BUILD)/%.o)
UNIT_SRCS	:= $(wildcard tests/unit-*.c)
UNIT_BINS	:= $(UNIT_SRCS:tests/%.c=$(BUILD)/tests/%)

ifneq ($(V),1)
Q		:= @
quiet		= @printf '  %-6s %s\n' $(1) $(2);
endif

.PHONY: all check unit cli live deps check-san checkstyle install uninstall \
	clean demo bench truth truth-quick

all: $(PROG)

$(PROG): $(CMD_OBJS) $(MOD_OBJS)
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit-%: tests/unit-%.c tests/common.c $(MOD_OBJS)
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $^ $(ALL_LDFLAGS) \
		$(PKG_LIBS) -lcmocka

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)

# Installs what the build and the tests need when it is missing (root only).
deps:
	$(Q)tests/deps.sh

unit: $(UNIT_BINS)
	$(Q)tests/run-unit.sh $(UNIT_BINS)

cli: $(PROG)
	$(Q)UPROBE=$(abspath $(PROG)) tests/run-sh.sh tests/cli-*.sh

live: $(PROG)
	$(Q)UPROBE=$(abspath $(PROG)) tests/run-sh.sh tests/live-*.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory unit cli live checkstyle

# The whole suite again under ASan and UBSan.
check-san: deps
	$(Q)$(MAKE) --no-print-directory SAN=1 all unit cli live

checkstyle:
	$(Q)tests/style.sh
	$(Q)tests/sync.sh
	$(Q)for m in man/*.8; do groff -man -ww -z $$m || exit 1; done

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run.sh

install: $(PROG)
	install -D -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/uprobe
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 completions/uprobe $(DESTDIR)$(BASHCOMPDIR)/uprobe

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/uprobe $(DESTDIR)$(BASHCOMPDIR)/uprobe
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))

clean:
	rm -rf build build-san uprobe tests/out

# The ground-truth corpus (issue 7): every value streamed against the value
# the program printed, gcc and clang at every level (truth-quick: -O0, -O2);
# `make truth` puts its table in bench/REPORT.md. The quick subset is also
# a tier of `make live` (tests/live-truth.sh).
truth: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)UPROBE=$(abspath $(PROG)) tests/truth/run.sh --report bench/REPORT.md

truth-quick: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)UPROBE=$(abspath $(PROG)) tests/truth/run.sh --quick
