# shellcheck shell=bash
# Bash completion for auths (installed as /usr/share/bash-completion/completions/auths).
# It asks `auths ... --help` for the subcommands and options of the words typed so far, so it
# always matches the installed binary: nothing to keep in step by hand.

_auths_help_words() {
  # $1: "sub" or "opt"; the rest: the command path typed so far (subcommand words only).
  local kind=$1
  shift
  "${AUTHS_COMPLETION_BIN:-auths}" "$@" --help 2>/dev/null | awk -v kind="$kind" '
    /^Subcommands:/ { section = "sub"; next }
    /^Options:/ { section = "opt"; next }
    /^[^ ]/ { section = "" }
    section == "sub" && kind == "sub" && /^  [a-z]/ { print $1 }
    section == "opt" && kind == "opt" && /^  -/ {
      n = split($1, names, ",")
      for (i = 1; i <= n; i++) if (names[i] ~ /^--/) print names[i]
    }'
}

_auths() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=""
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local path=() word i subs
  # The command path: the leading words that are subcommands of what came before them.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case "$word" in -*) break ;; esac
    subs=$(_auths_help_words sub "${path[@]}")
    if printf '%s\n' "$subs" | grep -qx -- "$word"; then
      path+=("$word")
    else
      break
    fi
  done
  case "$prev" in
    --repo | --file | --config | --out | --bin-dir | --home | --all | --shared-hooks-path)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_auths_help_words opt "${path[@]}")" -- "$cur")
  else
    subs=$(_auths_help_words sub "${path[@]}")
    if [ -n "$subs" ]; then
      mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
  fi
  return 0
}

complete -F _auths auths
