#!/usr/bin/env bash
# e2e-transports: file
# e2e-cost: 150
# e2e-sanitize: full
# Differential test of the hook's object parsers (src/core/git/objects.cpp) against git itself.
# Real signed commits and tags made by git and ssh-keygen are mutated into hundreds of objects
# (object_mutations.py: duplicate and misplaced tree/parent/author/committer/gpgsig headers,
# damaged idents, extra and unknown headers, mergetag, gpgsig-sha256, CRLF, NUL, truncation,
# and many of them re-signed by an allowed key over what git takes as their payload). For every
# object the hook accepts (auths-object-view prints its reading), git must read the same:
#   commits: tree and parents (X^{tree} and X^1, X^2, ... as git rev-parse resolves them, here
#            through one git cat-file --batch-check), author and committer time (git show %at
#            %ct), the signature verdict and key (git verify-commit with
#            gpg.ssh.allowedSignersFile) and the signed payload byte for byte (verify -v prints it);
#   tags:    object, type and name (git for-each-ref), what the tag peels to (X^{} and its type),
#            the verdict and the payload (git verify-tag -v);
# and libgit2 (in the hook process) must read the same tree, parents, object, type and name.
# Objects the hook refuses are fine; the unmodified seeds must be accepted. Any disagreement
# fails the test with the object's bytes.
. "$(dirname "$0")/lib.sh"
test_init

VIEW=$AUTHS_BIN_DIR/auths-object-view
[ -x "$VIEW" ] || e2e_die "$VIEW is missing (built with the tests: cmake --build build --target auths-object-view)"
command -v python3 >/dev/null 2>&1 || e2e_die "python3 is required to generate the objects"

make_key alice
make_key bob
make_key mallory

REPO=$E2E_TMP/repo
OBJS=$E2E_TMP/objects
WORK=$E2E_TMP/work
mkdir -p "$OBJS" "$WORK" "$E2E_TMP/seeds"
export GIT_NO_REPLACE_OBJECTS=1
git init -q "$REPO"
g() { git -C "$REPO" "$@"; }
# as NAME GIT-ARGS...: git with NAME's identity and signing key.
as() {
  local who=$1
  shift
  g -c user.name="$who" -c user.email="$who@example.org" -c user.signingKey="$KEYS/$who" "$@"
}
printf 'alice@example.org %s\nbob@example.org %s\n' "$(pub alice)" "$(pub bob)" >"$E2E_TMP/allowed_signers"
g config gpg.format ssh
g config gpg.ssh.allowedSignersFile "$E2E_TMP/allowed_signers"
g config gc.auto 0
g config tag.gpgSign false
ALLOWED=" $(fpr alice) $(fpr bob) "

# Setup, seeds: real objects made by git commit -S, git merge -S and git tag -s (checked by the
# first case).
echo one >"$REPO/f"
g add f
as alice commit -q -S -m "root commit"
root=$(g rev-parse HEAD)
echo two >>"$REPO/f"
as alice commit -q -a -S -m "signed commit" -m "with a body"
signed=$(g rev-parse HEAD)
echo three >>"$REPO/f"
as alice -c commit.gpgSign=false commit -q -a -m "unsigned commit"
unsigned=$(g rev-parse HEAD)
echo four >>"$REPO/f"
as mallory commit -q -a -S -m "signed by a key that is not allowed"
by_mallory=$(g rev-parse HEAD)
g checkout -q -b side "$root"
echo side >"$REPO/s"
g add s
as bob commit -q -S -m "side work"
side=$(g rev-parse HEAD)
as bob tag -s -m "side release" v-side
g checkout -q main
as alice merge -q --no-ff -S -m "merge the side release" v-side
merge=$(g rev-parse HEAD)
echo five >>"$REPO/f"
as alice -c i18n.commitEncoding=ISO-8859-1 commit -q -a -S -m "encoded"
encoded=$(g rev-parse HEAD)
as alice tag -s -m "release 1" v1 "$signed"
g tag -a -m "unsigned release" v2 "$signed"
as mallory tag -s -m "release by mallory" v3 "$signed"
as alice tag -s -m "a tree" vtree "$signed^{tree}"
blob=$(echo "a blob" | g hash-object -w --stdin)
as alice tag -s -m "a blob" vblob "$blob"
as alice tag -s -m "a tag of a tag" vnested v1 2>/dev/null
printf 'notes\n-----BEGIN PGP SIGNATURE-----\nquoted\n-----END PGP SIGNATURE-----\n' >"$WORK/quoted.msg"
as alice tag -s -F "$WORK/quoted.msg" vquoted "$signed"

seeds=()
for pair in signed:"$signed" root:"$root" unsigned:"$unsigned" by-mallory:"$by_mallory" merge:"$merge" \
  encoded:"$encoded" side:"$side"; do
  g cat-file commit "${pair#*:}" >"$E2E_TMP/seeds/${pair%%:*}.commit"
  seeds+=("commit:${pair%%:*}:$E2E_TMP/seeds/${pair%%:*}.commit")
done
for pair in signed:v1 unsigned:v2 by-mallory:v3 tree:vtree blob:vblob nested:vnested quoted:vquoted side:v-side; do
  g cat-file tag "${pair#*:}" >"$E2E_TMP/seeds/${pair%%:*}.tag"
  seeds+=("tag:${pair%%:*}:$E2E_TMP/seeds/${pair%%:*}.tag")
done

# Setup: generate and write the mutated objects.
count=$(python3 "$E2E_DIR/object_mutations.py" --out "$OBJS" --other-tree "$(g rev-parse "$root^{tree}")" \
  --other-commit "$side" --keys "$KEYS" "${seeds[@]}") || e2e_die "object_mutations.py failed"
printf '# %s objects generated\n' "$count"
declare -A OID KIND MUST DESC
for kind in commit tag; do
  find "$OBJS" -name "*.$kind" | sort >"$WORK/$kind.paths"
  g hash-object --literally -t "$kind" -w --stdin-paths <"$WORK/$kind.paths" >"$WORK/$kind.oids" ||
    e2e_die "git hash-object --literally -t $kind failed"
  while IFS= read -r path && IFS= read -r oid <&3; do
    id=${path##*/}
    id=${id%".$kind"}
    OID[$id]=$oid
  done <"$WORK/$kind.paths" 3<"$WORK/$kind.oids"
done
while IFS=$'\t' read -r id kind must desc; do
  KIND[$id]=$kind
  MUST[$id]=$must
  DESC[$id]=$desc
done <"$OBJS/manifest.tsv"
[ "${#OID[@]}" -eq "$count" ] || e2e_die "wrote ${#OID[@]} objects, expected $count"
# A ref for each tag, for git for-each-ref. Written as files: git update-ref refuses to point a
# ref at an object that git cannot parse (refs/files-backend.c write_ref_to_lockfile).
mkdir -p "$REPO/.git/refs/mut"
for id in "${!OID[@]}"; do
  if [ "${KIND[$id]}" = tag ]; then printf '%s\n' "${OID[$id]}" >"$REPO/.git/refs/mut/$id"; fi
done

# Setup: the hook's reading of every object.
for id in "${!OID[@]}"; do printf '%s\n' "${OID[$id]}"; done | sort -u >"$WORK/all.oids"
(cd "$REPO" && "$VIEW") <"$WORK/all.oids" >"$WORK/view.txt" || e2e_die "auths-object-view failed"
declare -A VIEWLINE
while IFS= read -r line; do VIEWLINE[${line%% *}]=$line; done <"$WORK/view.txt"
IDS=$(printf '%s\n' "${!OID[@]}" | sort)
ACCEPTED_COMMITS=() ACCEPTED_TAGS=()
for id in $IDS; do
  case ${VIEWLINE[${OID[$id]}]:-} in
    *" commit tree "*) ACCEPTED_COMMITS+=("$id") ;;
    *" tag object "*) ACCEPTED_TAGS+=("$id") ;;
  esac
done

# Setup: git's reading of every object.
# Tree and parents of every commit, and what every tag peels to, in one git process each:
# cat-file resolves X^{tree}, X^N and X^{} with git's own parsers and says "missing" when the
# object cannot be parsed.
declare -A GIT_TREE GIT_PARENTS GIT_PEELED GIT_TIMES GIT_TAGVIEW GIT_VERDICT
MAX_PARENTS=8
for id in $IDS; do
  oid=${OID[$id]}
  if [ "${KIND[$id]}" = commit ]; then
    printf '%s^{tree}\n' "$oid"
    for ((n = 1; n <= MAX_PARENTS; n++)); do printf '%s^%d\n' "$oid" "$n"; done
  else
    printf '%s^{}\n' "$oid"
  fi
done >"$WORK/revs"
g cat-file --batch-check='%(objectname) %(objecttype)' <"$WORK/revs" >"$WORK/revs.out" 2>/dev/null ||
  e2e_die "git cat-file --batch-check failed"
while IFS= read -r rev && IFS= read -r answer <&3; do
  oid=${rev%%^*}
  case $rev in
    *'^{tree}') GIT_TREE[$oid]=${answer%% *} ;;
    *'^{}') GIT_PEELED[$oid]=$answer ;;
    *) [ "${answer##* }" = missing ] || GIT_PARENTS[$oid]="${GIT_PARENTS[$oid]:-}${GIT_PARENTS[$oid]:+ }${answer%% *}" ;;
  esac
done <"$WORK/revs" 3<"$WORK/revs.out"
# Author and committer time of the commits the hook accepts (git show fails as a whole when
# one of them cannot be parsed; then one by one, to know which).
commit_times() { g show -s --no-show-signature --format='%H %at %ct' "$@" 2>/dev/null; }
accepted_oids=()
for id in "${ACCEPTED_COMMITS[@]}"; do accepted_oids+=("${OID[$id]}"); done
if ! commit_times "${accepted_oids[@]}" >"$WORK/times"; then
  for oid in "${accepted_oids[@]}"; do commit_times "$oid" || true; done >"$WORK/times"
fi
while read -r oid at ct; do GIT_TIMES[$oid]="$at $ct"; done <"$WORK/times"
# Object, type and name of the tags the hook accepts (for-each-ref through refs/mut/ID; the
# name hex-encoded, as auths-object-view prints it).
tag_view() {
  g for-each-ref --format='%(refname:lstrip=2) %(object) %(type) %(tag)' "$@" 2>/dev/null |
    python3 -c '
import sys
for line in sys.stdin.buffer:
    ident, obj, typ, name = line.rstrip(b"\n").split(b" ", 3)
    print(ident.decode(), obj.decode(), typ.decode(), name.hex() or "-")'
}
refs=()
for id in "${ACCEPTED_TAGS[@]}"; do refs+=("refs/mut/$id"); done
if ! tag_view "${refs[@]}" >"$WORK/tagview"; then
  for ref in "${refs[@]}"; do tag_view "$ref" || true; done >"$WORK/tagview"
fi
while read -r id rest; do GIT_TAGVIEW[$id]=$rest; done <"$WORK/tagview"
# The signature verdict and the signed payload: git verify-commit/verify-tag -v, one by one
# (each runs ssh-keygen). good:FINGERPRINT when git says "Good ... signature".
mkdir -p "$WORK/payload"
key_re='^.* key (SHA256:[^ ]*)'
for id in $IDS; do
  if g "verify-${KIND[$id]}" -v "${OID[$id]}" >"$WORK/payload/$id" 2>"$WORK/verify.err"; then
    GIT_VERDICT[$id]=good:
    while IFS= read -r line; do
      if [[ "$line" =~ $key_re ]]; then GIT_VERDICT[$id]=good:${BASH_REMATCH[1]}; break; fi
    done <"$WORK/verify.err"
  else
    GIT_VERDICT[$id]=notgood
  fi
done
declare -A GIT_PAYLOADSHA
(cd "$WORK/payload" && find . -type f -size +0 -printf '%f\n' | xargs -r sha256sum) >"$WORK/payload.sha"
while read -r sha file; do GIT_PAYLOADSHA[$file]=$sha; done <"$WORK/payload.sha"

# disagree ID WHAT...: one object read differently; prints it and counts it.
disagree() {
  local id=$1
  shift
  disagreements=$((disagreements + 1))
  {
    printf 'DISAGREEMENT on object %s (%s %s): %s\n' "$id" "${KIND[$id]}" "${OID[$id]}" "${DESC[$id]}"
    printf '  %s\n' "$@"
    printf '  hook: %s\n' "${VIEWLINE[${OID[$id]}]:-<no line>}"
    printf '  --- object bytes (cat -v) ---\n'
    cat -v "$OBJS/$id.${KIND[$id]}" | sed 's/^/  | /'
  } >&2
}

seeds_are_real() {
  if g cat-file commit "$merge" | grep -q '^mergetag ' && g cat-file commit "$encoded" | grep -q '^encoding '; then ok; else
    fail "setup: the merge has no mergetag header or the encoded commit no encoding header"
  fi
}
test_case seeds_are_real "seeds: real objects made by git commit -S, git merge -S and git tag -s"

compare() {
  disagreements=0
  n=0 agreed=0 refused=0 refused_git_reads=0 refused_git_good=0 good=0 seeds_accepted=0
  for id in $IDS; do
    n=$((n + 1))
    oid=${OID[$id]}
    kind=${KIND[$id]}
    read -r -a v <<<"${VIEWLINE[$oid]:-$oid missing}"
    if [ "${v[1]}" = refused ]; then
      refused=$((refused + 1))
      if [ "${MUST[$id]}" = 1 ]; then
        disagree "$id" "a real object made by git is refused: ${v[*]:2}"
        continue
      fi
      if [ "$kind" = commit ]; then answer=${GIT_TREE[$oid]:-missing}; else answer=${GIT_PEELED[$oid]:-missing}; fi
      [ "${answer##* }" = missing ] || refused_git_reads=$((refused_git_reads + 1))
      [ "${GIT_VERDICT[$id]}" = notgood ] || refused_git_good=$((refused_git_good + 1))
      continue
    fi
    [ "${MUST[$id]}" = 1 ] && seeds_accepted=$((seeds_accepted + 1))
    problems=()
    if [ "$kind" = commit ] && [ "${v[1]}" = commit ]; then
      # 0 oid 1 commit 2 tree 3 T 4 parents 5 P 6 author 7 A 8 committer 9 C 10 sig 11 V 12 sigsha 13 S
      # 14 payloadsha 15 Y 16 lg2 17 tree|refused 18 T 19 parents 20 P
      ours_parents=${v[5]//,/ }
      [ "$ours_parents" = - ] && ours_parents=
      git_tree=${GIT_TREE[$oid]:-missing}
      if [ "$git_tree" = missing ]; then
        problems+=("git cannot parse it (X^{tree} is missing)")
      else
        [ "$git_tree" = "${v[3]}" ] || problems+=("tree: git $git_tree, hook ${v[3]}")
        [ "${GIT_PARENTS[$oid]:-}" = "$ours_parents" ] || problems+=("parents: git '${GIT_PARENTS[$oid]:-}', hook '$ours_parents'")
        [ "${GIT_TIMES[$oid]:-}" = "${v[7]} ${v[9]}" ] || problems+=("author and committer time: git '${GIT_TIMES[$oid]:-}', hook '${v[7]} ${v[9]}'")
      fi
      if [ "${v[17]}" = refused ]; then
        problems+=("libgit2 cannot read it")
      else
        [ "${v[18]} ${v[20]}" = "${v[3]} ${v[5]}" ] || problems+=("tree and parents: libgit2 ${v[18]} ${v[20]}, hook ${v[3]} ${v[5]}")
      fi
    elif [ "$kind" = tag ] && [ "${v[1]}" = tag ]; then
      # 0 oid 1 tag 2 object 3 O 4 type 5 T 6 name 7 N 8 tagger 9 G 10 sig 11 V 12 sigsha 13 S
      # 14 payloadsha 15 Y 16 peeled 17 PT 18 PO 19 lg2 20 object|refused 21 O 22 type 23 T 24 name 25 N
      [ "${GIT_TAGVIEW[$id]:-}" = "${v[3]} ${v[5]} ${v[7]}" ] ||
        problems+=("object, type, name: git '${GIT_TAGVIEW[$id]:-<cannot parse>}', hook '${v[3]} ${v[5]} ${v[7]}'")
      [ "${GIT_PEELED[$oid]:-missing}" = "${v[18]} ${v[17]}" ] ||
        problems+=("peeled: git '${GIT_PEELED[$oid]:-missing}', hook '${v[18]} ${v[17]}'")
      if [ "${v[20]}" = refused ]; then
        problems+=("libgit2 cannot read it")
      else
        [ "${v[21]} ${v[23]} ${v[25]}" = "${v[3]} ${v[5]} ${v[7]}" ] ||
          problems+=("object, type, name: libgit2 ${v[21]} ${v[23]} ${v[25]}, hook ${v[3]} ${v[5]} ${v[7]}")
      fi
    else
      disagree "$id" "the hook read a $kind object as '${v[1]}'"
      continue
    fi
    # The verdict as git states it: good:FINGERPRINT for a good signature by an allowed key.
    ours=notgood
    if [[ ${v[11]} == good:* && $ALLOWED == *" ${v[11]#good:} "* ]]; then ours=${v[11]}; fi
    [ "$ours" = "${GIT_VERDICT[$id]}" ] || problems+=("signature: git ${GIT_VERDICT[$id]}, hook ${v[11]}")
    if [ -n "${GIT_PAYLOADSHA[$id]:-}" ] && [ "${GIT_PAYLOADSHA[$id]}" != "${v[15]}" ]; then
      problems+=("payload: git's (verify -v) differs from the hook's")
    fi
    if [ "${#problems[@]}" -gt 0 ]; then
      disagree "$id" "${problems[@]}"
      continue
    fi
    agreed=$((agreed + 1))
    [ "$ours" = notgood ] || good=$((good + 1))
    ok
  done
  [ "$disagreements" -eq 0 ] || fail "$disagreements objects read differently by the hook and by git or libgit2 (above)"
}
test_case compare "compare"

summary() {
  printf '# %d objects: %d agreed with git and libgit2 (%d with a good signature), %d refused' "$n" "$agreed" "$good" "$refused"
  printf ' (%d of them readable by git, %d with a signature git calls good), %d disagreements\n' \
    "$refused_git_reads" "$refused_git_good" "$disagreements"
  expect_seeds=$(awk -F'\t' '$3 == 1' "$OBJS/manifest.tsv" | wc -l)
  if [ "$seeds_accepted" -eq "$expect_seeds" ] && [ "$seeds_accepted" -ge 15 ]; then ok; else
    fail "$seeds_accepted of $expect_seeds real objects accepted"
  fi
  if [ "$n" -ge 300 ] && [ "$good" -ge 20 ] && [ "$refused_git_good" -ge 20 ]; then ok; else
    fail "too few objects or good signatures to mean much: $n objects, $good good, $refused_git_good refused-but-good"
  fi
}
test_case summary "summary"

test_done
