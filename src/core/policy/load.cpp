// Loading `.auths/policy.toml` (format version 1) into the Policy model.
//
// toml++ is used here and nowhere else. It reports syntax errors by throwing toml::parse_error;
// parse_policy catches that (and anything else) so that no exception leaves this file.
//
// Rules of this loader, all in the name of "a typo must not silently weaken a policy":
//   - every key of every table must be known; keys of the design that this version cannot
//     enforce yet (roles, witnesses, expressions, ...) are errors saying so;
//   - every value must have the expected type: no coercion from strings or floats;
//   - ref patterns must start with "refs/" (or "**"): a bare "main" would match no ref;
//   - a rule must be satisfiable: `require` cannot exceed the distinct signers it lists.
// Errors are ErrorCode::kPolicy, one line, with context "<source>:<line>" (or the
// allowed_signers file's name and line for errors inside that file); only a repository that
// cannot be read (see add_allowed_signers) or an unexpected exception gives another code.
#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "keri/attestation.h"
#include "policy/policy.h"
#include "util/strings.h"

namespace auths::policy {

namespace {

constexpr int64_t kSupportedVersion = 1;

// The keys of each table. `not_yet` are keys of the policy format (orgs, roles, quorums) that
// this version of auths-hooks cannot enforce yet: accepting and ignoring them would weaken the
// policy as written.
struct TableSpec {
  std::string_view where;   // for "unknown key 'x' in <where>"; empty at the top level
  std::string_view prefix;  // prepended to a not-yet key's name: "policy." -> 'policy.ci'
  std::span<const std::string_view> known;
  std::span<const std::string_view> not_yet;
  bool named = false;  // a rule table: its `name` is shown with `where`
};

constexpr std::array<std::string_view, 7> kTopKeys = {"version",    "org",     "default", "policy",
                                                      "governance", "witness", "forge"};
constexpr std::array<std::string_view, 0> kTopNotYet = {};
constexpr std::array<std::string_view, 3> kPolicyKeys = {"commit", "release", "ci"};
constexpr std::array<std::string_view, 0> kPolicyNotYet = {};
constexpr std::array<std::string_view, 22> kRuleKeys = {
    "name",          "refs", "signers", "allowed_signers", "require",         "allow_force_push", "allow_delete",
    "contributions", "from", "roles",   "teams",           "capabilities",    "signer_types",     "min_human",
    "max_reject",    "open", "paths",   "max_ttl",         "allow_ephemeral", "require_log",      "expression",
    "forge_commits"};
constexpr std::array<std::string_view, 0> kRuleNotYet = {};
constexpr std::array<std::string_view, 9> kGovernanceKeys = {"signers",      "allowed_signers", "require",
                                                             "roles",        "teams",           "capabilities",
                                                             "signer_types", "min_human",       "max_reject"};
constexpr std::array<std::string_view, 0> kGovernanceNotYet = {};

constexpr TableSpec kTopSpec{"", "", kTopKeys, kTopNotYet, false};
constexpr TableSpec kPolicySpec{"[policy]", "policy.", kPolicyKeys, kPolicyNotYet, false};
constexpr TableSpec kCommitSpec{"[[policy.commit]]", "", kRuleKeys, kRuleNotYet, true};
constexpr TableSpec kReleaseSpec{"[[policy.release]]", "", kRuleKeys, kRuleNotYet, true};
constexpr TableSpec kCiSpec{"[[policy.ci]]", "", kRuleKeys, kRuleNotYet, true};
constexpr TableSpec kGovernanceSpec{"[governance]", "", kGovernanceKeys, kGovernanceNotYet, false};
constexpr std::array<std::string_view, 3> kWitnessKeys = {"keys", "threshold", "urls"};
constexpr TableSpec kWitnessSpec{"[witness]", "", kWitnessKeys, kGovernanceNotYet, false};
constexpr std::array<std::string_view, 2> kForgeKeys = {"signers", "require_approvals"};
constexpr TableSpec kForgeSpec{"[forge]", "", kForgeKeys, kGovernanceNotYet, false};
// The keys that name signers: an open rule has none of them.
constexpr std::array<std::string_view, 7> kSignerKeys = {"signers", "allowed_signers", "require",     "roles",
                                                         "teams",   "capabilities",    "signer_types"};
/// The largest expression file the loader reads (the expression language's own limit).
constexpr size_t kMaxExpressionBytes = 64 * 1024;

bool contains(std::span<const std::string_view> list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

int line_of(const toml::source_region& region) { return std::max(1, static_cast<int>(region.begin.line)); }
int line_of(const toml::node& node) { return line_of(node.source()); }

/// A witness's URL: http:// or https://, a host, printable, no white space, at most 256 characters.
bool is_witness_url(std::string_view url) {
  const bool scheme = util::starts_with(url, "http://") || util::starts_with(url, "https://");
  const size_t host = url.find("://") + 3;
  return scheme && url.size() > host && url.size() <= 256 && util::printable(url) == url &&
         url.find_first_of(" \t") == std::string_view::npos;
}

// The same test as in allowed_signers.cpp: SSH key type names start with one of these.
bool looks_like_ssh_key(std::string_view entry) {
  return util::starts_with(entry, "ssh-") || util::starts_with(entry, "ecdsa-") || util::starts_with(entry, "sk-");
}

// "<type> <base64> <comment...>": the comment, or "" when there is none.
std::string_view ssh_key_comment(std::string_view line) {
  constexpr std::string_view kBlanks = " \t";
  std::string_view rest = util::trim(line);
  for (int field = 0; field < 2; ++field) {
    const size_t end = rest.find_first_of(kBlanks);
    if (end == std::string_view::npos) return {};
    rest = util::trim(rest.substr(end));
  }
  return rest;
}

// did:keri:<prefix>: the prefix is a CESR-encoded Blake3-256 digest, code 'E' plus 43
// base64url characters (README.md, "Identities, devices and the registry"). Only the shape is
// checked here; the identity itself is resolved through the registry when a signature is
// checked.
bool is_did_keri_shape(std::string_view did) {
  constexpr std::string_view kPrefix = "did:keri:";
  if (!util::starts_with(did, kPrefix)) return false;
  const std::string_view id = did.substr(kPrefix.size());
  if (id.size() != 44 || id.front() != 'E') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool is_forge_commit(std::string_view s) { return s == kForgeMerge || s == kForgeEdit; }
bool is_role_name(std::string_view s) { return s == "admin" || s == "member" || s == "readonly"; }
bool is_signer_type(std::string_view s) { return s == "Human" || s == "Agent" || s == "Workload"; }
// Capability and team names as the registry's records write them.
bool is_capability_name(std::string_view s) { return keri::is_capability_name(s); }
bool is_team_name(std::string_view s) { return keri::is_team_name(s); }

// A path inside the repository tree, as `allowed_signers` names one: relative, no "..".
bool is_tree_path(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  for (const std::string_view part : util::split(path, '/')) {
    if (part == "..") return false;
  }
  return util::printable(path) == path;
}

// toml++ descriptions read "Error while parsing key-value pair: ...": make them one git-style
// line (lowercase first word, no full stop).
std::string describe(const toml::parse_error& e) {
  std::string text = util::printable(util::trim(e.description()), 300);
  if (!text.empty() && text.front() >= 'A' && text.front() <= 'Z')
    text.front() = static_cast<char>(text.front() - 'A' + 'a');
  while (!text.empty() && text.back() == '.') text.pop_back();
  return text.empty() ? "invalid TOML" : text;
}

class Loader {
 public:
  Loader(std::string_view source, const FileReader& read_file) : m_source(source), m_read_file(read_file) {}

  Result<Policy> load(const toml::table& root) {
    Policy policy;
    policy.source = m_source;

    // The version first: a file written for another version should say so, not list the keys
    // this version does not know.
    const toml::node* version = root.get("version");
    if (version == nullptr) return error_at(1, "missing key 'version'");
    if (!version->is_integer()) return error_at(*version, "'version' must be an integer");
    if (version->as_integer()->get() != kSupportedVersion) {
      return error_at(*version, "unsupported policy version " + std::to_string(version->as_integer()->get()) +
                                    " (this version of auths-hooks reads version 1)");
    }
    policy.version = static_cast<int>(kSupportedVersion);

    if (Status s = check_keys(root, kTopSpec); !s) return s.error();

    if (const toml::node* org = root.get("org")) {
      const toml::value<std::string>* value = org->as_string();
      if (value == nullptr || !is_did_keri_shape(value->get())) {
        return error_at(*org, "'org' must be the org's did:keri (did:keri:E + 43 base64url characters)");
      }
      policy.org = value->get();
      m_org = policy.org;
    }

    if (const toml::node* def = root.get("default")) {
      const toml::value<std::string>* value = def->as_string();
      if (value == nullptr || (value->get() != "deny" && value->get() != "allow")) {
        return error_at(*def, "'default' must be 'deny' or 'allow'");
      }
      policy.default_allow = value->get() == "allow";
    }

    if (const toml::node* node = root.get("witness")) {
      auto witness = load_witness(*node);
      if (!witness) return witness.error();
      policy.witness = std::move(*witness);
    }

    if (const toml::node* node = root.get("forge")) {
      auto forge = load_forge(*node);
      if (!forge) return forge.error();
      m_forge = std::make_shared<const ForgeSet>(std::move(*forge));
      policy.forge = m_forge;
    }

    if (const toml::node* node = root.get("policy")) {
      const toml::table* table = node->as_table();
      if (table == nullptr) return error_at(*node, "'policy' must be a table");
      if (Status s = check_keys(*table, kPolicySpec); !s) return s.error();
      std::vector<LoadedRule> loaded;
      if (Status s = load_rules(*table, RuleKind::kCommit, kCommitSpec, loaded); !s) return s.error();
      if (Status s = load_rules(*table, RuleKind::kRelease, kReleaseSpec, loaded); !s) return s.error();
      if (Status s = load_rules(*table, RuleKind::kCi, kCiSpec, loaded); !s) return s.error();
      // First match wins in *file* order, across both arrays: sort by where each rule starts
      // (line, then column for inline tables sharing a line).
      std::stable_sort(loaded.begin(), loaded.end(), [](const LoadedRule& a, const LoadedRule& b) {
        return std::pair{a.rule.line, a.column} < std::pair{b.rule.line, b.column};
      });
      if (Status s = check_unique_names(loaded); !s) return s.error();
      for (LoadedRule& item : loaded) {
        if (item.rule.require_log == LogRequirement::kWitness && !policy.witness) {
          return error_at(item.log_line, "rule '" + item.rule.name +
                                             "' sets require_log = \"witness\" but the policy has no [witness] "
                                             "section naming the witnesses");
        }
        policy.rules.push_back(std::move(item.rule));
      }
    }

    if (const toml::node* node = root.get("governance")) {
      const toml::table* table = node->as_table();
      if (table == nullptr) return error_at(*node, "'governance' must be a table");
      if (Status s = check_keys(*table, kGovernanceSpec); !s) return s.error();
      Result<SignerSet> signers = load_signer_set(*table, "[governance]", "manage_members");
      if (!signers) return signers.error();
      policy.governance = std::move(signers).value();
    }
    // Committed identity evidence, read from the same tree whenever it is there (a policy read
    // without a tree has none).
    if (m_read_file) {
      auto evidence = read_tree_file(1, "identity bundle", std::string(kBundlePath));
      if (!evidence) return evidence.error();
      policy.bundle = std::move(*evidence);
    }
    policy.finish();
    return policy;
  }

 private:
  // A rule with what is needed to order it and to report a duplicate name.
  struct LoadedRule {
    Rule rule;
    int column = 0;     // of the rule's start, for inline tables sharing a line
    int name_line = 0;  // of `name`, or of the rule's start when it has none
    int log_line = 0;   // of `require_log`
  };

  Error error_at(int line, std::string message) const {
    return Error::policy(std::move(message), m_source + ":" + std::to_string(line));
  }
  Error error_at(const toml::node& node, std::string message) const {
    return error_at(line_of(node), std::move(message));
  }

  // Reports the unknown or not-yet-supported key that comes first in the file (toml++ iterates
  // keys in sorted order, not file order), with the known key it most likely meant. A rule
  // table's `name`, when it has a usable one, is added to the place: "[[policy.commit]] 'main'".
  Status check_keys(const toml::table& table, const TableSpec& spec) const {
    const toml::key* first = nullptr;
    for (const auto& [key, value] : table) {
      if (contains(spec.known, key.str())) continue;
      if (first == nullptr || line_of(key.source()) < line_of(first->source())) first = &key;
    }
    if (first == nullptr) return {};
    const std::string name = util::printable(first->str(), 60);
    if (contains(spec.not_yet, first->str())) {
      return error_at(line_of(first->source()),
                      "'" + std::string(spec.prefix) + name + "' is not supported yet by this version of auths-hooks");
    }
    std::string message = "unknown key '" + name + "'";
    if (!spec.where.empty()) message += " in " + std::string(spec.where);
    if (const toml::node* rule_name = spec.named ? table.get("name") : nullptr) {
      const toml::value<std::string>* value = rule_name->as_string();
      if (value != nullptr && !value->get().empty()) message += " '" + util::printable(value->get(), 60) + "'";
    }
    if (const std::string_view meant = util::closest(first->str(), spec.known); !meant.empty()) {
      message += " (did you mean '" + std::string(meant) + "'?)";
    }
    return error_at(line_of(first->source()), std::move(message));
  }

  Status load_rules(const toml::table& policy_table, RuleKind kind, const TableSpec& spec,
                    std::vector<LoadedRule>& out) {
    const std::string key = to_string(kind);
    const toml::node* node = policy_table.get(key);
    if (node == nullptr) return {};
    const toml::array* array = node->as_array();
    const auto is_table = [](const toml::node& n) { return n.is_table(); };
    if (array == nullptr || !std::all_of(array->begin(), array->end(), is_table)) {
      return error_at(*node, "'policy." + key + "' must be an array of tables ([[policy." + key + "]])");
    }
    size_t index = 0;
    for (const toml::node& element : *array) {
      Result<LoadedRule> rule = load_rule(*element.as_table(), kind, index++, spec);
      if (!rule) return rule.error();
      out.push_back(std::move(rule).value());
    }
    return {};
  }

  Result<LoadedRule> load_rule(const toml::table& table, RuleKind kind, size_t index, const TableSpec& spec) {
    if (Status s = check_keys(table, spec); !s) return s.error();
    LoadedRule loaded;
    loaded.column = static_cast<int>(table.source().begin.column);
    Rule& rule = loaded.rule;
    rule.kind = kind;
    rule.line = line_of(table);
    rule.name = std::string(to_string(kind)) + "[" + std::to_string(index) + "]";
    loaded.name_line = rule.line;
    if (const toml::node* name = table.get("name")) {
      const toml::value<std::string>* value = name->as_string();
      if (value == nullptr || value->get().empty() || util::printable(value->get()) != value->get()) {
        return error_at(*name, "'name' must be a non-empty string of printable characters");
      }
      rule.name = value->get();
      loaded.name_line = line_of(*name);
    }
    const std::string owner = "rule '" + rule.name + "'";

    const toml::node* refs = table.get("refs");
    if (refs == nullptr) return error_at(rule.line, "missing key 'refs' in " + owner);
    const toml::array* patterns = refs->as_array();
    if (patterns == nullptr) return error_at(*refs, "'refs' must be an array of strings");
    if (patterns->empty()) return error_at(*refs, "'refs' must not be empty in " + owner);
    for (const toml::node& element : *patterns) {
      const toml::value<std::string>* pattern = element.as_string();
      if (pattern == nullptr) return error_at(element, "'refs' must be an array of strings");
      const std::string& text = pattern->get();
      // A pattern that cannot match a ref name is a mistake that would disable the rule.
      if (!util::starts_with(text, "refs/") && !util::starts_with(text, "**")) {
        return error_at(element, "ref pattern '" + util::printable(text, 100) + "' does not start with 'refs/'");
      }
      rule.refs.push_back(text);
    }

    if (Status s = load_open(table, rule, owner); !s) return s.error();
    if (!rule.open) {
      Result<SignerSet> signers =
          load_signer_set(table, owner, kind == RuleKind::kRelease ? "sign_release" : "sign_commit");
      if (!signers) return signers.error();
      rule.signers = std::move(signers).value();
    }

    if (Status s = load_contributions(table, rule); !s) return s.error();
    if (Status s = load_conditions(table, rule, loaded); !s) return s.error();
    if (Status s = load_from(table, rule); !s) return s.error();
    if (Status s = load_forge_commits(table, rule, owner); !s) return s.error();

    for (const auto& [key, slot] :
         {std::pair{"allow_force_push", &rule.allow_force_push}, std::pair{"allow_delete", &rule.allow_delete}}) {
      if (const toml::node* node = table.get(key)) {
        if (!node->is_boolean()) return error_at(*node, "'" + std::string(key) + "' must be true or false");
        *slot = node->as_boolean()->get();
      }
    }
    return loaded;
  }

  // `open = "signed" | "any"`: a rule without signers (policy.h). It lists none, and what it
  // asks of contributions is at most what it asks of its own commits.
  Status load_open(const toml::table& table, Rule& rule, const std::string& owner) const {
    const toml::node* node = table.get("open");
    if (node == nullptr) return {};
    const toml::value<std::string>* value = node->as_string();
    const std::string text = value != nullptr ? value->get() : "";
    if (text != "signed" && text != "any") {
      return error_at(*node, "'open' must be \"signed\" (any valid signature) or \"any\" (nothing required)");
    }
    if (rule.kind == RuleKind::kRelease) {
      return error_at(*node, owner + ": a release rule cannot be open (releases need their signers)");
    }
    for (const std::string_view key : kSignerKeys) {
      if (table.get(key) != nullptr) {
        return error_at(*node, owner + " is open (open = \"" + text + "\") and cannot also set '" + std::string(key) +
                                   "': an open rule names no signers");
      }
    }
    rule.open = text == "signed" ? Contributions::kSigned : Contributions::kAny;
    rule.contributions = *rule.open;
    return {};
  }

  // `contributions = "known" | "signed" | "any"`: what commits merged in as other parents need.
  Status load_contributions(const toml::table& table, Rule& rule) const {
    const toml::node* node = table.get("contributions");
    if (node == nullptr) return {};
    const toml::value<std::string>* value = node->as_string();
    const std::string text = value != nullptr ? value->get() : "";
    if (text == "known" && rule.open) {
      return error_at(*node,
                      "'contributions' cannot ask more of merged commits (\"known\": a signer of the policy) "
                      "than an open rule asks of its own");
    }
    if (text == "known") {
      rule.contributions = Contributions::kKnown;
    } else if (text == "signed") {
      rule.contributions = Contributions::kSigned;
    } else if (text == "any") {
      rule.contributions = Contributions::kAny;
    } else {
      return error_at(*node, "'contributions' must be \"known\", \"signed\" or \"any\"");
    }
    return {};
  }

  // `paths`, `max_ttl`, `allow_ephemeral`, `require_log`, `expression` (policy.h, Rule).
  Status load_conditions(const toml::table& table, Rule& rule, LoadedRule& loaded) const {
    if (const toml::node* node = table.get("paths")) {
      const toml::array* patterns = node->as_array();
      if (patterns == nullptr || patterns->empty()) {
        return error_at(*node, "'paths' must be a non-empty array of path patterns");
      }
      std::set<std::string> seen;
      for (const toml::node& element : *patterns) {
        const toml::value<std::string>* pattern = element.as_string();
        if (pattern == nullptr) return error_at(element, "'paths' must be an array of strings");
        const std::string& text = pattern->get();
        if (text.empty() || text.front() == '/' || util::printable(text) != text || text.size() > 256) {
          return error_at(element, "path pattern '" + util::printable(text, 100) +
                                       "' must be relative to the repository root (e.g. \"src/**\")");
        }
        if (!seen.insert(text).second)
          return error_at(element, "duplicate '" + util::printable(text, 60) + "' in 'paths'");
        rule.paths.push_back(text);
      }
    }
    if (const toml::node* node = table.get("max_ttl")) {
      auto seconds = parse_duration(*node);
      if (!seconds) return seconds.error();
      rule.max_ttl = *seconds;
    }
    if (const toml::node* node = table.get("allow_ephemeral")) {
      if (!node->is_boolean()) return error_at(*node, "'allow_ephemeral' must be true or false");
      rule.allow_ephemeral = node->as_boolean()->get();
    }
    if (const toml::node* node = table.get("require_log")) {
      const toml::value<std::string>* value = node->as_string();
      if (value == nullptr || value->get() != "witness") {
        return error_at(*node, "'require_log' must be \"witness\" (receipts from the [witness] keys)");
      }
      rule.require_log = LogRequirement::kWitness;
      loaded.log_line = line_of(*node);
    }
    if (const toml::node* node = table.get("expression")) {
      if (Status s = load_expression(*node, rule); !s) return s.error();
    }
    return {};
  }

  // "1h", "30m", "7d", "90s" or an integer of seconds; at least one second.
  Result<int64_t> parse_duration(const toml::node& node) const {
    const std::string message =
        "'max_ttl' must be a duration: seconds as an integer, or a string like \"90s\", \"30m\", \"1h\", \"7d\"";
    int64_t seconds = 0;
    if (const toml::value<int64_t>* number = node.as_integer()) {
      seconds = number->get();
    } else if (const toml::value<std::string>* text = node.as_string()) {
      const std::string& s = text->get();
      if (s.size() < 2 || s.size() > 12) return error_at(node, message);
      const std::string digits = s.substr(0, s.size() - 1);
      if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return error_at(node, message);
      }
      int64_t unit = 0;
      switch (s.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return error_at(node, message);
      }
      seconds = std::stoll(digits) * unit;
    } else {
      return error_at(node, message);
    }
    if (seconds < 1) return error_at(node, "'max_ttl' must be at least one second");
    return seconds;
  }

  // `expression = ".auths/x.json"`: read from the policy's tree like allowed_signers.
  Status load_expression(const toml::node& node, Rule& rule) const {
    const toml::value<std::string>* value = node.as_string();
    if (value == nullptr) return error_at(node, "'expression' must be a string: the path of a JSON expression file");
    const std::string& path = value->get();
    if (!is_tree_path(path)) {
      return error_at(node,
                      "expression path '" + util::printable(path, 100) + "' must be relative to the repository root");
    }
    const Result<std::optional<std::string>> text = read_tree_file(line_of(node), "expression file", path);
    if (!text) return text.error();
    if (!text->has_value()) return error_at(node, "expression file '" + path + "' not found");
    if ((*text)->size() > kMaxExpressionBytes) {
      return error_at(node, "expression file '" + path + "' is larger than 64 KiB");
    }
    std::vector<std::string> errors;
    Result<Expression> compiled = Expression::compile(**text, &errors);
    if (!compiled) {
      std::string message = "expression file '" + path + "' does not compile: ";
      message += errors.empty() ? compiled.error().message : errors.front();
      if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more: auths policy compile)";
      return error_at(node, std::move(message));
    }
    rule.expression_path = path;
    rule.expression_text = **text;
    rule.expression = std::make_shared<const Expression>(std::move(compiled).value());
    return {};
  }

  // [witness]: `keys` (did:key or SSH public keys) and `threshold` (1..number of keys).
  Result<WitnessSet> load_witness(const toml::node& node) const {
    const toml::table* table = node.as_table();
    if (table == nullptr) return error_at(node, "'witness' must be a table");
    if (Status s = check_keys(*table, kWitnessSpec); !s) return s.error();
    WitnessSet witness;
    const toml::node* keys = table->get("keys");
    if (keys == nullptr) return error_at(*table, "missing key 'keys' in [witness]");
    const toml::array* entries = keys->as_array();
    if (entries == nullptr || entries->empty()) return error_at(*keys, "'keys' must be a non-empty array of keys");
    std::set<std::string> seen;
    for (const toml::node& entry : *entries) {
      const toml::value<std::string>* text = entry.as_string();
      if (text == nullptr) return error_at(entry, "'keys' must be an array of strings");
      const std::string_view written = util::trim(text->get());
      Result<crypto::PublicKey> key =
          util::starts_with(written, "did:key:") ? crypto::parse_did_key(written)
          : looks_like_ssh_key(written)          ? crypto::parse_ssh_public_key_line(written)
                                        : Result<crypto::PublicKey>(Error::policy("expected a did:key or an SSH key"));
      if (!key) {
        return error_at(entry, "invalid witness key '" + util::printable(written, 60) + "': " + key.error().message);
      }
      if (!seen.insert(key->fingerprint()).second) {
        return error_at(entry, "duplicate witness key '" + util::printable(written, 60) + "'");
      }
      witness.names.emplace_back(written);
      witness.keys.push_back(std::move(key).value());
    }
    if (const toml::node* threshold = table->get("threshold")) {
      if (!threshold->is_integer()) return error_at(*threshold, "'threshold' must be an integer");
      const int64_t wanted = threshold->as_integer()->get();
      if (wanted < 1 || wanted > static_cast<int64_t>(witness.keys.size())) {
        return error_at(*threshold, "'threshold' must be between 1 and the number of witness keys (" +
                                        std::to_string(witness.keys.size()) + ")");
      }
      witness.threshold = static_cast<int>(wanted);
    }
    auto urls = load_names(*table, "urls", &is_witness_url, "witness URLs (http://host:port or https://...)");
    if (!urls) return urls.error();
    witness.urls = std::move(*urls);
    return witness;
  }

  // [forge]: `signers` (SSH public key lines or did:key: the keys the forge signs with; no
  // identities, no allowed_signers file) and `require_approvals` (0 to 999).
  Result<ForgeSet> load_forge(const toml::node& node) const {
    const toml::table* table = node.as_table();
    if (table == nullptr) return error_at(node, "'forge' must be a table");
    if (Status s = check_keys(*table, kForgeSpec); !s) return s.error();
    ForgeSet forge;
    const toml::node* signers = table->get("signers");
    if (signers == nullptr) return error_at(*table, "missing key 'signers' in [forge] (the forge's signing keys)");
    const toml::array* entries = signers->as_array();
    if (entries == nullptr || entries->empty()) {
      return error_at(*signers, "'signers' in [forge] must be a non-empty array of keys");
    }
    for (const toml::node& entry : *entries) {
      const toml::value<std::string>* value = entry.as_string();
      const std::string_view text = value != nullptr ? util::trim(value->get()) : std::string_view{};
      if (!util::starts_with(text, "did:key:") && !looks_like_ssh_key(text)) {
        return error_at(entry,
                        "[forge] signers must be the forge's keys: SSH public key lines or did:key (not identities, "
                        "not \"roots\")");
      }
      if (Status s = add_signer_entry(entry, forge.signers); !s) return s.error();
    }
    if (const toml::node* approvals = table->get("require_approvals")) {
      if (!approvals->is_integer() || approvals->as_integer()->get() < 0 || approvals->as_integer()->get() > 999) {
        return error_at(*approvals, "'require_approvals' must be an integer from 0 to 999");
      }
      forge.require_approvals = static_cast<int>(approvals->as_integer()->get());
    }
    return forge;
  }

  // `forge_commits = ["merge", "edit"]`: what the forge may make on the rule's refs. Needs
  // [forge] (whose keys say which commits are the forge's) and a rule with signers (an open
  // rule takes any signature already; release tags are never the forge's).
  Status load_forge_commits(const toml::table& table, Rule& rule, const std::string& owner) const {
    rule.forge = m_forge;
    const toml::node* node = table.get("forge_commits");
    if (node == nullptr) return {};
    auto kinds = load_names(table, "forge_commits", &is_forge_commit, "forge commit kinds (\"merge\", \"edit\")");
    if (!kinds) return kinds.error();
    if (!m_forge) {
      return error_at(*node,
                      owner + " sets forge_commits but the policy has no [forge] section naming the forge's keys");
    }
    if (rule.open) return error_at(*node, owner + " is open: it takes forge commits as any other (drop forge_commits)");
    if (rule.kind == RuleKind::kRelease) {
      return error_at(*node, owner + ": forge_commits applies to branches (commit and ci rules), not release tags");
    }
    rule.forge_commits = std::move(*kinds);
    return {};
  }

  // `from = ["refs/heads/main", ...]`: branches whose history the rule trusts. Only branches:
  // tags, notes and other refs never vouch for anything.
  Status load_from(const toml::table& table, Rule& rule) const {
    const toml::node* node = table.get("from");
    if (node == nullptr) return {};
    const toml::array* patterns = node->as_array();
    if (patterns == nullptr) return error_at(*node, "'from' must be an array of strings");
    std::vector<std::string> out;
    for (const toml::node& element : *patterns) {
      const toml::value<std::string>* pattern = element.as_string();
      if (pattern == nullptr) return error_at(element, "'from' must be an array of strings");
      if (!util::starts_with(pattern->get(), "refs/heads/")) {
        return error_at(element,
                        "'from' pattern '" + util::printable(pattern->get(), 100) +
                            "' must name branches (refs/heads/...): tags and other refs never vouch for history");
      }
      out.push_back(pattern->get());
    }
    rule.from = std::move(out);
    return {};
  }

  // A list of strings, each passing `valid`, without duplicates; sorted.
  Result<std::vector<std::string>> load_names(const toml::table& table, std::string_view key,
                                              bool (*valid)(std::string_view), std::string_view what) const {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* items = node->as_array();
    const std::string message = "'" + std::string(key) + "' must be an array of " + std::string(what);
    if (items == nullptr || items->empty()) return error_at(*node, message + " (not empty)");
    std::set<std::string> seen;
    for (const toml::node& item : *items) {
      const toml::value<std::string>* value = item.as_string();
      if (value == nullptr || !valid(value->get())) return error_at(item, message);
      if (!seen.insert(value->get()).second)
        return error_at(item, "duplicate '" + util::printable(value->get(), 60) + "' in '" + std::string(key) + "'");
    }
    return std::vector<std::string>(seen.begin(), seen.end());
  }

  // `roles`, `teams`, `capabilities`, `signer_types`: the org conditions of a signer set.
  Status load_org_conditions(const toml::table& table, const std::string& owner, std::string_view default_capability,
                             SignerSet& set) const {
    auto roles = load_names(table, "roles", &is_role_name, "roles (\"admin\", \"member\", \"readonly\")");
    if (!roles) return roles.error();
    auto teams = load_names(table, "teams", &is_team_name, "team names (1-64 of a-z 0-9 _ -)");
    if (!teams) return teams.error();
    auto capabilities = load_names(table, "capabilities", &is_capability_name, "capabilities (1-64 of a-z 0-9 : _ -)");
    if (!capabilities) return capabilities.error();
    auto types =
        load_names(table, "signer_types", &is_signer_type, "signer types (\"Human\", \"Agent\", \"Workload\")");
    if (!types) return types.error();
    set.org = m_org;
    set.roles = std::move(*roles);
    set.teams = std::move(*teams);
    set.signer_types = std::move(*types);
    set.capabilities_explicit = table.get("capabilities") != nullptr;
    set.capabilities = std::move(*capabilities);
    if (set.selects_members() && m_org.empty()) {
      const toml::node* node = table.get(set.roles.empty() ? "teams" : "roles");
      return error_at(*node, owner + " selects org members by " + (set.roles.empty() ? "team" : "role") +
                                 " but the policy names no 'org = \"did:keri:...\"'");
    }
    if (!set.capabilities_explicit && set.selects_members()) set.capabilities = {std::string(default_capability)};
    return {};
  }

  // `signers`, `allowed_signers` and `require`, shared by rules and [governance], and the org
  // conditions; `default_capability` is what members need when the set does not say.
  Result<SignerSet> load_signer_set(const toml::table& table, const std::string& owner,
                                    std::string_view default_capability) {
    SignerSet set;
    if (Status s = load_org_conditions(table, owner, default_capability, set); !s) return s.error();
    const toml::node* signers = table.get("signers");
    const toml::node* allowed_signers = table.get("allowed_signers");
    if (signers == nullptr && allowed_signers == nullptr && !set.selects_members()) {
      return error_at(table, owner + " has no signers (add 'signers', 'allowed_signers', 'roles' or 'teams')");
    }
    if (signers != nullptr) {
      const toml::array* entries = signers->as_array();
      if (entries == nullptr) return error_at(*signers, "'signers' must be an array of strings");
      for (const toml::node& entry : *entries) {
        if (Status s = add_signer_entry(entry, set); !s) return s.error();
      }
    }
    if (allowed_signers != nullptr) {
      if (Status s = add_allowed_signers(*allowed_signers, set); !s) return s.error();
    }

    const toml::node* require = table.get("require");
    if (require != nullptr) {
      if (!require->is_integer()) return error_at(*require, "'require' must be an integer");
      if (require->as_integer()->get() < 1) return error_at(*require, "'require' must be at least 1");
    }
    const int64_t wanted = require != nullptr ? require->as_integer()->get() : 1;
    // Distinct signers: one key listed twice (two principals, or an SSH line and its did:key)
    // is still one signer.
    std::set<std::string> keys;
    for (const Signer& signer : set.keys) keys.insert(signer.key.fingerprint());
    const std::set<std::string> identities(set.identities.begin(), set.identities.end());
    const int64_t available = static_cast<int64_t>(keys.size() + identities.size());
    // Members selected by role or team are counted when a push is judged, not here.
    if (wanted > available && !set.selects_members()) {
      return error_at(require != nullptr ? line_of(*require) : line_of(table),
                      owner + " requires " + std::to_string(wanted) + " signer" + (wanted == 1 ? "" : "s") +
                          " but lists " + std::to_string(available));
    }
    set.require = static_cast<int>(wanted);
    // `min_human` and `max_reject`: the quorum's other conditions (engine/quorum.h).
    for (const auto& [key, slot] : {std::pair{"min_human", &set.min_human}, std::pair{"max_reject", &set.max_reject}}) {
      const toml::node* node = table.get(key);
      if (node == nullptr) continue;
      if (!node->is_integer() || node->as_integer()->get() < 0 || node->as_integer()->get() > 999)
        return error_at(*node, "'" + std::string(key) + "' must be an integer from 0 to 999");
      *slot = static_cast<int>(node->as_integer()->get());
    }
    if (set.min_human > set.require) {
      return error_at(*table.get("min_human"), owner + " asks min_human = " + std::to_string(set.min_human) +
                                                   " of require = " + std::to_string(set.require) + " signers");
    }
    return set;
  }

  Status add_signer_entry(const toml::node& entry, SignerSet& set) const {
    const toml::value<std::string>* value = entry.as_string();
    if (value == nullptr) return error_at(entry, "'signers' must be an array of strings");
    const std::string_view text = util::trim(value->get());
    const std::string shown = util::printable(text, 60);
    const std::string origin = m_source + ":" + std::to_string(line_of(entry));

    if (text == kRootsEntry) return add_roots(line_of(entry), set);
    if (util::starts_with(text, "did:keri:")) {
      if (!is_did_keri_shape(text)) {
        return error_at(entry, "invalid signer '" + shown + "': a did:keri prefix is 'E' and 43 base64url characters");
      }
      set.identities.emplace_back(text);
      return {};
    }
    if (util::starts_with(text, "did:key:")) {
      Result<crypto::PublicKey> key = crypto::parse_did_key(text);
      if (!key) return error_at(entry, "invalid signer '" + shown + "': " + key.error().message);
      set.keys.push_back(Signer{std::string(text), std::move(key).value(), origin, {}, {}, {}});
      return {};
    }
    if (looks_like_ssh_key(text)) {
      Result<crypto::PublicKey> key = crypto::parse_ssh_public_key_line(text);
      if (!key) return error_at(entry, "invalid signer '" + shown + "': " + key.error().message);
      const std::string_view comment = ssh_key_comment(text);
      std::string name = comment.empty() ? key->fingerprint() : std::string(comment);
      set.keys.push_back(Signer{std::move(name), std::move(key).value(), origin, {}, {}, {}});
      return {};
    }
    return error_at(
        entry, "unrecognized signer '" + shown + "' (expected an SSH public key, a did:key, a did:keri or \"roots\")");
  }

  /// The identities of `.auths/roots` (the signer entry "roots"): one did:keri per line; blank
  /// lines and lines starting with '#' are ignored. The file must exist.
  Status add_roots(int line, SignerSet& set) const {
    const Result<std::optional<std::string>> text = read_tree_file(line, "roots file", std::string(kRootsPath));
    if (!text) return text.error();
    if (!text->has_value()) {
      return error_at(line, "signer \"roots\" names " + std::string(kRootsPath) + ", which is not in the tree");
    }
    int number = 0;
    size_t added = 0;
    for (const auto raw : util::split(**text, '\n')) {
      ++number;
      const std::string_view did = util::trim(raw);
      if (did.empty() || did.front() == '#') continue;
      if (!util::starts_with(did, "did:keri:") || !is_did_keri_shape(did)) {
        return Error::policy("invalid root '" + util::printable(did, 60) + "': expected did:keri:E<43 characters>",
                             std::string(kRootsPath) + ":" + std::to_string(number));
      }
      if (std::find(set.identities.begin(), set.identities.end(), did) == set.identities.end()) {
        set.identities.emplace_back(did);
      }
      ++added;
    }
    if (added == 0) return error_at(line, "signer \"roots\": " + std::string(kRootsPath) + " lists no did:keri");
    return {};
  }

  /// Another file of the policy's tree, read through the caller's reader; nullopt when absent.
  /// A path the reader refuses (a directory, a file too large) is the policy's fault: kPolicy.
  /// A repository that cannot be read (kGit, kIo, kCorrupt, ...) is not, and keeps its code,
  /// so that the caller can tell "bad policy" from "cannot decide".
  Result<std::optional<std::string>> read_tree_file(int line, std::string_view what, const std::string& path) const {
    if (!m_read_file) return error_at(line, "cannot read " + std::string(what) + " '" + path + "': no file reader");
    Result<std::optional<std::string>> text = m_read_file(path);
    if (text) return text;
    const ErrorCode code = text.error().code;
    const bool policy_fault =
        code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound || code == ErrorCode::kPolicy;
    Error error = error_at(line, "cannot read " + std::string(what) + " '" + path + "': " + text.error().message);
    if (!policy_fault) error.code = code;
    return error;
  }

  Status add_allowed_signers(const toml::node& node, SignerSet& set) {
    const toml::value<std::string>* value = node.as_string();
    if (value == nullptr) return error_at(node, "'allowed_signers' must be a string");
    const std::string& path = value->get();
    if (!is_tree_path(path)) {
      return error_at(
          node, "allowed_signers path '" + util::printable(path, 100) + "' must be relative to the repository root");
    }
    auto cached = m_allowed_signers.find(path);
    if (cached == m_allowed_signers.end()) {
      const Result<std::optional<std::string>> text = read_tree_file(line_of(node), "allowed_signers file", path);
      if (!text) return text.error();
      if (!text->has_value()) return error_at(node, "allowed_signers file '" + path + "' not found");
      Result<std::vector<Signer>> parsed = parse_allowed_signers(**text, path);
      if (!parsed) return parsed.error();  // already "<path>:<line>"
      cached = m_allowed_signers.emplace(path, std::move(parsed).value()).first;
    }
    set.keys.insert(set.keys.end(), cached->second.begin(), cached->second.end());
    set.allowed_signers_path = path;
    return {};
  }

  Status check_unique_names(const std::vector<LoadedRule>& rules) const {
    std::map<std::string, int> seen;  // name -> line of the first rule with it
    for (const LoadedRule& item : rules) {
      const auto [it, inserted] = seen.emplace(item.rule.name, item.rule.line);
      if (!inserted) {
        return error_at(item.name_line, "duplicate rule name '" + item.rule.name + "' (first used at line " +
                                            std::to_string(it->second) + ")");
      }
    }
    return {};
  }

  std::string m_source;
  std::string m_org;                        // the policy's `org`, read before the rules
  std::shared_ptr<const ForgeSet> m_forge;  // the policy's [forge], read before the rules
  const FileReader& m_read_file;
  std::map<std::string, std::vector<Signer>> m_allowed_signers;  // by path: read each file once
};

}  // namespace

Result<Policy> parse_policy(std::string_view toml_text, std::string_view source, const FileReader& read_file) {
  const std::string context = std::string(source);
  try {
    const toml::table root = toml::parse(toml_text, std::string_view{source});
    return Loader(source, read_file).load(root);
  } catch (const toml::parse_error& e) {
    return Error::policy(describe(e), context + ":" + std::to_string(line_of(e.source())));
  } catch (const std::exception& e) {
    return Error::internal(std::string("unexpected error while loading the policy: ") + e.what(), context);
  } catch (...) {
    return Error::internal("unexpected error while loading the policy", context);
  }
}

}  // namespace auths::policy
