# SPDX-License-Identifier: GPL-2.0-only
# bash completion for vfiocompat(1)
_vfiocompat()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]} i
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "check inspect run report bench --help --version" -- "$cur"))
		return
	fi
	case "$cmd" in
	check)
		case "$prev" in
		--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --config --migration --help" -- "$cur"))
		elif [[ " ${COMP_WORDS[*]} " == *" --migration "* ]]; then
			COMPREPLY=($(compgen -W "$(ls /sys/bus/pci/drivers/vfio-pci 2>/dev/null | grep :)" -- "$cur"))
		fi ;;
	inspect)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	report)
		case "$prev" in
		--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --prometheus --output --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	bench)
		case "$prev" in
		--device) COMPREPLY=($(compgen -W "$(ls /sys/bus/pci/drivers/vfio-pci 2>/dev/null | grep :)" -- "$cur")); return ;;
		--backend) COMPREPLY=($(compgen -W "type1 iommufd module" -- "$cur")); return ;;
		--sizes | --reps | --rounds) return ;;
		esac
		COMPREPLY=($(compgen -W "--device --backend --sizes --reps --rounds --json --help" -- "$cur")) ;;
	run)
		for ((i = 2; i < COMP_CWORD; i++)); do
			if [ "${COMP_WORDS[i]}" = "--" ]; then
				# After --: complete the command, then its own arguments as files.
				if [ "$i" -eq $((COMP_CWORD - 1)) ]; then
					COMPREPLY=($(compgen -c -- "$cur"))
				else
					COMPREPLY=($(compgen -f -- "$cur"))
				fi
				return
			fi
		done
		case "$prev" in
		--log | --target) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		COMPREPLY=($(compgen -W "--audit --log --target --mount-ns --preload --fail-closed --help --" -- "$cur")) ;;
	esac
}
complete -F _vfiocompat vfiocompat
