// auths audit log: every record of refs/auths/registry (identities, key rotations, device links,
// agent delegations, memberships, revocations, freezes) with who signed it and when, oldest
// first, as text columns or JSON. auths audit verify | show: the hooks' audit log of push
// decisions (README.md, "Audit log"): its hash chain checked, its lines filtered and shown.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auths/audit.h"
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

struct VerifyOptions {
  std::string file;
  bool json = false;
};

int run_verify(const VerifyOptions& opts) {
  auto check = audit::verify_file(opts.file);
  if (!check) return report_unreadable(check.error());
  if (opts.json) {
    const nlohmann::ordered_json doc = {
        {"file", opts.file},
        {"ok", check->intact()},
        {"lines", check->lines},
        {"last_hash", check->last_hash},
        {"bad_line", check->intact() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(check->bad_line)},
        {"problem", or_null(check->problem)}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else if (check->intact()) {
    std::printf("OK: %zu line%s, chain intact, last hash %s\n", check->lines, check->lines == 1 ? "" : "s",
                check->last_hash.empty() ? "(none: empty file)" : check->last_hash.c_str());
  } else {
    std::printf("FAILED: line %zu: %s\n", check->bad_line, check->problem.c_str());
    std::printf("(%zu line%s before it chain intact)\n", check->lines, check->lines == 1 ? "" : "s");
  }
  return check->intact() ? kExitAccepted : kExitRejected;
}

constexpr std::array<const char*, 6> kDecisionWords = {"accept", "refuse", "warn", "error", "override", "off"};

struct ShowOptions {
  std::string file;
  std::string repo;
  std::string ref;
  std::string since;
  std::string decision;
  bool json = false;
};

/// A line's string field for a text column: as it is when printable, else JSON-quoted (escaped);
/// "-" when absent or empty.
std::string cell(const nlohmann::json& line, const char* key) {
  const auto it = line.find(key);
  if (it == line.end() || it->is_null()) return "-";
  if (!it->is_string()) return it->dump();
  const auto& text = it->get_ref<const std::string&>();
  if (text.empty()) return "-";
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
  });
  return plain ? text : it->dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

bool ref_matches(const nlohmann::json& line, const std::string& want) {
  for (const char* key : {"ref", "updates"}) {
    const std::string got = cell(line, key);
    if (got == want || got == "refs/heads/" + want || got == "refs/tags/" + want) return true;
  }
  return false;
}

std::string codes_cell(const nlohmann::json& line) {
  std::vector<std::string> parts;
  const auto codes = line.find("codes");
  if (codes != line.end() && codes->is_array()) {
    for (const auto& c : *codes) parts.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  }
  std::string out = parts.empty() ? "-" : join(parts, ",");
  if (line.contains("override")) out += "; override: " + cell(line, "override");
  return out;
}

int run_show(const ShowOptions& opts) {
  if (!opts.decision.empty() && std::find_if(kDecisionWords.begin(), kDecisionWords.end(), [&](const char* w) {
                                  return opts.decision == w;
                                }) == kDecisionWords.end()) {
    std::fprintf(stderr, "error: --decision takes accept, refuse, warn, error, override or off\n");
    return kExitUsage;
  }
  std::optional<int64_t> since;
  if (!opts.since.empty()) {
    auto at = client::parse_since(opts.since);
    if (!at) return report_error(at.error());
    since = *at;
  }
  std::string path = opts.file;
  if (path.empty()) {
    const std::string repo = opts.repo.empty() ? "." : opts.repo;
    auto sink = audit::repository_sink(repo);
    if (!sink) return report_unreadable(sink.error());
    if (!*sink) {
      std::fprintf(stderr, "error: %s has no audit log (git config auths.auditLog is not set); use --file\n",
                   repo.c_str());
      return kExitUndecided;
    }
    if (**sink == audit::kSyslogSink) {
      std::fprintf(stderr, "error: %s writes its audit lines to syslog: journalctl -t auths-hooks\n", repo.c_str());
      return kExitUndecided;
    }
    path = **sink;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return report_unreadable(Error::io(std::strerror(errno), path));
  if (!opts.json) {
    std::printf("%-20s  %6s  %-8s  %-24s  %-24s  %-16s  %-28s  %s\n", "TIME", "SEQ", "DECISION", "REPO", "REF",
                "UPDATE", "PUSHER", "CODES");
  }
  std::string text;
  size_t number = 0;
  size_t shown = 0;
  while (std::getline(in, text)) {
    ++number;
    const auto line = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!line.is_object()) {
      std::fprintf(stderr, "warning: %s: line %zu is not a JSON object (auths audit verify names what is wrong)\n",
                   path.c_str(), number);
      continue;
    }
    if (!opts.ref.empty() && !ref_matches(line, opts.ref)) continue;
    if (!opts.decision.empty() && cell(line, "decision") != opts.decision) continue;
    if (since) {
      auto at = client::parse_since(cell(line, "time"));
      if (!at || *at < *since) continue;
    }
    ++shown;
    if (opts.json) {
      std::printf("%s\n", text.c_str());
      continue;
    }
    const std::string update = cell(line, "old").substr(0, 7) + ".." + cell(line, "new").substr(0, 7);
    std::string pusher = cell(line, "pusher");
    if (line.contains("pusher_source")) pusher += " (" + cell(line, "pusher_source") + ")";
    std::printf("%-20s  %6s  %-8s  %-24s  %-24s  %-16s  %-28s  %s\n", cell(line, "time").c_str(),
                cell(line, "seq").c_str(), cell(line, "decision").c_str(), cell(line, "repo").c_str(),
                cell(line, "ref").c_str(), update.c_str(), pusher.c_str(), codes_cell(line).c_str());
  }
  if (in.bad()) return report_unreadable(Error::io("cannot read", path));
  if (!opts.json && shown == 0) std::printf("no lines\n");
  return kExitAccepted;
}

}  // namespace

void register_audit(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand(
      "audit",
      "Read the registry's history (who granted, revoked and froze what) and the hooks' audit log of push decisions");
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
      "of push decisions is the file of 'git config auths.auditLog' on the server: 'auths audit verify' and 'auths "
      "audit show'.) Exit 0, 64 for a bad option, 2 "
      "when the repository or the registry cannot be read.");
  registry.push_back({log, [opts] { return run_log(*opts); }});

  auto verify_opts = std::make_shared<VerifyOptions>();
  CLI::App* verify = group->add_subcommand("verify", "Prove the hash chain of the hooks' audit log unbroken");
  verify->add_option("file", verify_opts->file, "The audit log (git config auths.auditLog on the server)")->required();
  verify->add_flag("--json", verify_opts->json, "Print one JSON document instead of text");
  verify->footer(
      "Every line must be a JSON object whose seq is the line before's plus one (1 for the first line) and whose "
      "prev is the hex SHA-256 of the line before, its bytes without the newline (\"\" for the first line). Prints "
      "'OK: N lines, chain intact, last hash H', or 'FAILED: line K: ...' naming the first line altered, removed, "
      "inserted or cut short. Keep H somewhere else: the chain cannot show that lines were removed from its end, "
      "or that the whole file was rewritten; a hash recorded earlier can.\n"
      "JSON fields: file, ok, lines (read and intact), last_hash, bad_line, problem.\n"
      "Exit 0 when the chain is intact, 1 when it is broken, 2 when the file cannot be read, 64 for a bad option.");
  registry.push_back({verify, [verify_opts] { return run_verify(*verify_opts); }});

  auto show_opts = std::make_shared<ShowOptions>();
  CLI::App* show = group->add_subcommand("show", "Show the lines of the hooks' audit log: one per ref update");
  CLI::Option* file = show->add_option("--file", show_opts->file, "The audit log to read");
  show->add_option("--repo", show_opts->repo,
                   "Read the audit log the repository's hooks write (git config auths.auditLog; default: the "
                   "current directory)")
      ->excludes(file);
  show->add_option("--ref", show_opts->ref, "Only this ref (refs/heads/main, or main)");
  show->add_option("--since", show_opts->since,
                   "Only lines from then on: 2026-01-31, 2026-01-31T12:00:00Z, or 2h, 7d ago");
  show->add_option("--decision", show_opts->decision, "Only this decision: accept, refuse, warn, error, override, off");
  show->add_flag("--json", show_opts->json, "Print the matching lines as they are in the file (JSON lines)");
  show->footer(
      "Columns: TIME, SEQ, DECISION, REPO, REF, UPDATE (old..new), PUSHER (and what named them), CODES (and an "
      "override's note). Text that is not printable is shown JSON-escaped. A line that is not JSON is skipped with a "
      "warning: 'auths audit verify' says what is wrong with it. Exit 0, 64 for a bad option, 2 when the log cannot be "
      "read.");
  registry.push_back({show, [show_opts] { return run_show(*show_opts); }});
}

}  // namespace auths::cli
