// The audit log the hooks write: one JSON line per ref update of every decision, hash-chained
// (each line carries `seq` and `prev`, the SHA-256 of the line before it) and appended under an
// exclusive flock(2) of the file, so that concurrent pushes never interleave or fork the chain;
// or the same lines, unchained, to syslog. README.md, "Audit log", documents every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "auths/audit.h"
#include "auths/result.h"
#include "auths/types.h"
#include "auths/verify.h"

namespace auths::audit {

/// At most this many objects (and violations) per line; `objects_total` and
/// `violations_total` count them all.
inline constexpr size_t kMaxObjectsPerLine = 1000;
/// Syslog daemons cut long messages (rsyslog: 8 KiB by default): fewer objects per line there.
inline constexpr size_t kMaxSyslogObjects = 20;

/// One JSON object per ref update of `decision` (a decision with no ref but violations: one
/// with ref ""), with every field of a line but `seq` and `prev`, at most `max_objects`
/// objects and violations each.
std::vector<std::string> decision_records(const Decision& decision, const HookContext& context, const std::string& repo,
                                          int64_t now, size_t max_objects);

/// Appends each record (a JSON object's text) to the file at `path` as the next line of its
/// chain: `{"seq":N,"prev":"<line_hash of the line before>", <the record's fields>}`. Takes an
/// exclusive flock of the file for the whole append (reading the last line, writing, fsync).
/// A last line without its newline (a write cut short) is ended first and stays in the chain,
/// where `auths audit verify` names it.
Status append_chained(const std::string& path, const std::vector<std::string>& records);

/// What the hooks call: the decision's lines to syslog when `sink` is kSyslogSink, else
/// appended to the file `sink` names.
Status append(const std::string& sink, const Decision& decision, const HookContext& context, const std::string& repo,
              int64_t now);

}  // namespace auths::audit
