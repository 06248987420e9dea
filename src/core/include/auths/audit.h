// The hooks' audit log as its readers see it (`auths audit verify`, `auths audit show`): the
// decision word of a line and the hash chain that makes removed, inserted or altered lines
// show. The hooks write it (src/core/audit/audit.h); README.md, "Audit log", is the format.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "auths/result.h"
#include "auths/types.h"

namespace auths::audit {

/// The audit sink that sends each line to syslog(3) (facility authpriv, ident "auths-hooks")
/// instead of to a file. Syslog lines are not chained.
inline constexpr std::string_view kSyslogSink = "syslog";

/// The word a line records for a push: "error" (undecided, fail closed), "refuse", "override"
/// (a break-glass override let a refused push through), "warn" (warn mode let it through),
/// "off" (judged nothing), "accept".
const char* decision_word(const Decision& decision);
/// "accept", "refuse" or "error": the word of an outcome alone (a line's `overruled`).
const char* outcome_word(Outcome outcome);

/// The hex SHA-256 of a line's bytes without its newline: the next line's `prev`.
std::string line_hash(std::string_view line);

/// What `auths audit verify` found in a file.
struct ChainCheck {
  size_t lines = 0;       // the lines read (all of them when the chain is intact)
  std::string last_hash;  // line_hash of the last line read ("" for an empty file)
  size_t bad_line = 0;    // 0: intact; else the first line (from 1) that was altered, removed or inserted
  std::string problem;    // what is wrong at bad_line
  bool intact() const { return bad_line == 0; }
};

/// Checks the chain: every line is a JSON object whose `seq` is the previous line's plus one (1
/// for the first) and whose `prev` is line_hash of the previous line ("" for the first). Stops
/// at the first line that breaks it.
ChainCheck verify_chain(std::istream& in);
/// verify_chain over the file at `path`, read under a shared lock (no hook appends meanwhile).
/// An Error when it cannot be opened or read.
Result<ChainCheck> verify_file(const std::string& path);

/// Where the hooks of the repository at `repo_path` write their audit lines: a file path,
/// kSyslogSink, or nullopt when they write none (`git config auths.auditLog`).
Result<std::optional<std::string>> repository_sink(const std::string& repo_path);

}  // namespace auths::audit
