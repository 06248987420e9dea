#!/usr/bin/env bash
# Project-scoped org roles under the forges' conventions: pat is a member of the org for the
# project group/project only (auths org add-member --repos group/project). Pushed as GitLab
# pushes (GL_ID, GL_USERNAME, GL_PROJECT_PATH) and as Gitea pushes (GITEA_PUSHER_NAME,
# GITEA_REPO_USER_NAME/GITEA_REPO_NAME), pat's commit is accepted where the forge names that
# project and refused where it names another; with hooks.yaml `project: config` the forge's
# variables name nothing, and the repository's own `git config auths.repo` decides.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
make_key admin

HOOKS_YAML=$E2E_TMP/hooks.yaml
export AUTHS_HOOKS_CONFIG=$HOOKS_YAML
printf 'version: 1\n' >"$HOOKS_YAML"

org_fixture
dev_id pat
PAT=$ID_DID
dev_auths olivia org add-member "$PAT" --role member --repos group/project
setup_repo admin <<POLICY
version = 1
org = "$ORG"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
roles = ["member"]
capabilities = ["sign_commit"]

[governance]
signers = ["$(pub admin)"]
POLICY

publish_records() {
  dev_clone pat
  dev_sign_with pat laptop
  dev_link pat laptop >/dev/null
  for who in olivia pat; do dev_publish "$who" >/dev/null; done
  push origin refs/auths/registry
  expect_push_ok
}
test_case publish_records "the org's records and pat's project-scoped membership pushed"

gitlab_project_accepted() {
  p1=$(dev_commit pat laptop "pat: in group/project")
  GL_ID=user-3 GL_USERNAME=pat GL_PROJECT_PATH=group/project GL_PROTOCOL=ssh push origin main
  expect_push_ok
  expect_ref refs/heads/main "$p1"
}
test_case gitlab_project_accepted "GitLab names group/project (GL_PROJECT_PATH): pat's commit accepted"

gitlab_other_project_refused() {
  p2=$(dev_commit pat laptop "pat: pushed as if to group/other")
  GL_ID=user-3 GL_USERNAME=pat GL_PROJECT_PATH=group/other GL_PROTOCOL=ssh push origin main
  expect_push_rejected not-a-member
  expect_line_match "not-a-member \\(rule 'main'\\): .* is not a member of $ORG for group/other$"
  expect_line "GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref"
  expect_ref refs/heads/main "$p1"
}
test_case gitlab_other_project_refused "GitLab names group/other: pat's role does not reach it, refused with GL-HOOK-ERR"

gitea_projects() {
  GITEA_PUSHER_NAME=pat GITEA_REPO_USER_NAME=group GITEA_REPO_NAME=other push origin main
  expect_push_rejected not-a-member
  expect_line_match "not-a-member \\(rule 'main'\\): .* is not a member of $ORG for group/other$"
  expect_ref refs/heads/main "$p1"
  GITEA_PUSHER_NAME=pat GITEA_REPO_USER_NAME=group GITEA_REPO_NAME=project push origin main
  expect_push_ok
  expect_ref refs/heads/main "$p2"
}
test_case gitea_projects "Gitea names group/other (refused), then group/project (accepted)"

config_only_ignores_the_environment() {
  printf 'version: 1\ndefaults:\n  project: config\n' >"$HOOKS_YAML"
  p3=$(dev_commit pat laptop "pat: the server names the project itself")
  GL_ID=user-3 GL_USERNAME=pat GL_PROJECT_PATH=group/project GL_PROTOCOL=ssh push origin main
  expect_push_rejected not-a-member
  expect_line_match "not-a-member \\(rule 'main'\\): .* is not a member of $ORG$"
  expect_ref refs/heads/main "$p2"
  server_git config auths.repo group/project
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$p3"
}
test_case config_only_ignores_the_environment "hooks.yaml project: config: GL_PROJECT_PATH names nothing; git config auths.repo does"

test_done
