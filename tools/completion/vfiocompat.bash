# SPDX-License-Identifier: GPL-2.0-only
# bash completion for vfiocompat(1); needs bash-completion (_init_completion,
# _filedir, __ltrim_colon_completions, _command_offset).

# PCI addresses of devices bound to vfio-pci ("0000:03:00.0").
_vfiocompat_bdfs()
{
	local d
	# _VFIOCOMPAT_SYSFS: a stand-in /sys for the tests.
	for d in "${_VFIOCOMPAT_SYSFS:-/sys}"/bus/pci/drivers/vfio-pci/*:*; do
		[ -e "$d" ] && printf '%s\n' "${d##*/}"
	done
}

_vfiocompat()
{
	local cur prev words cword cmd i
	# -n := keeps "0000:03:00.0" one word (COMP_WORDBREAKS splits at ':').
	_init_completion -n := || return

	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "check inspect run report bench libvirt audit systemd help --help --version" -- "$cur"))
		return
	fi
	cmd=${words[1]}
	case "$cmd" in
	help)
		[ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "check inspect run report bench libvirt audit systemd" -- "$cur"))
		;;
	check)
		case "$prev" in
		--config) _filedir; return ;;
		--user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --nagios --prometheus --config --user --migration --help" -- "$cur"))
		elif [[ " ${words[*]} " == *" --migration "* ]]; then
			COMPREPLY=($(compgen -W "$(_vfiocompat_bdfs)" -- "$cur"))
			__ltrim_colon_completions "$cur"
		fi
		;;
	audit)
		case "$prev" in
		-o | --output) _filedir -d; return ;;
		--pid | --comm | --duration) return ;;
		esac
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "-o --output --pid --comm --duration --help" -- "$cur"))
		;;
	inspect)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
		else
			_filedir
		fi
		;;
	report)
		case "$prev" in
		--output) _filedir; return ;;
		--by) COMPREPLY=($(compgen -W "host program" -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --prometheus --nagios --output --exit-code --by --help" -- "$cur"))
		else
			_filedir
		fi
		;;
	bench)
		case "$prev" in
		--device)
			COMPREPLY=($(compgen -W "$(_vfiocompat_bdfs)" -- "$cur"))
			__ltrim_colon_completions "$cur"
			return
			;;
		--backend) COMPREPLY=($(compgen -W "type1 iommufd module" -- "$cur")); return ;;
		--sizes | --reps | --rounds) return ;;
		esac
		COMPREPLY=($(compgen -W "--device --backend --sizes --reps --rounds --json --help" -- "$cur"))
		;;
	systemd)
		if [ "$cword" -eq 2 ] && [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -W "enable disable status" -- "$cur"))
			return
		fi
		case "$prev" in
		--lib | --target) _filedir; return ;;
		--root | --dropin-dir) _filedir -d; return ;;
		esac
		if [[ $cur == -* ]]; then
			case "${words[2]}" in
			enable | -*) COMPREPLY=($(compgen -W "--lib --target --dry-run --root --dropin-dir --help" -- "$cur")) ;;
			*) COMPREPLY=($(compgen -W "--root --dropin-dir --help" -- "$cur")) ;;
			esac
		else
			# _VFIOCOMPAT_UNITS: a stand-in list of services for the tests.
			COMPREPLY=($(compgen -W "${_VFIOCOMPAT_UNITS-$(systemctl list-unit-files --type=service --no-legend 2>/dev/null | awk '{print $1}')}" -- "$cur"))
		fi
		;;
	run)
		for ((i = 2; i < cword; i++)); do
			if [ "${words[i]}" = "--" ]; then
				# After --: CMD and its own arguments, as bash completes them.
				_command_offset $((i + 1))
				return
			fi
		done
		case "$prev" in
		--log | --target | --json-file) _filedir; return ;;
		--json-fd) return ;;
		esac
		COMPREPLY=($(compgen -W "--audit --log --target --mount-ns --preload --fail-closed --json --json-file --json-fd --help --" -- "$cur"))
		;;
	libvirt)
		case "$prev" in
		--log-dir | --state-dir) _filedir -d; return ;;
		--lib | --qemu-conf | --apparmor-local | --target) _filedir; return ;;
		--apparmor) COMPREPLY=($(compgen -W "auto yes no" -- "$cur")); return ;;
		--connect) return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--dry-run --native --json --connect --log-dir --state-dir --target --lib --qemu-conf --apparmor-local --apparmor --help" -- "$cur"))
		elif [ "$cword" -eq 2 ]; then
			COMPREPLY=($(compgen -W "enable disable status" -- "$cur"))
		elif [ "$cword" -eq 3 ] && command -v virsh >/dev/null; then
			COMPREPLY=($(compgen -W "$(virsh list --all --name 2>/dev/null)" -- "$cur"))
		fi
		;;
	esac
} && complete -F _vfiocompat vfiocompat
