// hooks.yaml (auths/hooks_config.h): loading with yaml-cpp, validation, and the per-repository
// resolution. yaml-cpp stays in this file.
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/repo_settings.h"
#include "git/repository.h"
#include "policy/policy.h"
#include "util/strings.h"

namespace auths::config {

namespace {

/// The keys of `defaults:` and of a `repositories:` entry (which also has `match`), in the
/// order `auths config show` lists them.
constexpr std::array<std::string_view, 11> kSettingKeys = {
    "mode",           "bootstrap",        "trust_roots", "audit",   "witnesses", "cache_dir",
    "time_budget_ms", "max_push_commits", "messages",    "project", "forge"};
constexpr std::array<std::string_view, 3> kTopKeys = {"version", "defaults", "repositories"};
constexpr std::array<std::string_view, 12> kEntryKeys = {
    "match",     "mode",           "bootstrap",        "trust_roots", "audit",   "witnesses",
    "cache_dir", "time_budget_ms", "max_push_commits", "messages",    "project", "forge"};

/// Reads one YAML document into a ServerConfig, each error naming file, line and key.
class ConfigReader {
 public:
  explicit ConfigReader(std::string file) : m_file(std::move(file)) {}

  Result<ServerConfig> read(const YAML::Node& root) {
    ServerConfig out;
    out.file = m_file;
    if (root.IsNull()) return fail(root, "", "the file is empty; it needs at least 'version: 1'");
    if (!root.IsMap()) return fail(root, "", "the file must be a mapping of keys (version, defaults, repositories)");
    if (auto bad = unknown_key(root, kTopKeys, "at the top level")) return *bad;
    const YAML::Node version = root["version"];
    if (!version) return fail(root, "version", "missing; write 'version: 1' at the top");
    if (!version.IsScalar() || version.Scalar() != "1") {
      return fail(version, "version", "'" + text_of(version) + "' is not supported (only 1)");
    }
    if (const YAML::Node defaults = root["defaults"]) {
      if (!defaults.IsMap()) return fail(defaults, "defaults", "must be a mapping of settings");
      if (auto bad = unknown_key(defaults, kSettingKeys, "in defaults")) return *bad;
      auto layer = read_layer(defaults);
      if (!layer) return layer.error();
      out.defaults = *layer;
    }
    if (const YAML::Node repos = root["repositories"]) {
      if (!repos.IsSequence() && !repos.IsNull()) {
        return fail(repos, "repositories", "must be a list of entries, each with 'match:'");
      }
      for (size_t i = 0; repos.IsSequence() && i < repos.size(); ++i) {
        const YAML::Node entry = repos[i];
        const std::string where = "repositories[" + std::to_string(i) + "]";
        if (!entry.IsMap()) return fail(entry, where, "must be a mapping with 'match:' and settings");
        if (auto bad = unknown_key(entry, kEntryKeys, "in " + where)) return *bad;
        const YAML::Node match = entry["match"];
        if (!match) return fail(entry, where, "has no 'match:' (a glob on the repository's absolute path)");
        auto glob = string_value(match, "match");
        if (!glob) return glob.error();
        if (glob->empty() || glob->front() != '/') {
          return fail(
              match, "match",
              "'" + util::printable(*glob) + "' must be an absolute path glob (starting with '/'; * ** ? wildcards)");
        }
        auto layer = read_layer(entry);
        if (!layer) return layer.error();
        out.repositories.push_back({*glob, *layer});
      }
    }
    return out;
  }

 private:
  static int line_of(const YAML::Node& node) { return node.Mark().line + 1; }
  static std::string text_of(const YAML::Node& node) {
    return util::printable(node.IsScalar() ? node.Scalar() : std::string("(not a single value)"), 80);
  }

  Error fail(const YAML::Node& node, const std::string& key, const std::string& what) const {
    const std::string where = m_file + ":" + std::to_string(std::max(1, line_of(node)));
    return Error::invalid_argument(key.empty() ? what : "key '" + key + "': " + what, where);
  }

  template <size_t N>
  std::optional<Error> unknown_key(const YAML::Node& map, const std::array<std::string_view, N>& known,
                                   const std::string& where) const {
    for (const auto& item : map) {
      const std::string key = item.first.IsScalar() ? item.first.Scalar() : "";
      bool found = false;
      for (const auto k : known) found |= k == key;
      if (found) continue;
      std::string what = "unknown key '" + util::printable(key, 60) + "' " + where;
      const std::string_view meant = util::closest(key, std::span<const std::string_view>(known.data(), known.size()));
      what += meant.empty() ? " (allowed: " + joined(known) + ")" : " (did you mean '" + std::string(meant) + "'?)";
      return Error::invalid_argument(what, m_file + ":" + std::to_string(line_of(item.first)));
    }
    return std::nullopt;
  }

  template <size_t N>
  static std::string joined(const std::array<std::string_view, N>& words) {
    std::string out;
    for (const auto w : words) out.append(out.empty() ? "" : ", ").append(w);
    return out;
  }

  Result<std::string> string_value(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) return fail(node, key, "must be a single value");
    return node.Scalar();
  }

  /// One of `allowed` (lowercase words), as the enum value at the same index.
  template <typename E, size_t N>
  Result<E> word(const YAML::Node& node, const std::string& key, const std::array<std::string_view, N>& allowed,
                 const std::array<E, N>& values) const {
    auto text = string_value(node, key);
    if (!text) return text.error();
    for (size_t i = 0; i < N; ++i) {
      if (allowed[i] == *text) return values[i];
    }
    std::string list;
    for (size_t i = 0; i < N; ++i) list.append(i == 0 ? "" : i + 1 == N ? " or " : ", ").append(allowed[i]);
    return fail(node, key, "'" + util::printable(*text, 80) + "' is not allowed (" + list + ")");
  }

  Result<uint64_t> count(const YAML::Node& node, const std::string& key, const char* unit) const {
    auto text = string_value(node, key);
    if (!text) return text.error();
    constexpr uint64_t kMax = 1000000000000ULL;
    uint64_t value = 0;
    bool digits = !text->empty() && text->size() <= 13;
    for (const char c : *text) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!digits || value > kMax) {
      return fail(node, key, "'" + util::printable(*text, 40) + "' is not a whole number of " + unit + " (0 = none)");
    }
    return value;
  }

  Result<std::vector<std::string>> dids(const YAML::Node& node, const std::string& key, std::string_view prefix) const {
    std::vector<std::string> out;
    if (node.IsNull()) return out;
    if (!node.IsSequence()) return fail(node, key, "must be a list, e.g. [\"" + std::string(prefix) + "...\"]");
    for (const auto& item : node) {
      auto did = string_value(item, key);
      if (!did) return did.error();
      if (!util::starts_with(*did, prefix) || did->size() <= prefix.size() ||
          did->find_first_of(" \t\r\n") != std::string::npos) {
        return fail(item, key,
                    "'" + util::printable(*did, 80) + "' is not a " + std::string(prefix) + "... identifier");
      }
      out.push_back(*did);
    }
    return out;
  }

  Result<std::string> absolute_path(const YAML::Node& node, const std::string& key) const {
    auto text = string_value(node, key);
    if (!text) return text.error();
    if (text->empty() || text->front() != '/' || text->find('\0') != std::string::npos) {
      return fail(node, key, "'" + util::printable(*text, 80) + "' must be an absolute path");
    }
    return *text;
  }

  Result<Layer> read_layer(const YAML::Node& map) const {
    Layer layer;
    layer.line = line_of(map);
    if (const auto n = map["mode"]) {
      auto v = word(n, "mode", std::array<std::string_view, 3>{"enforce", "warn", "off"},
                    std::array{Enforcement::kEnforce, Enforcement::kWarn, Enforcement::kOff});
      if (!v) return v.error();
      layer.mode = *v;
    }
    if (const auto n = map["bootstrap"]) {
      auto v = string_value(n, "bootstrap");
      if (!v) return v.error();
      if (*v != "deny" && *v != "allow" && (v->empty() || v->front() != '/')) {
        return fail(
            n, "bootstrap",
            "'" + util::printable(*v, 80) + "' is not allowed (deny, allow or the absolute path of a policy file)");
      }
      layer.bootstrap = *v;
    }
    if (const auto n = map["trust_roots"]) {
      auto v = dids(n, "trust_roots", "did:keri:");
      if (!v) return v.error();
      layer.trust_roots = *v;
    }
    if (const auto n = map["audit"]) {
      auto v = string_value(n, "audit");
      if (!v) return v.error();
      if (*v != "syslog") {
        auto path = absolute_path(n, "audit");
        if (!path) {
          return fail(n, "audit", "'" + util::printable(*v, 80) + "' is not allowed (an absolute file path or syslog)");
        }
      }
      layer.audit = *v;
    }
    if (const auto n = map["witnesses"]) {
      auto v = dids(n, "witnesses", "did:key:");
      if (!v) return v.error();
      layer.witnesses = *v;
    }
    if (const auto n = map["cache_dir"]) {
      auto v = absolute_path(n, "cache_dir");
      if (!v) return v.error();
      layer.cache_dir = *v;
    }
    if (const auto n = map["time_budget_ms"]) {
      auto v = count(n, "time_budget_ms", "milliseconds");
      if (!v) return v.error();
      layer.time_budget_ms = *v;
    }
    if (const auto n = map["max_push_commits"]) {
      auto v = count(n, "max_push_commits", "commits");
      if (!v) return v.error();
      layer.max_push_commits = *v;
    }
    if (const auto n = map["messages"]) {
      auto v = word(n, "messages", std::array<std::string_view, 3>{"auto", "gitlab", "plain"},
                    std::array{Messages::kAuto, Messages::kGitlab, Messages::kPlain});
      if (!v) return v.error();
      layer.messages = *v;
    }
    if (const auto n = map["project"]) {
      auto v = word(n, "project", std::array<std::string_view, 4>{"auto", "path", "config", "env"},
                    std::array{Project::kAuto, Project::kPath, Project::kConfig, Project::kEnv});
      if (!v) return v.error();
      layer.project = *v;
    }
    if (const auto n = map["forge"]) {
      auto v = word(n, "forge", std::array<std::string_view, 3>{"none", "gitea", "gitlab"},
                    std::array{Forge::kNone, Forge::kGitea, Forge::kGitlab});
      if (!v) return v.error();
      layer.forge = *v;
    }
    return layer;
  }

  std::string m_file;
};

/// Copies every key `layer` sets into `out`, noting `source` for it.
void apply_layer(const Layer& layer, const std::string& source, RepoSettings& out) {
  const auto take = [&](const auto& from, auto& to, const char* key) {
    if (!from) return;
    to = *from;
    out.sources[key] = source;
  };
  take(layer.mode, out.mode, "mode");
  take(layer.bootstrap, out.bootstrap, "bootstrap");
  take(layer.trust_roots, out.trust_roots, "trust_roots");
  take(layer.audit, out.audit, "audit");
  take(layer.witnesses, out.witnesses, "witnesses");
  take(layer.cache_dir, out.cache_dir, "cache_dir");
  take(layer.time_budget_ms, out.time_budget_ms, "time_budget_ms");
  take(layer.max_push_commits, out.max_push_commits, "max_push_commits");
  take(layer.messages, out.messages, "messages");
  take(layer.project, out.project, "project");
  take(layer.forge, out.forge, "forge");
}

std::string settings_list_text(const std::vector<std::string>& items) { return "[" + util::join(items, ", ") + "]"; }

}  // namespace

const char* to_string(Messages messages) {
  switch (messages) {
    case Messages::kAuto: return "auto";
    case Messages::kGitlab: return "gitlab";
    case Messages::kPlain: return "plain";
  }
  return "auto";
}

const char* to_string(Project project) {
  switch (project) {
    case Project::kAuto: return "auto";
    case Project::kPath: return "path";
    case Project::kConfig: return "config";
    case Project::kEnv: return "env";
  }
  return "auto";
}

const char* to_string(Forge forge) {
  switch (forge) {
    case Forge::kNone: return "none";
    case Forge::kGitea: return "gitea";
    case Forge::kGitlab: return "gitlab";
  }
  return "none";
}

Result<ServerConfig> parse(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error::invalid_argument("not valid YAML: " + e.msg, path + ":" + std::to_string(e.mark.line + 1));
  }
  try {
    return ConfigReader(path).read(root);
  } catch (const YAML::Exception& e) {
    return Error::invalid_argument(e.msg, path + ":" + std::to_string(e.mark.line + 1));
  }
}

Result<ServerConfig> load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::io("cannot read the server configuration", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Error::io("cannot read the server configuration", path);
  return parse(buffer.str(), path);
}

Result<ServerConfig> locate_and_load(const std::string& explicit_path) {
  if (!explicit_path.empty()) return load(explicit_path);
  const char* env = std::getenv(kConfigEnv);
  if (env != nullptr && *env != '\0') return load(env);
  std::error_code ec;
  if (!std::filesystem::exists(kDefaultConfigPath, ec) && !ec) return ServerConfig{};
  return load(kDefaultConfigPath);
}

Result<RepoSettings> resolve(const ServerConfig& config, const std::string& git_dir, const GitSettings& git) {
  RepoSettings out;
  for (const auto key : kSettingKeys) out.sources[std::string(key)] = "built-in";
  apply_layer(config.defaults, config.file + ":" + std::to_string(config.defaults.line) + " defaults", out);
  if (git.bootstrap) {
    const std::string value = util::to_lower(*git.bootstrap);
    if (value != "allow" && value != "deny") {
      return Error::invalid_argument("git config auths.bootstrap must be 'allow' or 'deny', not '" +
                                     util::printable(value, 40) + "'");
    }
    out.bootstrap = value;
    out.sources["bootstrap"] = "git config auths.bootstrap";
  }
  if (git.audit_log) {
    out.audit = *git.audit_log;
    out.sources["audit"] = "git config auths.auditLog";
  }
  if (git.repo) {
    out.project = Project::kConfig;
    out.sources["project"] = "git config auths.repo";
  }
  std::string dir = git_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  for (size_t i = 0; i < config.repositories.size(); ++i) {
    const RepositoryEntry& entry = config.repositories[i];
    if (!policy::glob_match(entry.match, dir)) continue;
    apply_layer(entry.settings,
                config.file + ":" + std::to_string(entry.settings.line) + " repositories[" + std::to_string(i) +
                    "] (match '" + entry.match + "')",
                out);
  }
  if (out.project == Project::kAuto || out.project == Project::kConfig) out.project_name = git.repo.value_or("");
  return out;
}

Result<RepoSettings> settings_for_repository(const ServerConfig& config, const std::string& repo_path) {
  const git::Session session;
  auto repo = git::Repository::open(repo_path);
  if (!repo) return repo.error();
  return settings_for(config, *repo);
}

std::vector<std::string> setting_keys() { return {kSettingKeys.begin(), kSettingKeys.end()}; }

std::string value_text(const RepoSettings& s, const std::string& key) {
  if (key == "mode") return to_string(s.mode);
  if (key == "bootstrap") return s.bootstrap;
  if (key == "trust_roots") return settings_list_text(s.trust_roots);
  if (key == "audit") return s.audit.empty() ? "none" : s.audit;
  if (key == "witnesses") return settings_list_text(s.witnesses);
  if (key == "cache_dir") return s.cache_dir.empty() ? "none" : s.cache_dir;
  if (key == "time_budget_ms") return std::to_string(s.time_budget_ms);
  if (key == "max_push_commits") return std::to_string(s.max_push_commits);
  if (key == "messages") return to_string(s.messages);
  if (key == "project") return to_string(s.project);
  if (key == "forge") return to_string(s.forge);
  return "";
}

std::string project_name(const RepoSettings& settings, const std::string& git_dir, const std::string& forge_repo) {
  switch (settings.project) {
    case Project::kConfig: return settings.project_name;
    case Project::kEnv: return forge_repo;
    case Project::kAuto: return settings.project_name.empty() ? forge_repo : settings.project_name;
    case Project::kPath: break;
  }
  // The last two components of the git directory, without ".git": /srv/git/group/project.git
  // and /srv/git/group/project/.git both name "group/project".
  std::string dir = git_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (util::ends_with(dir, "/.git")) dir.resize(dir.size() - 5);
  if (util::ends_with(dir, ".git")) dir.resize(dir.size() - 4);
  const size_t last = dir.rfind('/');
  if (last == std::string::npos || last == 0) return dir.substr(last == std::string::npos ? 0 : 1);
  const size_t before = dir.rfind('/', last - 1);
  return dir.substr(before == std::string::npos ? 0 : before + 1);
}

Result<RepoSettings> settings_for(const ServerConfig& config, const git::Repository& repo) {
  GitSettings git;
  for (const auto& [key, field] : {std::pair{"auths.bootstrap", &git.bootstrap},
                                   std::pair{"auths.auditLog", &git.audit_log}, std::pair{"auths.repo", &git.repo}}) {
    auto value = repo.config_string(key);  // the repository's own config only
    if (!value) return value.error();
    *field = *value;
  }
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(repo.path(), ec);
  return resolve(config, ec ? repo.path() : canonical.string(), git);
}

}  // namespace auths::config
