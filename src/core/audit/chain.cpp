// auths/audit.h: the decision word and the hash chain of the audit log, as `auths audit verify`
// checks it (the hooks write it in audit.cpp).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "crypto/verify.h"
#include "git/repository.h"
#include "util/bytes.h"

namespace auths::audit {

namespace {

std::string n(size_t line) { return "line " + std::to_string(line); }

/// What breaks the chain at `line` (from 1), given line_hash of the line before it ("" for the
/// first); "" when nothing does. Sets `bad` to the line to name.
std::string check_line(const std::string& text, size_t line, const std::string& previous_hash, size_t& bad) {
  bad = line;
  if (text.empty()) return n(line) + " is empty";
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return n(line) + " is not a JSON object";
  const auto seq = j.find("seq");
  const auto prev = j.find("prev");
  if (seq == j.end() || !seq->is_number_unsigned() || prev == j.end() || !prev->is_string()) {
    return n(line) + " has no seq or prev (not a line of the chain)";
  }
  const uint64_t got = seq->get<uint64_t>();
  if (got > line) {
    const uint64_t missing = got - line;
    return n(line) + " has seq " + std::to_string(got) + " where " + std::to_string(line) +
           " was expected: " + std::to_string(missing) + (missing == 1 ? " line was" : " lines were") +
           " removed before it";
  }
  if (got < line) {
    return n(line) + " has seq " + std::to_string(got) + " where " + std::to_string(line) +
           " was expected: a line was inserted before it, or lines were moved";
  }
  const std::string want = prev->get<std::string>();
  if (want == previous_hash) return "";
  if (line == 1) {
    return n(1) + " has prev \"" + want +
           "\" where the first line of a chain has \"\": altered, or lines were removed before it";
  }
  bad = line - 1;
  return n(line - 1) + " was altered (or the prev of " + n(line) + " was): its SHA-256 is " + previous_hash + ", " +
         n(line) + " records " + want;
}

}  // namespace

const char* outcome_word(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccept: return "accept";
    case Outcome::kReject: return "refuse";
    case Outcome::kUndecided: return "error";
  }
  return "error";
}

const char* decision_word(const Decision& decision) {
  if (decision.outcome != Outcome::kAccept) return outcome_word(decision.outcome);
  if (!decision.override_note.empty()) return "override";
  if (decision.enforcement == Enforcement::kWarn && decision.overruled) return "warn";
  if (decision.enforcement == Enforcement::kOff) return "off";
  return "accept";
}

std::string line_hash(std::string_view line) { return util::hex_encode(crypto::sha256(util::byte_span(line))); }

ChainCheck verify_chain(std::istream& in) {
  ChainCheck check;
  std::string text;
  while (std::getline(in, text)) {
    const size_t line = check.lines + 1;
    if (in.eof()) {
      check.bad_line = line;
      check.problem = n(line) + " has no newline at its end: cut short (or still being written)";
      return check;
    }
    check.problem = check_line(text, line, check.last_hash, check.bad_line);
    if (!check.problem.empty()) return check;
    check.bad_line = 0;
    check.lines = line;
    check.last_hash = line_hash(text);
  }
  return check;
}

Result<ChainCheck> verify_file(const std::string& path) {
  // The lock is taken on a descriptor of its own: the hooks' exclusive lock waits for it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::io(std::strerror(errno), path);
  while (::flock(fd, LOCK_SH) != 0) {
    if (errno != EINTR) {
      const int saved = errno;
      ::close(fd);
      return Error::io(std::string("cannot lock: ") + std::strerror(saved), path);
    }
  }
  std::ifstream in(path, std::ios::binary);
  ChainCheck check;
  if (in) check = verify_chain(in);
  const bool failed = !in.is_open() || in.bad();
  ::close(fd);
  if (failed) return Error::io("cannot read", path);
  return check;
}

Result<std::optional<std::string>> repository_sink(const std::string& repo_path) {
  const git::Session session;
  auto repo = git::Repository::open(repo_path);
  if (!repo) return repo.error();
  return repo->config_string("auths.auditLog");
}

}  // namespace auths::audit
