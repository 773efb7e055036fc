#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bash completion of vfiocompat(1) with bash-completion's helpers: the
# function driven as bash calls it (COMP_WORDS split at COMP_WORDBREAKS,
# COMP_CWORD, COMP_LINE, COMP_POINT), then real readline in a pty for what
# only readline does (a directory's '/', a quoted space).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/suite.sh"
suite_tmp comp
suite_completion
mkdir -p "$T/sys/bus/pci/drivers/vfio-pci/0000:03:00.0" "$T/sys/bus/pci/drivers/vfio-pci/0000:04:00.0" \
	"$T/files/a dir" "$T/files/logs"
: >"$T/files/my report.jsonl"
: >"$T/files/other.jsonl"

# complete LINE: COMPREPLY, one per line, for the cursor at the end of LINE,
# with COMP_WORDS split as bash splits them (words, and ':' and '=' alone).
complete_line() {
	(cd "$T/files" && _VFIOCOMPAT_SYSFS=$T/sys bash --norc --noprofile -c '
		. "$1"; . "$2"
		line=$3
		read -r -a COMP_WORDS <<<"$(sed -e "s/\([:=]\)/ \1 /g" <<<"$line")"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$line COMP_POINT=${#line}
		_vfiocompat
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$COMP" "$1" 2>/dev/null)
}

check "subcommands" is "$(complete_line 'vfiocompat re')" report
check "help COMMAND completes the commands" is "$(complete_line 'vfiocompat help in')" inspect
check "run's options" is "$(complete_line 'vfiocompat run --au')" --audit
got=$(complete_line 'vfiocompat check --migration 0000:0')
check "--migration 0000:0<TAB>: the part after the last colon, so the line becomes 0000:03:00.0" \
	is "$got" "$(printf '03:00.0\n04:00.0')"
got=$(complete_line 'vfiocompat check --migration 0000:03')
check "... one match: 03:00.0 replaces '03' (not 0000:0000:...)" is "$got" 03:00.0
got=$(complete_line 'vfiocompat bench --device 0000:04:')
check "bench --device: colons handled the same way" is "$got" 00.0
got=$(complete_line 'vfiocompat report my')
check "a file name with a space is one candidate" is "$got" "my report.jsonl"
got=$(complete_line 'vfiocompat inspect a')
check "a directory with a space is one candidate" is "$got" "a dir"
got=$(complete_line 'vfiocompat run -- ech')
has_line() { grep -qx -- "$2" <<<"$1" || { CHECK_DIAG="no line [$2] in: $(head -c 300 <<<"$1")"; return 1; }; }
check "after run --: commands complete" has_line "$got" echo
got=$(complete_line 'vfiocompat run --json -- ls ot')
check "after run -- CMD: CMD's arguments complete as bash would (files)" is "$got" other.jsonl
check "systemd: its verbs" is "$(complete_line 'vfiocompat systemd di')" disable
check "systemd enable: its options" is "$(complete_line 'vfiocompat systemd enable --dry')" --dry-run
check "systemd disable: no enable-only option" is "$(complete_line 'vfiocompat systemd disable --l')" ""
got=$(_VFIOCOMPAT_UNITS="spdk_tgt.service sshd.service" complete_line 'vfiocompat systemd enable sp')
check "systemd enable UNIT: the services" is "$got" spdk_tgt.service
got=$(complete_line 'vfiocompat check --config my')
check "check --config: files" is "$got" "my report.jsonl"

# Real readline: what the user sees on the line after one TAB.
if command -v python3 >/dev/null; then
	readline() {
		python3 - "$BC" "$COMP" "$T/files" "$1" <<'EOF'
import os, pty, select, sys, time
bc, comp, cwd, typed = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.environ.update(PS1="$ ", INPUTRC="/dev/null", TERM="dumb")
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
def drain(t):
    out, end = b"", time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out
os.write(fd, f". {bc}; . {comp}; bind 'set bell-style none'\n".encode())
drain(1.5)
os.write(fd, typed.encode() + b"\t")
out = drain(1.5).decode(errors="replace")
os.write(fd, b"\x03exit\n")
drain(0.5)
# The last line as the terminal shows it.
print(out.replace("\r", "").split("\n")[-1].replace("\x07", ""))
EOF
	}
	got=$(readline 'vfiocompat inspect log')
	check "readline: a directory gets '/', no space" is "$got" 'vfiocompat inspect logs/'
	got=$(readline 'vfiocompat report my')
	check "readline: a space in a file name is quoted" is "$got" 'vfiocompat report my\ report.jsonl '
else
	tap_fail "python3 is installed (scripts/install-deps build)"
fi
tap_end
