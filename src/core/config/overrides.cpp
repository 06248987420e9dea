// Break-glass overrides (auths/hooks_config.h): one JSON file per override in
// <git dir>/auths-overrides/, written by the admin (`auths hook override`), claimed by exactly
// one push. Nothing here reads what a pusher can set.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "auths/hooks_config.h"
#include "git/repository.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths::config {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOverrideDir = "auths-overrides";
constexpr size_t kMaxOverrideFile = 64 * 1024;

Result<std::string> git_dir_of(const std::string& repo_path) {
  const git::Session session;
  auto repo = git::Repository::open(repo_path);
  if (!repo) return repo.error();
  std::string dir = repo->path();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

bool valid_id(std::string_view id) {
  return id.size() == 16 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string new_id() {
  std::random_device rd;
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) out.push_back(kHex[rd() % 16]);
  return out;
}

Result<Override> read_override(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::io("cannot read the override", file.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.size() > kMaxOverrideFile) return Error::invalid_argument("override file too large", file.string());
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Error::invalid_argument("not an override (JSON object)", file.string());
  Override out;
  try {
    out.id = doc.at("id").get<std::string>();
    out.ref = doc.at("ref").get<std::string>();
    auto oid = Oid::from_hex(doc.at("new").get<std::string>());
    if (!oid) return Error::invalid_argument("bad 'new' object id", file.string());
    out.new_oid = *oid;
    out.reason = doc.at("reason").get<std::string>();
    out.created_by = doc.at("created_by").get<std::string>();
    out.created_at = doc.at("created_at").get<int64_t>();
    out.expires_at = doc.at("expires_at").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("not an override: ") + e.what(), file.string());
  }
  out.file = file.string();
  return out;
}

/// The overrides stored in `dir` (a missing directory holds none). Files that are not
/// overrides are skipped (a claimed one being removed, an editor's backup).
std::vector<Override> overrides_in(const fs::path& dir) {
  std::vector<Override> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& file = it->path();
    if (file.extension() != ".json" || !valid_id(file.stem().string())) continue;
    if (auto o = read_override(file); o && o->id == file.stem().string()) out.push_back(std::move(*o));
  }
  std::sort(out.begin(), out.end(), [](const Override& a, const Override& b) { return a.created_at < b.created_at; });
  return out;
}

std::string note_of(const Override& o) {
  return "override " + o.id + " by " + util::printable(o.created_by, 60) + " at " + util::format_utc(o.created_at) +
         ": " + util::printable(o.reason, 200);
}

}  // namespace

Result<Override> create_override(const std::string& repo_path, const std::string& ref, const Oid& new_oid,
                                 const std::string& reason, int64_t lifetime_seconds, const std::string& who,
                                 int64_t now) {
  if (!util::starts_with(ref, "refs/") || ref.find_first_of(" \t\r\n") != std::string::npos) {
    return Error::invalid_argument("--ref must be a full ref name (refs/heads/..., refs/tags/...), not '" +
                                   util::printable(ref, 80) + "'");
  }
  if (util::trim(reason).empty()) return Error::invalid_argument("--reason must say why (it goes to the audit log)");
  if (lifetime_seconds <= 0) return Error::invalid_argument("--expires must be a positive duration");
  auto git_dir = git_dir_of(repo_path);
  if (!git_dir) return git_dir.error();
  const fs::path dir = fs::path(*git_dir) / kOverrideDir;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::io(std::string("cannot create the directory: ") + std::strerror(errno), dir.string());
  }
  struct stat repo_stat {};
  // Run as root for a repository someone else owns: hand the files to the owner, whose hooks
  // must read and claim them.
  const bool chown_to_owner = ::geteuid() == 0 && ::stat(git_dir->c_str(), &repo_stat) == 0 && repo_stat.st_uid != 0;
  if (chown_to_owner && ::chown(dir.c_str(), repo_stat.st_uid, repo_stat.st_gid) != 0) {
    return Error::io(std::string("cannot hand the directory to the repository's owner: ") + std::strerror(errno),
                     dir.string());
  }
  Override o;
  o.id = new_id();
  o.ref = ref;
  o.new_oid = new_oid;
  o.reason = std::string(util::trim(reason));
  o.created_by = who;
  o.created_at = now != 0 ? now : util::now_unix();
  o.expires_at = o.created_at + lifetime_seconds;
  o.file = (dir / (o.id + ".json")).string();
  const nlohmann::ordered_json doc = {{"id", o.id},
                                      {"ref", o.ref},
                                      {"new", new_oid.hex()},
                                      {"reason", o.reason},
                                      {"created_by", o.created_by},
                                      {"created_at", o.created_at},
                                      {"expires_at", o.expires_at}};
  const std::string text = doc.dump() + "\n";
  const std::string tmp = o.file + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io(std::string("cannot write the override: ") + std::strerror(errno), tmp);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       (!chown_to_owner || ::fchown(fd, repo_stat.st_uid, repo_stat.st_gid) == 0) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), o.file.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error::io("cannot write the override: " + why, o.file);
  }
  return o;
}

Result<std::vector<Override>> list_overrides(const std::string& repo_path) {
  auto git_dir = git_dir_of(repo_path);
  if (!git_dir) return git_dir.error();
  return overrides_in(fs::path(*git_dir) / kOverrideDir);
}

Status cancel_override(const std::string& repo_path, const std::string& id) {
  if (!valid_id(id))
    return Error::invalid_argument("'" + util::printable(id, 40) + "' is not an override id (16 hex digits)");
  auto git_dir = git_dir_of(repo_path);
  if (!git_dir) return git_dir.error();
  const fs::path file = fs::path(*git_dir) / kOverrideDir / (id + ".json");
  if (::unlink(file.c_str()) != 0) {
    if (errno == ENOENT) return Error::not_found("no override " + id + " (used, cancelled or never set)");
    return Error::io(std::string("cannot remove the override: ") + std::strerror(errno), file.string());
  }
  return {};
}

Result<bool> apply_overrides(const std::string& git_dir, Decision& decision, int64_t now, bool consume) {
  if (decision.accepted()) return false;
  // Only refusals the policy made about refs can be overridden: a violation of the whole push
  // (an audit log that cannot be written, a problem with no ref) cannot.
  for (const auto& v : decision.violations) {
    if (v.ref_name.empty()) return false;
  }
  const fs::path dir = fs::path(git_dir) / kOverrideDir;
  std::vector<Override> waiting = overrides_in(dir);
  std::vector<const Override*> chosen;
  for (const auto& ref : decision.refs) {
    if (ref.allowed) continue;
    const Override* found = nullptr;
    for (const auto& o : waiting) {
      const bool same_ref = o.ref == ref.ref || o.ref == ref.update.ref_name;
      if (same_ref && o.new_oid == ref.update.new_oid && o.expires_at > now &&
          std::find(chosen.begin(), chosen.end(), &o) == chosen.end()) {
        found = &o;
        break;
      }
    }
    if (found == nullptr) return false;
    chosen.push_back(found);
  }
  if (chosen.empty()) return false;
  if (consume) {
    // Claimed by renaming: of two pushes racing for one override, exactly one rename succeeds.
    std::vector<std::pair<std::string, std::string>> claimed;
    for (const Override* o : chosen) {
      const std::string to = o->file + ".claimed." + std::to_string(::getpid());
      if (::rename(o->file.c_str(), to.c_str()) != 0) {
        for (const auto& [from, at] : claimed) (void)::rename(at.c_str(), from.c_str());
        return false;
      }
      claimed.emplace_back(o->file, to);
    }
    for (const auto& pair : claimed) ::unlink(pair.second.c_str());
  }
  std::vector<std::string> notes;
  for (const Override* o : chosen) notes.push_back(note_of(*o));
  decision.overruled = decision.outcome;
  decision.outcome = Outcome::kAccept;
  decision.override_note = util::join(notes, "; ");
  return true;
}

}  // namespace auths::config
