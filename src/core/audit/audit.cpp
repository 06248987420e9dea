#include "audit/audit.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "util/time.h"

namespace auths::audit {

namespace {

using Json = nlohmann::ordered_json;

/// A last line longer than this is not read back (a line carries at most kMaxObjectsPerLine
/// objects: a few hundred KiB).
constexpr off_t kMaxLastLine = 64 * 1024 * 1024;
constexpr size_t kReadChunk = 64 * 1024;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Json codes_json(const std::vector<Reason>& codes) {
  Json out = Json::array();
  for (const Reason c : codes) out.push_back(std::string(name(c)));
  return out;
}

/// The violations of one ref: its own (violation.ref_name is the ref git updates) and those of
/// the whole push (ref_name "").
std::vector<const Violation*> violations_of(const Decision& decision, const std::string& ref) {
  std::vector<const Violation*> out;
  for (const auto& v : decision.violations) {
    if (v.ref_name.empty() || v.ref_name == ref) out.push_back(&v);
  }
  return out;
}

Json record(const Decision& decision, const HookContext& context, const std::string& repo, const std::string& time,
            const RefReport& ref, size_t max_objects) {
  std::vector<Reason> codes = ref.codes;
  const auto violations = violations_of(decision, ref.ref);
  Json messages = Json::array();
  for (const Violation* v : violations) {
    if (std::find(codes.begin(), codes.end(), v->code) == codes.end()) codes.push_back(v->code);
    if (messages.size() == max_objects) continue;
    messages.push_back({{"code", std::string(name(v->code))},
                        {"object", v->object ? Json(v->object->hex()) : Json(nullptr)},
                        {"rule", v->rule},
                        {"message", v->message}});
  }
  Json objects = Json::array();
  for (const auto& obj : ref.objects) {
    if (objects.size() == max_objects) break;
    objects.push_back({{"oid", obj.oid.hex()},
                       {"kind", obj.kind},
                       {"role", to_string(obj.role)},
                       {"signer", obj.signer},
                       {"key", obj.key},
                       {"code", std::string(name(obj.code))}});
  }
  Json j = {
      {"time", time},
      {"repo", repo},
      {"ref", ref.update.ref_name},
      {"updates", ref.ref},
      {"old", ref.update.old_oid.hex()},
      {"new", ref.update.new_oid.hex()},
      {"kind", to_string(ref.kind)},
      {"decision", decision_word(decision)},
      {"mode", to_string(decision.enforcement)},
      {"ref_allowed", ref.allowed},
      {"codes", codes_json(codes)},
      {"pusher", context.pusher},
      {"pusher_source", context.pusher_source},
      {"protocol", context.protocol},
      {"policy", ref.policy_source},
      {"rule", ref.rule},
      {"objects", std::move(objects)},
      {"objects_total", ref.objects.size()},
      {"violations", std::move(messages)},
      {"violations_total", violations.size()},
  };
  if (decision.overruled) j["overruled"] = outcome_word(*decision.overruled);
  if (!decision.override_note.empty()) j["override"] = decision.override_note;
  return j;
}

/// Closes the file (and so releases its flock) when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status lock_exclusive(int fd, const std::string& path) {
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) return Error::io(std::string("cannot lock: ") + std::strerror(errno), path);
  }
  return {};
}

Status read_at(int fd, char* out, size_t size, off_t at, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, out, size, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::io(n < 0 ? std::strerror(errno) : "the file shrank while it was read", path);
    out += n;
    size -= static_cast<size_t>(n);
    at += n;
  }
  return {};
}

Status write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::io(n < 0 ? std::strerror(errno) : "short write", path);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

/// The file's last line (without its newline) and whether it has one; nullopt for an empty file.
struct LastLine {
  std::string text;
  bool complete = true;
};
Result<std::optional<LastLine>> read_last_line(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error::io(std::strerror(errno), path);
  const off_t size = st.st_size;
  if (size == 0) return std::optional<LastLine>{};
  std::string tail;  // the file's bytes from `start` to its end
  off_t start = size;
  for (;;) {
    const bool newline = !tail.empty() && tail.back() == '\n';
    const size_t body = tail.size() - (newline ? 1 : 0);
    const size_t before = body == 0 ? std::string::npos : tail.rfind('\n', body - 1);
    if (before != std::string::npos)
      return std::optional<LastLine>{{tail.substr(before + 1, body - before - 1), newline}};
    if (start == 0) return std::optional<LastLine>{{tail.substr(0, body), newline}};
    if (size - start >= kMaxLastLine) return Error::corrupt("the last line is longer than 64 MiB", path);
    const off_t chunk = std::min<off_t>(start, static_cast<off_t>(kReadChunk));
    start -= chunk;
    std::string bytes(static_cast<size_t>(chunk), '\0');
    if (Status s = read_at(fd, bytes.data(), bytes.size(), start, path); !s) return s.error();
    tail.insert(0, bytes);
  }
}

/// The `seq` of a line, or nullopt when it has none (not a chained line).
std::optional<uint64_t> seq_of(std::string_view line) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find("seq");
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

void send_to_syslog(const std::vector<std::string>& records) {
  ::openlog("auths-hooks", LOG_PID, LOG_AUTHPRIV);
  for (const auto& r : records) ::syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", r.c_str());
  ::closelog();
}

}  // namespace

std::vector<std::string> decision_records(const Decision& decision, const HookContext& context, const std::string& repo,
                                          int64_t now, size_t max_objects) {
  const std::string time = util::format_utc(now);
  std::vector<std::string> out;
  for (const auto& ref : decision.refs) out.push_back(dump(record(decision, context, repo, time, ref, max_objects)));
  if (decision.refs.empty() && !decision.violations.empty()) {
    out.push_back(dump(record(decision, context, repo, time, RefReport{}, max_objects)));
  }
  return out;
}

Status append_chained(const std::string& path, const std::vector<std::string>& records) {
  if (records.empty()) return {};
  Fd file{::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640)};
  if (file.fd < 0) return Error::io(std::strerror(errno), path);
  if (Status s = lock_exclusive(file.fd, path); !s) return s;
  auto last = read_last_line(file.fd, path);
  if (!last) return last.error();
  uint64_t seq = 1;
  std::string prev;
  std::string out;
  if (*last) {
    prev = line_hash((*last)->text);
    // A line with no seq (cut short, or written before the chain) restarts the count at 1:
    // `auths audit verify` names it.
    seq = seq_of((*last)->text).value_or(0) + 1;
    if (!(*last)->complete) out += '\n';
  }
  for (const auto& r : records) {
    if (r.size() < 2 || r.front() != '{' || r.back() != '}')
      return Error::internal("an audit record is not a JSON object");
    std::string line = "{\"seq\":" + std::to_string(seq) + ",\"prev\":\"" + prev + "\"";
    line += r.size() > 2 ? "," + r.substr(1) : "}";
    prev = line_hash(line);
    ++seq;
    out += line;
    out += '\n';
  }
  if (Status s = write_all(file.fd, out, path); !s) return s;
  if (::fsync(file.fd) != 0) return Error::io(std::string("cannot sync: ") + std::strerror(errno), path);
  return {};
}

Status append(const std::string& sink, const Decision& decision, const HookContext& context, const std::string& repo,
              int64_t now) {
  if (sink == kSyslogSink) {
    send_to_syslog(decision_records(decision, context, repo, now, kMaxSyslogObjects));
    return {};
  }
  return append_chained(sink, decision_records(decision, context, repo, now, kMaxObjectsPerLine));
}

}  // namespace auths::audit
