// auths/client/policy_edit.h: line edits of `.auths/policy.toml` located with toml++, the
// canonical rewrite when a line edit cannot be trusted, and the scaffolds of `auths policy init`.
//
// How an edit is made safe: the intended document is built first, by changing a copy of the
// parsed table; the line edit is kept only if its text parses back to exactly that document;
// otherwise the intended document is serialized. Either text must then load with the hooks'
// loader (parse_policy), so the worst a line edit can do is fall back to the canonical form.
#include "auths/client/policy_edit.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <set>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

#include "crypto/public_key.h"
#include "engine/policy_file.h"
#include "file_io.h"
#include "policy/policy.h"
#include "util/strings.h"

namespace auths::client {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxPolicyFile = 1u << 20;

// ---------------------------------------------------------------------------------------------
// Locating tables

// One table an edit changes.
struct Target {
  toml::table* table = nullptr;
  std::string label;  // "[[policy.commit]] 'main'", "[governance]"
  std::string name;   // the rule's name as the loader gives it ("commit[0]" without `name`); "" for [governance]
};

const char* kind_key(PolicyRole role) { return role == PolicyRole::kCommit ? "commit" : "release"; }

// The tables `role` and `rule` select in `root`; an empty list for a [governance] that does not
// exist. The same selection on a copy of the document gives the same tables in the same order.
Result<std::vector<Target>> select_tables(toml::table& root, PolicyRole role, std::string_view rule) {
  std::vector<Target> out;
  if (role == PolicyRole::kGovernance) {
    if (!rule.empty()) return Error::invalid_argument("--rule names a rule: it does not apply to [governance]");
    toml::node* node = root.get("governance");
    if (node == nullptr) return out;
    if (!node->is_table()) return Error::policy("'governance' must be a table");
    out.push_back({node->as_table(), "[governance]", ""});
    return out;
  }
  const std::string kind = kind_key(role);
  toml::array* rules = root["policy"][kind].as_array();
  if (rules == nullptr || rules->empty()) {
    return Error::invalid_argument("the policy has no [[policy." + kind + "]] rule (auths policy init writes one)");
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < rules->size(); ++i) {
    toml::table* table = rules->get(i)->as_table();
    if (table == nullptr)
      return Error::policy("'policy." + kind + "' must be an array of tables ([[policy." + kind + "]])");
    std::string name = kind + "[" + std::to_string(i) + "]";
    if (const toml::value<std::string>* written = table->get_as<std::string>("name")) name = written->get();
    names.push_back(name);
    if (rule.empty() || rule == name) out.push_back({table, "[[policy." + kind + "]] '" + name + "'", name});
  }
  if (out.empty()) {
    return Error::invalid_argument("no [[policy." + kind + "]] rule is named '" + util::printable(rule, 60) +
                                   "' (the rules: " + util::join(names, ", ") + ")");
  }
  return out;
}

// The lines of every explicit table header ([x], [[x]]) of the document, 1-based.
void collect_headers(const toml::node& node, std::set<uint32_t>& out) {
  if (const toml::table* table = node.as_table()) {
    if (!table->is_inline()) out.insert(table->source().begin.line);
    for (const auto& [key, value] : *table) collect_headers(value, out);
  } else if (const toml::array* array = node.as_array()) {
    for (const toml::node& element : *array) collect_headers(element, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Line edits

// Replaces bytes [from, to) of line `line` (0-based) with `text`; an insertion when from == to.
// `text` may hold newlines: it becomes part of the line, which join() writes as it is.
struct Edit {
  size_t line = 0;
  size_t from = 0;
  size_t to = 0;
  std::string text;
};

struct Lines {
  std::vector<std::string> lines;
  bool final_newline = true;

  explicit Lines(std::string_view text) {
    final_newline = text.empty() || text.back() == '\n';
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    size_t start = 0;
    while (true) {
      const size_t nl = text.find('\n', start);
      lines.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
  }
  size_t count() const { return lines.size(); }
  const std::string& at(uint32_t line_1based) const { return lines.at(line_1based - 1); }

  // The byte offset of a toml++ column (1-based, in code points) in a 1-based line.
  size_t offset(uint32_t line, uint32_t column) const {
    const std::string& text = at(line);
    size_t i = 0;
    for (uint32_t c = 1; c < column && i < text.size(); ++c) {
      ++i;
      while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
  }

  std::string apply(std::vector<Edit> edits) const {
    std::vector<std::string> out = lines;
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
      return std::pair{a.line, a.from} > std::pair{b.line, b.from};
    });
    for (const Edit& e : edits) out.at(e.line).replace(e.from, e.to - e.from, e.text);
    std::string text;
    for (size_t i = 0; i < out.size(); ++i) {
      text += out[i];
      if (i + 1 < out.size() || final_newline) text += '\n';
    }
    return text;
  }
};

std::string indentation(std::string_view line) { return std::string(line.substr(0, line.find_first_not_of(" \t"))); }

// A TOML basic string.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// Where a target table's own lines are, for its line edits; nullopt when the table is not
// written as a `[header]` followed by its keys (inline tables, dotted keys, implicit tables).
struct Span {
  uint32_t header = 0;  // 1-based
  uint32_t end = 0;     // the next header's line, or one past the last line
  bool holds(const toml::source_region& region) const {
    return region.begin.line > header && region.end.line < end && region.end.line >= region.begin.line;
  }
};

class LineEditor {
 public:
  LineEditor(const Lines& lines, const toml::table& root) : m_lines(lines) { collect_headers(root, m_headers); }

  std::optional<Span> span_of(const toml::table& table) const {
    if (table.is_inline()) return std::nullopt;
    const uint32_t header = table.source().begin.line;
    if (header < 1 || header > m_lines.count()) return std::nullopt;
    if (!util::starts_with(util::trim(m_lines.at(header)), "[")) return std::nullopt;
    const auto next = m_headers.upper_bound(header);
    Span span{header, next == m_headers.end() ? static_cast<uint32_t>(m_lines.count() + 1) : *next};
    for (const auto& [key, value] : table) {
      if (is_subtable(value)) continue;
      if (!span.holds(key.source()) || !span.holds(value.source())) return std::nullopt;
    }
    return span;
  }

  // The last line of the table's own keys (its header when it has none).
  static uint32_t last_key_line(const toml::table& table, const Span& span) {
    uint32_t last = span.header;
    for (const auto& [key, value] : table) {
      if (!is_subtable(value)) last = std::max(last, value.source().end.line);
    }
    return last;
  }

  // An insertion of `text` as a new line after line `line` (1-based).
  Edit line_after(uint32_t line, const std::string& text) const {
    return {line - 1, m_lines.at(line).size(), m_lines.at(line).size(), "\n" + text};
  }

  // `quoted` appended to the array `array` (inside `span`).
  std::optional<std::vector<Edit>> append(const toml::array& array, const std::string& quoted) const {
    const toml::source_region where = array.source();
    if (array.empty()) {
      const size_t open = m_lines.offset(where.begin.line, where.begin.column) + 1;
      return std::vector<Edit>{{where.begin.line - 1, open, open, quoted}};
    }
    const toml::source_region last = array.back().source();
    const std::string& last_line = m_lines.at(last.end.line);
    const size_t end = m_lines.offset(last.end.line, last.end.column);
    const size_t next = last_line.find_first_not_of(" \t", end);
    const bool comma = next != std::string::npos && last_line[next] == ',';
    if (where.end.line > last.end.line) {
      // The closing bracket is on a later line: one element per line, as the others.
      std::string indent = indentation(last_line);
      if (last.end.line == where.begin.line) indent += "  ";
      std::vector<Edit> edits{line_after(last.end.line, indent + quoted + (comma ? "," : ""))};
      if (!comma) edits.push_back({last.end.line - 1, end, end, ","});
      return edits;
    }
    if (comma) return std::vector<Edit>{{last.end.line - 1, next + 1, next + 1, " " + quoted + ","}};
    return std::vector<Edit>{{last.end.line - 1, end, end, ", " + quoted}};
  }

  // The value of `node` (one line) replaced by `text`.
  std::optional<Edit> replace(const toml::node& node, const std::string& text) const {
    const toml::source_region where = node.source();
    if (where.begin.line != where.end.line) return std::nullopt;
    return Edit{where.begin.line - 1, m_lines.offset(where.begin.line, where.begin.column),
                m_lines.offset(where.end.line, where.end.column), text};
  }

 private:
  static bool is_subtable(const toml::node& value) {
    if (const toml::table* table = value.as_table()) return !table->is_inline();
    const toml::array* array = value.as_array();
    return array != nullptr && !array->empty() && array->is_array_of_tables() &&
           !array->front().as_table()->is_inline();
  }

  const Lines& m_lines;
  std::set<uint32_t> m_headers;
};

// ---------------------------------------------------------------------------------------------
// The edit pipeline

// What an operation contributes: for each target, the change to the intended document and the
// line edits that should produce it (nullopt: no line edit is possible).
struct Change {
  std::vector<Edit> edits;
  bool textual = true;
  std::vector<std::string> tables;
};

std::string canonical_text(const toml::table& doc) {
  std::ostringstream out;
  out << toml::toml_formatter{doc};
  std::string text = out.str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

bool parses_to(const std::string& text, const toml::table& expected) {
  try {
    return toml::parse(text) == expected;
  } catch (const std::exception&) {
    return false;
  }
}

Result<toml::table> parse_toml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, std::string_view{source});
  } catch (const toml::parse_error& e) {
    return Error::policy("not valid TOML: " + util::printable(util::trim(e.description()), 300),
                         std::string(source) + ":" + std::to_string(std::max<uint32_t>(1, e.source().begin.line)));
  } catch (const std::exception& e) {
    return Error::internal(std::string("unexpected error while reading the policy: ") + e.what(), std::string(source));
  }
}

// Picks the text (line edits, or canonical), loads it, and refuses what must not be written.
Result<PolicyEdit> finish(std::string_view original, std::string_view source, const Lines& lines, Change change,
                          const toml::table& expected, const PolicyFileReader& read_file,
                          policy::Policy* loaded_out = nullptr) {
  PolicyEdit edit;
  edit.tables = std::move(change.tables);
  if (edit.tables.empty()) {
    edit.text = std::string(original);
    return edit;
  }
  edit.changed = true;
  if (change.textual) {
    edit.text = lines.apply(std::move(change.edits));
    change.textual = parses_to(edit.text, expected);
  }
  if (!change.textual) {
    edit.text = canonical_text(expected);
    edit.canonical = true;
  }
  Result<policy::Policy> loaded = policy::parse_policy(edit.text, source, read_file);
  if (!loaded) {
    Error error = loaded.error();
    if (error.code == ErrorCode::kPolicy) error.message = "the edited policy would not load: " + error.message;
    return error;
  }
  if (const std::optional<std::string> why = policy::unsatisfiable(*loaded)) {
    // Refused when the edit makes it so; an edit of a policy that already was is allowed (it
    // may be a step towards fixing it), with the reason as a warning.
    const Result<policy::Policy> before = policy::parse_policy(original, source, read_file);
    if (!before || !policy::unsatisfiable(*before)) {
      return Error::policy("the edited policy would be unsatisfiable: " + *why, std::string(source));
    }
    edit.warning = *why;
  }
  if (loaded_out != nullptr) *loaded_out = std::move(loaded).value();
  return edit;
}

}  // namespace

std::optional<PolicyRole> parse_policy_role(std::string_view text) {
  if (text == "commit") return PolicyRole::kCommit;
  if (text == "release") return PolicyRole::kRelease;
  if (text == "governance") return PolicyRole::kGovernance;
  return std::nullopt;
}

const char* to_string(PolicyRole role) {
  switch (role) {
    case PolicyRole::kCommit: return "commit";
    case PolicyRole::kRelease: return "release";
    case PolicyRole::kGovernance: return "governance";
  }
  return "?";
}

Result<PolicyEdit> add_policy_signer(std::string_view text, std::string_view source, PolicyRole role,
                                     std::string_view rule, std::string_view signer_arg,
                                     const PolicyFileReader& read_file) {
  const std::string signer(util::trim(signer_arg));
  if (signer.empty()) return Error::invalid_argument("the signer is empty");
  Result<toml::table> root = parse_toml(text, source);
  if (!root) return root.error();
  toml::table expected = *root;
  Result<std::vector<Target>> targets = select_tables(*root, role, rule);
  if (!targets) return Error{targets.error().code, targets.error().message, std::string(source)};
  Result<std::vector<Target>> expected_targets = select_tables(expected, role, rule);
  if (!expected_targets) return expected_targets.error();

  const Lines lines(text);
  const LineEditor editor(lines, *root);
  const std::string quoted = quote(signer);
  Change change;
  if (targets->empty()) {  // no [governance] yet: one at the end of the file
    toml::table governance;
    governance.insert("signers", toml::array{signer});
    expected.insert("governance", std::move(governance));
    const std::string block =
        "\n\n# Who may change .auths/ itself (this file, allowed_signers files).\n[governance]\nsigners = [" + quoted +
        "]";
    change.edits.push_back({lines.count() - 1, lines.lines.back().size(), lines.lines.back().size(), block});
    change.tables.push_back("[governance]");
  }
  for (size_t i = 0; i < targets->size(); ++i) {
    const Target& target = (*targets)[i];
    toml::table& mirror = *(*expected_targets)[i].table;
    if (toml::array* signers = mirror.get_as<toml::array>("signers")) {
      signers->push_back(signer);
    } else if (const toml::node* written = mirror.get("signers")) {
      return Error::policy("'signers' must be an array of strings",
                           std::string(source) + ":" + std::to_string(written->source().begin.line));
    } else {
      mirror.insert("signers", toml::array{signer});
    }
    change.tables.push_back(target.label);
    const std::optional<Span> span = editor.span_of(*target.table);
    if (!span) {
      change.textual = false;
      continue;
    }
    if (const toml::array* signers = target.table->get_as<toml::array>("signers")) {
      std::optional<std::vector<Edit>> edits = editor.append(*signers, quoted);
      if (!edits) {
        change.textual = false;
        continue;
      }
      change.edits.insert(change.edits.end(), edits->begin(), edits->end());
    } else {
      change.edits.push_back(
          editor.line_after(LineEditor::last_key_line(*target.table, *span), "signers = [" + quoted + "]"));
    }
  }

  policy::Policy loaded;
  Result<PolicyEdit> edit = finish(text, source, lines, std::move(change), expected, read_file, &loaded);
  if (!edit) return edit;

  // A signer already there (listed, in the allowed_signers file, or the same key written another
  // way) is now there twice.
  const auto twice = [&](const policy::SignerSet& set) {
    if (util::starts_with(signer, "did:keri:"))
      return std::count(set.identities.begin(), set.identities.end(), signer) > 1;
    Result<crypto::PublicKey> key = util::starts_with(signer, "did:key:") ? crypto::parse_did_key(signer)
                                                                          : crypto::parse_ssh_public_key_line(signer);
    return key && set.find(*key).size() > 1;
  };
  for (const Target& target : *targets) {
    const policy::SignerSet* set = nullptr;
    if (role == PolicyRole::kGovernance) {
      set = loaded.governance ? &*loaded.governance : nullptr;
    } else {
      for (const policy::Rule& r : loaded.rules) {
        if (r.name == target.name) set = &r.signers;
      }
    }
    if (set != nullptr && twice(*set)) {
      return Error::policy(util::printable(signer, 80) + " is already a signer of " + target.label,
                           std::string(source));
    }
  }
  return edit;
}

Result<PolicyEdit> set_policy_threshold(std::string_view text, std::string_view source, PolicyRole role,
                                        std::string_view rule, int64_t n, const PolicyFileReader& read_file) {
  Result<toml::table> root = parse_toml(text, source);
  if (!root) return root.error();
  toml::table expected = *root;
  Result<std::vector<Target>> targets = select_tables(*root, role, rule);
  if (!targets) return Error{targets.error().code, targets.error().message, std::string(source)};
  if (targets->empty()) {
    return Error::invalid_argument(
        "the policy has no [governance] table (auths policy add-signer SIGNER --role governance makes one)",
        std::string(source));
  }
  Result<std::vector<Target>> expected_targets = select_tables(expected, role, rule);
  if (!expected_targets) return expected_targets.error();

  const Lines lines(text);
  const LineEditor editor(lines, *root);
  Change change;
  for (size_t i = 0; i < targets->size(); ++i) {
    const Target& target = (*targets)[i];
    const toml::node* require = target.table->get("require");
    const toml::value<int64_t>* current = require != nullptr ? require->as_integer() : nullptr;
    if (current != nullptr && current->get() == n) continue;
    (*expected_targets)[i].table->insert_or_assign("require", n);
    change.tables.push_back(target.label);
    const std::optional<Span> span = editor.span_of(*target.table);
    if (!span) {
      change.textual = false;
      continue;
    }
    if (require != nullptr) {
      const std::optional<Edit> edit = editor.replace(*require, std::to_string(n));
      if (!edit) {
        change.textual = false;
        continue;
      }
      change.edits.push_back(*edit);
      continue;
    }
    // After the signers when the table lists them, else after its last key.
    uint32_t after = LineEditor::last_key_line(*target.table, *span);
    for (const char* key : {"allowed_signers", "signers"}) {
      if (const toml::node* node = target.table->get(key)) after = node->source().end.line;
    }
    const std::string indent = indentation(lines.at(after));
    change.edits.push_back(editor.line_after(after, indent + "require = " + std::to_string(n)));
  }
  return finish(text, source, lines, std::move(change), expected, read_file);
}

// ---------------------------------------------------------------------------------------------
// Scaffolds

namespace {

constexpr std::array<std::string_view, 4> kTemplates = {"minimal", "branches", "permissive", "org"};

class ScaffoldWriter {
 public:
  explicit ScaffoldWriter(const PolicyScaffold& s) : m_s(s) {}

  void line(std::string_view text = {}) {
    m_out += text;
    m_out += '\n';
  }

  // `signers = [...]` (one per line) and, in the org template, `roles`; nothing when neither.
  void signers(std::string_view roles) {
    if (!m_s.signers.empty()) {
      line("# Signers: SSH public key lines (\"ssh-ed25519 AAAA... comment\", as in a .pub file), did:key");
      line("# (a device key) or did:keri (an identity, resolved through refs/auths/registry).");
      line("signers = [");
      for (const std::string& signer : m_s.signers) line("  " + quote(util::trim(signer)) + ",");
      line("]");
    }
    if (m_s.template_name == "org") {
      line("# Members of the org with one of these roles sign too; they need the capability this");
      line("# kind of rule asks (sign_commit, sign_release, manage_members) unless `capabilities` says.");
      line("roles = [" + std::string(roles) + "]");
    }
  }

  std::string text() && { return std::move(m_out); }

 private:
  const PolicyScaffold& m_s;
  std::string m_out;
};

}  // namespace

std::span<const std::string_view> policy_templates() { return kTemplates; }

std::string describe_policy_templates() {
  return "minimal: the default branch's commits and release tags (refs/tags/v*) signed, every other ref refused; "
         "branches: minimal, plus every other branch (signed; rebases and deletions allowed); "
         "permissive: as minimal, but refs no rule names are accepted unchecked (adopting signing gradually); "
         "org: signers are the --org's members by role (admin and member commit, admin releases and governs), "
         "beside any --signer";
}

Result<std::string> policy_scaffold(const PolicyScaffold& s, std::string_view source,
                                    const PolicyFileReader& read_file) {
  if (std::find(kTemplates.begin(), kTemplates.end(), s.template_name) == kTemplates.end()) {
    return Error::invalid_argument("unknown template '" + util::printable(s.template_name, 40) +
                                   "' (minimal, branches, permissive, org)");
  }
  const bool org_template = s.template_name == "org";
  if (org_template && s.org.empty()) return Error::invalid_argument("the org template needs --org did:keri:...");
  if (!org_template && s.signers.empty()) {
    return Error::invalid_argument("name at least one --signer (or use --template org with --org)");
  }
  const std::string branch = s.branch.empty() ? "main" : s.branch;

  ScaffoldWriter w(s);
  w.line("# .auths/policy.toml: who may push what to this repository (format version 1), written by");
  w.line("# `auths policy init --template " + s.template_name + "`. The hooks judge every push by it.");
  w.line("# Check it with `auths policy lint`; change signers with `auths policy add-signer` and");
  w.line("# `auths policy set-threshold` (they keep these comments). The auths-hooks README (\"The");
  w.line("# policy file in 30 seconds\") explains every key.");
  w.line();
  w.line("# Required. The format of this file; this version of auths-hooks reads version 1.");
  w.line("version = 1");
  if (!s.org.empty()) {
    w.line();
    w.line("# The org (its did:keri) whose members `roles` and `teams` select, as its registry records them.");
    w.line("org = " + quote(s.org));
  }
  w.line();
  if (s.template_name == "permissive") {
    w.line("# Refs that no rule below matches are accepted unchecked (\"deny\" would reject them):");
    w.line("# switch to \"deny\" once everyone signs.");
    w.line("default = \"allow\"");
  } else {
    w.line("# Refs that no rule below matches: \"deny\" (also when this line is absent) rejects the push,");
    w.line("# \"allow\" lets it through unchecked.");
    w.line("default = \"deny\"");
  }
  w.line();
  w.line("# Rules are tried in file order, [[policy.commit]] and [[policy.release]] alike: the first rule");
  w.line("# whose `refs` match the pushed ref decides. Narrow rules go first.");
  w.line();
  w.line("# The default branch: every new commit signed by a signer below; history is never rewritten.");
  w.line("[[policy.commit]]");
  w.line("# The rule's name, in messages and the audit log (and for `--rule` of the edit commands).");
  w.line("name = " + quote(branch));
  w.line("# Required. Ref patterns, each starting with \"refs/\": `*` matches within one path component,");
  w.line("# `**` across components, `?` one character; a pattern without wildcards matches only itself.");
  w.line("refs = [" + quote("refs/heads/" + branch) + "]");
  w.signers("\"admin\", \"member\"");
  w.line("# How many distinct signers are needed. An object carries one signature: 1.");
  w.line("require = 1");
  w.line("# Non-fast-forward pushes (history rewrites) and deleting the branch are refused.");
  w.line("allow_force_push = false");
  w.line("allow_delete = false");
  if (s.template_name == "branches") {
    w.line();
    w.line("# Every other branch: the same signers, but branches may be rebased and deleted.");
    w.line("[[policy.commit]]");
    w.line("name = \"branches\"");
    w.line("refs = [\"refs/heads/**\"]");
    w.signers("\"admin\", \"member\"");
    w.line("allow_force_push = true");
    w.line("allow_delete = true");
  }
  w.line();
  w.line("# Release tags (v1.0.0, ...): the tag object must be signed by a signer below.");
  w.line("[[policy.release]]");
  w.line("name = \"releases\"");
  w.line("# `*` does not cross '/': refs/tags/v1/x is not matched.");
  w.line("refs = [\"refs/tags/v*\"]");
  w.signers("\"admin\"");
  w.line("require = 1");
  w.line();
  w.line("# Who may change .auths/ itself (this file, allowed_signers files). A push that changes .auths/");
  w.line("# is judged by the policy as it was before the push: nobody can grant themselves access.");
  w.line("[governance]");
  w.signers("\"admin\"");
  w.line("require = 1");
  std::string text = std::move(w).text();

  Result<policy::Policy> loaded = policy::parse_policy(text, source, read_file);
  if (!loaded) {
    Error error = loaded.error();
    if (error.code == ErrorCode::kPolicy) error.message = "the new policy would not load: " + error.message;
    return error;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Files

namespace {

// The nearest directory from `dir` upwards that holds `.git` (a directory or a worktree's file).
std::optional<fs::path> work_tree_top(const std::string& dir) {
  std::error_code ec;
  fs::path at = fs::absolute(dir, ec).lexically_normal();
  if (ec) return std::nullopt;
  while (true) {
    if (fs::exists(at / ".git", ec)) return at;
    if (!at.has_relative_path()) return std::nullopt;
    at = at.parent_path();
  }
}

}  // namespace

std::string default_policy_path(const std::string& dir) {
  std::error_code ec;
  const fs::path top = work_tree_top(dir).value_or(fs::absolute(dir, ec).lexically_normal());
  return (top / ".auths" / "policy.toml").string();
}

std::string current_branch(const std::string& dir) {
  const std::optional<fs::path> top = work_tree_top(dir);
  if (!top) return "main";
  fs::path git_dir = *top / ".git";
  std::error_code ec;
  if (fs::is_regular_file(git_dir, ec)) {  // a linked worktree: "gitdir: <path>"
    const Result<std::string> link = read_file(git_dir, 4096);
    if (!link || !util::starts_with(*link, "gitdir: ")) return "main";
    const fs::path target(std::string(util::trim(std::string_view(*link).substr(8))));
    git_dir = target.is_absolute() ? target : *top / target;
  }
  const Result<std::string> head = read_file(git_dir / "HEAD", 4096);
  constexpr std::string_view kRef = "ref: refs/heads/";
  if (!head || !util::starts_with(*head, kRef)) return "main";
  const std::string_view name = util::trim(std::string_view(*head).substr(kRef.size()));
  return name.empty() ? "main" : std::string(name);
}

PolicyFileReader policy_file_reader(const std::string& policy_path) {
  // The policy's directory stands for .auths/; the repository root is the directory above it.
  std::error_code ec;
  const fs::path dir = fs::absolute(policy_path, ec).lexically_normal().parent_path();
  return engine::policy_dir_reader(policy_path, dir.parent_path().string());
}

Result<std::string> read_policy_file(const std::string& path) { return read_file(path, kMaxPolicyFile); }

Status write_policy_file(const std::string& path, std::string_view text, bool replace) {
  std::error_code ec;
  const fs::path target = fs::absolute(path, ec);
  if (ec) return Error::io("cannot resolve the path: " + ec.message(), path);
  mode_t mode = 0644;
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    if (!replace) return Error::io("already exists (--force replaces it)", path);
    if (!S_ISREG(st.st_mode)) return Error::invalid_argument("not a regular file", path);
    mode = st.st_mode & 07777;
  } else if (errno != ENOENT) {
    return Error::io("cannot stat: " + errno_text(errno), path);
  }
  Status written = write_file(target, text, mode, replace);
  if (!written) return Error{written.error().code, written.error().message, path};
  return {};
}

}  // namespace auths::client
