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
		COMPREPLY=($(compgen -W "check inspect run report bench audit help --help --version" -- "$cur"))
		return
	fi
	cmd=${words[1]}
	case "$cmd" in
	help)
		[ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "check inspect run report bench audit" -- "$cur"))
		;;
	check)
		case "$prev" in
		--config) _filedir; return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --prometheus --config --migration --help" -- "$cur"))
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
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--output --pid --comm --duration --help" -- "$cur"))
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
			COMPREPLY=($(compgen -W "--json --prometheus --output --by --help" -- "$cur"))
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
	run)
		for ((i = 2; i < cword; i++)); do
			if [ "${words[i]}" = "--" ]; then
				# After --: CMD and its own arguments, as bash completes them.
				_command_offset $((i + 1))
				return
			fi
		done
		case "$prev" in
		--log | --target) _filedir; return ;;
		esac
		COMPREPLY=($(compgen -W "--audit --log --target --mount-ns --preload --fail-closed --json --help --" -- "$cur"))
		;;
	esac
} && complete -F _vfiocompat vfiocompat
