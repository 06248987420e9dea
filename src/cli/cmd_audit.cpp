// auths audit log: every record of refs/auths/registry (identities, key rotations, device links,
// agent delegations, memberships, revocations, freezes) with who signed it and when, oldest
// first, as text columns or JSON.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auths/client/audit_ops.h"
#include "auths/client/keys.h"
#include "auths/exit_codes.h"
#include "commands.h"

namespace auths::cli {

nlohmann::ordered_json agent_json(const client::AgentLabel& agent) {
  if (agent.type.empty()) return nullptr;
  nlohmann::ordered_json j = {{"type", agent.type}};
  if (!agent.name.empty()) j["name"] = agent.name;
  if (!agent.setup_profile.empty()) j["setup_profile"] = agent.setup_profile;
  if (agent.ephemeral) j["ephemeral"] = true;
  return j;
}

nlohmann::ordered_json event_json(const client::AuditEvent& e) {
  return {{"kind", e.kind},
          {"timestamp", or_null(e.timestamp)},
          {"commit", or_null(e.commit)},
          {"committed_at", or_null(e.committed_at)},
          {"subject", or_null(e.subject)},
          {"issuer", or_null(e.issuer)},
          {"signer", or_null(e.signer)},
          {"role", or_null(e.role)},
          {"signer_type", or_null(e.signer_type)},
          {"capabilities", e.capabilities},
          {"teams", e.teams},
          {"repos", e.repos},
          {"expires_at", or_null(e.expires_at)},
          {"until", or_null(e.until)},
          {"note", or_null(e.note)},
          {"agent", agent_json(e.agent)},
          {"record", e.record}};
}

namespace {

/// What the text line says beyond who and when.
std::string event_details(const client::AuditEvent& e) {
  std::vector<std::string> parts;
  if (!e.role.empty()) parts.push_back("role " + e.role);
  if (!e.signer_type.empty()) parts.push_back(e.signer_type);
  if (e.kind == "membership-added" || e.kind == "device-linked" || e.kind == "agent-delegated") {
    parts.push_back(e.capabilities.empty() ? "no capabilities" : join(e.capabilities, ","));
  }
  if (!e.teams.empty()) parts.push_back("teams " + join(e.teams, ","));
  if (!e.repos.empty()) parts.push_back("repos " + join(e.repos, ","));
  if (!e.expires_at.empty()) parts.push_back("expires " + e.expires_at);
  if (!e.until.empty()) parts.push_back("until " + e.until);
  if (!e.agent.type.empty()) {
    parts.push_back(e.agent.type + (e.agent.name.empty() ? "" : " '" + e.agent.name + "'") +
                    (e.agent.ephemeral ? ", ephemeral" : ""));
  }
  if (!e.note.empty()) parts.push_back(e.note);
  if (e.issuer != e.signer && e.issuer != e.subject) parts.push_back("for " + e.issuer);
  if (e.kind == "error" && !e.record.empty()) parts.push_back(e.record);
  return join(parts, "; ");
}

void print_source(const client::AuditSource& source) {
  if (!source.repository.empty()) {
    std::fprintf(stderr, "refs/auths/registry of %s at %s\n", source.repository.c_str(),
                 source.registry.substr(0, 12).c_str());
  } else {
    std::fprintf(stderr, "no refs/auths/registry here: the home's registry copy %s\n", source.home_copy.c_str());
  }
}

struct LogOptions {
  std::string repo;
  std::string since;
  bool json = false;
};

int run_log(const LogOptions& opts) {
  const auto home = client::auths_home();
  if (!home) return report_error(home.error());
  client::AuditOptions options;
  options.repo = opts.repo;
  if (!opts.since.empty()) {
    auto since = client::parse_since(opts.since);
    if (!since) return report_error(since.error());
    options.since = *since;
  }
  auto log = client::audit_log(*home, options);
  if (!log) return report_unreadable(log.error());
  print_source(log->source);
  if (opts.json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::array();
    for (const auto& e : log->events) doc.push_back(event_json(e));
    std::printf("%s\n", doc.dump(2).c_str());
    return kExitAccepted;
  }
  if (log->events.empty()) {
    std::printf("no events\n");
    return kExitAccepted;
  }
  std::printf("%-20s  %-7s  %-18s  %-56s  %-53s  %s\n", "WHEN", "COMMIT", "EVENT", "SUBJECT", "SIGNED BY", "DETAILS");
  for (const auto& e : log->events) {
    const std::string when = e.when().empty() ? "-" : e.when();
    const std::string commit = e.commit.empty() ? "-" : e.commit.substr(0, 7);
    std::printf("%-20s  %-7s  %-18s  %-56s  %-53s  %s\n", when.c_str(), commit.c_str(), e.kind.c_str(),
                e.subject.empty() ? "-" : e.subject.c_str(), e.signer.empty() ? "-" : e.signer.c_str(),
                event_details(e).c_str());
  }
  return kExitAccepted;
}

}  // namespace

void register_audit(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand("audit", "Read the registry's history: who granted, revoked and froze what");
  group->require_subcommand(1);

  auto opts = std::make_shared<LogOptions>();
  CLI::App* log =
      group->add_subcommand("log", "Every record of refs/auths/registry, oldest first, with who signed it and when");
  log->add_option("--repo", opts->repo,
                  "The repository whose refs/auths/registry to read (default: the current directory when it is a "
                  "repository with one, else this home's registry copy)");
  log->add_option("--since", opts->since, "Only events from then on: 2026-01-31, 2026-01-31T12:00:00Z, or 7d, 24h ago");
  log->add_flag("--json", opts->json, "Print a JSON array instead of text");
  log->footer(
      "One line per record, in the order the registry received them: commit by commit from the first, and within a "
      "commit key events first, then records by their own time. Without refs/auths/registry the home's registry copy "
      "is read (no commits; key events, which carry no time, first). stderr names what was read.\n"
      "Columns: WHEN (the record's time; a key event's commit time), COMMIT (the registry commit that added it), "
      "EVENT, SUBJECT, SIGNED BY (the issuer, or the admin who signed a membership or freeze for the org), DETAILS.\n"
      "Events: identity-incepted, delegate-incepted, keys-rotated (key event logs); membership-added, "
      "membership-revoked (role, capabilities, teams, repos, expiry); device-linked, device-revoked (a did:key, or "
      "a device record of the Auths CLI's layout); "
      "agent-delegated, agent-revoked (a did:keri); freeze (until, reason), unfreeze; error (a file that does not "
      "parse, a path outside the layout, a record changed or removed: never skipped).\n"
      "JSON fields: kind, timestamp, commit, committed_at, subject, issuer, signer, role, signer_type, "
      "capabilities, teams, repos, expires_at, until, note, agent (an agent delegation's metadata), record (the file's "
      "path in the registry).\n"
      "Records are parsed, not verified again: servers verify refs/auths/registry on every push. (The hooks' log "
      "of push decisions is the file of 'git config auths.auditLog' on the server.) Exit 0, 64 for a bad option, 2 "
      "when the repository or the registry cannot be read.");
  registry.push_back({log, [opts] { return run_log(*opts); }});
}

}  // namespace auths::cli
