// `auths policy diff` (auths/policy_diff.h): two loaded policies compared field by field, and
// the refs whose governing rule changed. Pure: the files are read by
// src/core/engine/policy_diff.cpp.
//
// Two kinds of change are reported:
//   - what the file says differently (a field of a paired rule, a rule added or removed, a
//     top-level key): a field whose effect is clear carries its direction (a lower require is
//     looser); a structural edit whose effect depends on the rest of the policy (a rule added,
//     removed, its refs edited) is neutral, and
//   - its effect on matching ("match"): for every ref pattern either policy names, the rule
//     that governs it (first match in file order, or `default`) in each; when that changed, the
//     two are compared, as the server compares rules when it decides whether a recorded history
//     still vouches (Strictness), plus force-push and delete.
#include "policy/diff.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "util/strings.h"
#include "util/time.h"

namespace auths {

const char* to_string(DiffDirection direction) {
  switch (direction) {
    case DiffDirection::kStricter: return "stricter";
    case DiffDirection::kLooser: return "looser";
    case DiffDirection::kNeutral: return "neutral";
  }
  return "neutral";
}

const char* to_string(DiffRisk risk) {
  switch (risk) {
    case DiffRisk::kLow: return "low";
    case DiffRisk::kMedium: return "medium";
    case DiffRisk::kHigh: return "high";
  }
  return "high";
}

bool PolicyDiff::looser() const {
  return std::any_of(changes.begin(), changes.end(),
                     [](const PolicyChange& c) { return c.direction == DiffDirection::kLooser; });
}

DiffRisk PolicyDiff::risk() const {
  DiffRisk out = DiffRisk::kLow;
  for (const PolicyChange& c : changes) out = std::max(out, c.risk);
  return out;
}

}  // namespace auths

namespace auths::policy {

namespace {

using Names = std::vector<std::string>;  // sorted, unique

// "a, b", or `empty` when there is nothing.
std::string listed(const Names& items, std::string_view empty) {
  return items.empty() ? std::string(empty) : util::join(items, ", ");
}

Names sorted_unique(Names items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

bool includes_all(const Names& outer, const Names& inner) {
  return std::includes(outer.begin(), outer.end(), inner.begin(), inner.end());
}

// Does some pattern of `outer` cover `pattern` (glob_covers)?
bool covered_by_any(const Names& outer, const std::string& pattern) {
  return std::any_of(outer.begin(), outer.end(), [&](const std::string& o) { return glob_covers(o, pattern); });
}

// The loader names a rule without `name` "<kind>[<index>]": such names say nothing about
// which rule is which.
bool has_generated_name(const Rule& rule) {
  const std::string prefix = std::string(to_string(rule.kind)) + "[";
  if (!util::starts_with(rule.name, prefix) || !util::ends_with(rule.name, "]")) return false;
  const std::string_view index =
      std::string_view(rule.name).substr(prefix.size(), rule.name.size() - prefix.size() - 1);
  return !index.empty() && std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string rule_label(const Rule& rule) { return std::string(to_string(rule.kind)) + " '" + rule.name + "'"; }

// The restrictions of one allowed_signers entry, comparable and printable.
struct Restriction {
  Names namespaces;  // sorted; empty = any
  std::optional<int64_t> valid_after;
  std::optional<int64_t> valid_before;

  auto tie() const { return std::tie(namespaces, valid_after, valid_before); }
  bool operator<(const Restriction& o) const { return tie() < o.tie(); }
  bool operator==(const Restriction& o) const { return tie() == o.tie(); }

  // Does this entry admit every signature `inner` admits?
  bool admits_all_of(const Restriction& inner) const {
    const bool ns = namespaces.empty() || (!inner.namespaces.empty() && includes_all(namespaces, inner.namespaces));
    const bool after = !valid_after || (inner.valid_after && *inner.valid_after >= *valid_after);
    const bool before = !valid_before || (inner.valid_before && *inner.valid_before <= *valid_before);
    return ns && after && before;
  }

  std::string text() const {
    Names parts;
    if (!namespaces.empty()) parts.push_back("namespaces=" + util::join(namespaces, ","));
    if (valid_after) parts.push_back("valid-after=" + util::format_utc(*valid_after));
    if (valid_before) parts.push_back("valid-before=" + util::format_utc(*valid_before));
    return parts.empty() ? "unrestricted" : util::join(parts, " ");
  }
};

// A signer set's keys by fingerprint: how each is named, and its entries' restrictions.
struct KeyEntries {
  std::string shown;  // "alice@example.org (SHA256:...)"
  std::set<Restriction> restrictions;
};

std::map<std::string, KeyEntries> keys_by_fingerprint(const SignerSet& set) {
  std::map<std::string, KeyEntries> out;
  for (const Signer& s : set.keys) {
    const std::string fingerprint = s.key.fingerprint();
    KeyEntries& entry = out[fingerprint];
    if (entry.shown.empty()) entry.shown = s.name == fingerprint ? fingerprint : s.name + " (" + fingerprint + ")";
    entry.restrictions.insert(Restriction{sorted_unique(s.namespaces), s.valid_after, s.valid_before});
  }
  return out;
}

std::string restrictions_text(const std::set<Restriction>& entries) {
  Names parts;
  for (const Restriction& r : entries) parts.push_back(r.text());
  return util::join(parts, "; ");
}

// "90s", "30m", "1h", "7d": max_ttl as a policy would write it.
std::string duration_text(int64_t seconds) {
  for (const auto& [unit, size] : {std::pair{"d", 86400}, std::pair{"h", 3600}, std::pair{"m", 60}}) {
    if (seconds % size == 0) return std::to_string(seconds / size) + unit;
  }
  return std::to_string(seconds) + "s";
}

// `open`, from the strictest: signers asked (nullopt), any valid signature, nothing.
int openness(const std::optional<Contributions>& open) { return open ? 1 + static_cast<int>(*open) : 0; }
std::string open_text(const std::optional<Contributions>& open) {
  return open ? "\"" + std::string(to_string(*open)) + "\"" : std::string("(signers asked)");
}

// Is `inner` (a role or team list) within `outer`, where an empty list admits any value?
bool selection_within(const Names& outer, const Names& inner) {
  return outer.empty() || (!inner.empty() && includes_all(outer, inner));
}

class Differ {
 public:
  Differ(const Policy& old, const Policy& updated, std::string default_branch)
      : m_old(old), m_new(updated), m_default_branch(std::move(default_branch)) {}

  std::vector<PolicyChange> run() {
    top_level();
    governance();
    witness();
    forge();
    pair_rules();
    for (size_t j = 0; j < m_new.rules.size(); ++j) {
      const Rule& rule = m_new.rules[j];
      if (const std::optional<size_t> i = old_of(j)) {
        rule_fields(m_old.rules[*i], rule);
      } else {
        add(rule.name, "rule", "adds " + rule_label(rule) + " (refs " + util::join(rule.refs, ", ") + ")",
            DiffDirection::kNeutral, DiffRisk::kLow);
      }
    }
    for (size_t i = 0; i < m_old.rules.size(); ++i) {
      if (m_new_of_old[i]) continue;
      const Rule& rule = m_old.rules[i];
      add(rule.name, "rule", "removes " + rule_label(rule) + " (refs " + util::join(rule.refs, ", ") + ")",
          DiffDirection::kNeutral, DiffRisk::kLow);
    }
    matching();
    return std::move(m_out);
  }

 private:
  void add(std::string rule, std::string field, std::string description, DiffDirection direction, DiffRisk risk) {
    m_out.push_back({std::move(rule), std::move(field), std::move(description), direction, risk});
  }

  // A change whose direction is known: looser ones take `looser_risk`, stricter ones are low.
  void add_directed(const std::string& rule, const std::string& field, const std::string& description, bool looser,
                    DiffRisk looser_risk) {
    add(rule, field, description, looser ? DiffDirection::kLooser : DiffDirection::kStricter,
        looser ? looser_risk : DiffRisk::kLow);
  }

  bool governs_default_branch(const Rule& rule) const {
    return std::any_of(rule.refs.begin(), rule.refs.end(),
                       [&](const std::string& p) { return glob_match(p, m_default_branch); });
  }

  void top_level() {
    if (m_old.default_allow != m_new.default_allow) {
      add_directed("policy", "default",
                   std::string("policy: default ") + (m_old.default_allow ? "allow" : "deny") + " -> " +
                       (m_new.default_allow ? "allow" : "deny"),
                   m_new.default_allow, DiffRisk::kHigh);
    }
    if (m_old.org != m_new.org) {
      // Another org's members are other signers, wherever a set selects members.
      bool selects = false;
      bool high = m_new.governance && m_new.governance->selects_members();
      for (const Rule& rule : m_new.rules) {
        selects = selects || rule.signers.selects_members();
        high = high || (rule.kind == RuleKind::kRelease && rule.signers.selects_members());
      }
      selects = selects || high;
      const std::string text = "policy: org " + (m_old.org.empty() ? "(none)" : m_old.org) + " -> " +
                               (m_new.org.empty() ? "(none)" : m_new.org);
      if (selects && !m_old.org.empty() && !m_new.org.empty()) {
        add_directed("policy", "org", text, true, high ? DiffRisk::kHigh : DiffRisk::kMedium);
      } else {
        add("policy", "org", text, DiffDirection::kNeutral, DiffRisk::kLow);
      }
    }
  }

  void governance() {
    const std::string name = "[governance]";
    if (!m_old.governance && m_new.governance) {
      add_directed(name, "governance", "adds [governance]: its signers may now change .auths/", true, DiffRisk::kHigh);
    } else if (m_old.governance && !m_new.governance) {
      add_directed(name, "governance", "removes [governance]: nobody may change .auths/ any more", false,
                   DiffRisk::kLow);
    } else if (m_old.governance && m_new.governance) {
      signer_set(name, name, *m_old.governance, *m_new.governance, true);
    }
  }

  // [witness]: whose receipts a `require_log = "witness"` rule counts, and how many it needs.
  // Added or removed it changes nothing by itself: the rules that require a log say so.
  void witness() {
    const std::string name = "[witness]";
    if (!m_old.witness || !m_new.witness) {
      if (m_old.witness || m_new.witness) {
        add(name, "witness", std::string(m_new.witness ? "adds" : "removes") + " [witness]", DiffDirection::kNeutral,
            DiffRisk::kLow);
      }
      return;
    }
    const WitnessSet& a = *m_old.witness;
    const WitnessSet& b = *m_new.witness;
    const auto fingerprints = [](const WitnessSet& set) {
      std::map<std::string, std::string> out;  // fingerprint -> the did:key as written, or the fingerprint
      for (size_t i = 0; i < set.keys.size(); ++i) {
        const std::string fingerprint = set.keys[i].fingerprint();
        out.emplace(fingerprint, util::starts_with(set.names[i], "did:key:") ? set.names[i] : fingerprint);
      }
      return out;
    };
    const auto old_keys = fingerprints(a);
    const auto new_keys = fingerprints(b);
    for (const auto& [fingerprint, written] : new_keys) {
      if (old_keys.count(fingerprint) == 0) {
        add_directed(name, "keys", "[witness]: adds witness " + written, true, DiffRisk::kMedium);
      }
    }
    for (const auto& [fingerprint, written] : old_keys) {
      if (new_keys.count(fingerprint) == 0) {
        add_directed(name, "keys", "[witness]: removes witness " + written, false, DiffRisk::kLow);
      }
    }
    if (a.threshold != b.threshold) {
      add_directed(name, "threshold",
                   "[witness]: threshold " + std::to_string(a.threshold) + " -> " + std::to_string(b.threshold),
                   b.threshold < a.threshold, DiffRisk::kHigh);
    }
    // Where clients ask for receipts: no decision depends on it (receipts are judged by keys).
    if (a.urls != b.urls) {
      add(name, "urls", "[witness]: urls [" + util::join(a.urls, ", ") + "] -> [" + util::join(b.urls, ", ") + "]",
          DiffDirection::kNeutral, DiffRisk::kLow);
    }
  }

  // [forge]: the forge's keys and the approvals a forge merge needs. Added or removed it changes
  // nothing by itself (the loader refuses forge_commits without it); its keys are signers of the
  // rules that let forge commits in, so an added key is looser.
  void forge() {
    const std::string name = "[forge]";
    if (!m_old.forge || !m_new.forge) {
      if (m_old.forge || m_new.forge) {
        add(name, "forge", std::string(m_new.forge ? "adds" : "removes") + " [forge]", DiffDirection::kNeutral,
            DiffRisk::kLow);
      }
      return;
    }
    signer_set(name, name, m_old.forge->signers, m_new.forge->signers, true);
    const int a = m_old.forge->require_approvals;
    const int b = m_new.forge->require_approvals;
    if (a != b) {
      add_directed(name, "require_approvals",
                   "[forge]: require_approvals " + std::to_string(a) + " -> " + std::to_string(b), b < a,
                   DiffRisk::kHigh);
    }
  }

  // `high`: a release rule or [governance], where an added signer is high risk.
  void signer_set(const std::string& rule, const std::string& label, const SignerSet& a, const SignerSet& b,
                  bool high) {
    const DiffRisk looser_risk = high ? DiffRisk::kHigh : DiffRisk::kMedium;
    const std::string prefix = label + ": ";

    const auto old_keys = keys_by_fingerprint(a);
    const auto new_keys = keys_by_fingerprint(b);
    for (const auto& [fingerprint, entry] : new_keys) {
      const auto it = old_keys.find(fingerprint);
      if (it == old_keys.end()) {
        add_directed(rule, "signers", prefix + "adds signer " + entry.shown, true, looser_risk);
        continue;
      }
      if (it->second.restrictions == entry.restrictions) continue;
      // Looser when some new entry admits a signature no old entry admitted.
      const bool looser = std::any_of(entry.restrictions.begin(), entry.restrictions.end(), [&](const Restriction& n) {
        return std::none_of(it->second.restrictions.begin(), it->second.restrictions.end(),
                            [&](const Restriction& o) { return o.admits_all_of(n); });
      });
      add_directed(rule, "signers",
                   prefix + "signer " + entry.shown + " " + restrictions_text(it->second.restrictions) + " -> " +
                       restrictions_text(entry.restrictions),
                   looser, looser_risk);
    }
    for (const auto& [fingerprint, entry] : old_keys) {
      if (new_keys.count(fingerprint) == 0)
        add_directed(rule, "signers", prefix + "removes signer " + entry.shown, false, DiffRisk::kLow);
    }

    const Names old_ids = sorted_unique(a.identities);
    const Names new_ids = sorted_unique(b.identities);
    for (const std::string& id : new_ids) {
      if (!std::binary_search(old_ids.begin(), old_ids.end(), id))
        add_directed(rule, "signers", prefix + "adds signer " + id, true, looser_risk);
    }
    for (const std::string& id : old_ids) {
      if (!std::binary_search(new_ids.begin(), new_ids.end(), id))
        add_directed(rule, "signers", prefix + "removes signer " + id, false, DiffRisk::kLow);
    }

    if (a.allowed_signers_path != b.allowed_signers_path) {
      add(rule, "allowed_signers",
          prefix + "allowed_signers " + (a.allowed_signers_path.empty() ? "(none)" : a.allowed_signers_path) + " -> " +
              (b.allowed_signers_path.empty() ? "(none)" : b.allowed_signers_path) + " (its keys are compared above)",
          DiffDirection::kNeutral, DiffRisk::kLow);
    }

    if (a.require != b.require) {
      add_directed(rule, "require",
                   prefix + "require " + std::to_string(a.require) + " -> " + std::to_string(b.require),
                   b.require < a.require, DiffRisk::kHigh);
    }

    member_selection(rule, prefix, "roles", a, b, a.roles, b.roles, looser_risk);
    member_selection(rule, prefix, "teams", a, b, a.teams, b.teams, looser_risk);
    capabilities(rule, prefix, a, b, looser_risk);

    if (a.signer_types != b.signer_types) {
      add_directed(
          rule, "signer_types",
          prefix + "signer_types " + listed(a.signer_types, "(any)") + " -> " + listed(b.signer_types, "(any)"),
          !selection_within(a.signer_types, b.signer_types), looser_risk);
    }
  }

  // `roles` or `teams`: a member needs one of the roles and one of the teams; an empty list
  // admits any value when the other one selects, and nobody when neither does.
  void member_selection(const std::string& rule, const std::string& prefix, const std::string& field,
                        const SignerSet& a, const SignerSet& b, const Names& before, const Names& after,
                        DiffRisk looser_risk) {
    if (before == after) return;
    const auto shown = [](const SignerSet& set, const Names& list) {
      return listed(list, set.selects_members() ? "(any)" : "(none)");
    };
    bool looser = false;
    if (!a.selects_members()) {
      looser = true;  // members now sign
    } else if (b.selects_members()) {
      looser = !selection_within(before, after);
    }
    add_directed(rule, field, prefix + field + " " + shown(a, before) + " -> " + shown(b, after), looser, looser_risk);
  }

  // `capabilities`: required of members (the kind's default when not written) and, when
  // written, of listed did:keri identities too. A default that comes and goes with the members
  // it applies to is not a change of its own (the roles or teams change says it).
  void capabilities(const std::string& rule, const std::string& prefix, const SignerSet& a, const SignerSet& b,
                    DiffRisk looser_risk) {
    if (!a.capabilities_explicit && !b.capabilities_explicit) return;
    if (a.capabilities == b.capabilities && a.capabilities_explicit == b.capabilities_explicit) return;
    const auto of_identities = [](const SignerSet& set) {
      return set.capabilities_explicit ? set.capabilities : Names{};
    };
    bool looser = a.selects_members() && b.selects_members() && !includes_all(b.capabilities, a.capabilities);
    if (!b.identities.empty()) looser = looser || !includes_all(of_identities(b), of_identities(a));
    const auto shown = [](const SignerSet& set) {
      if (set.capabilities_explicit) return listed(set.capabilities, "(none)");
      return set.capabilities.empty() ? std::string("(not set)") : util::join(set.capabilities, ", ") + " (default)";
    };
    const std::string text = prefix + "capabilities " + shown(a) + " -> " + shown(b);
    if (b.selects_members() || !b.identities.empty()) {
      add_directed(rule, "capabilities", text, looser, looser_risk);
    } else {
      add(rule, "capabilities", text + " (no identity signer to apply to)", DiffDirection::kNeutral, DiffRisk::kLow);
    }
  }

  void rule_fields(const Rule& a, const Rule& b) {
    const std::string& name = b.name;
    const std::string prefix = rule_label(b) + ": ";
    const bool high = b.kind == RuleKind::kRelease || a.kind == RuleKind::kRelease;
    if (a.name != b.name && !(has_generated_name(a) && has_generated_name(b))) {
      add(name, "name", rule_label(a) + ": renamed to '" + b.name + "'", DiffDirection::kNeutral, DiffRisk::kLow);
    }
    if (a.kind != b.kind) {
      add(name, "kind", prefix + std::string("kind ") + to_string(a.kind) + " -> " + to_string(b.kind),
          DiffDirection::kNeutral, DiffRisk::kMedium);
    }
    const Names old_refs = sorted_unique(a.refs);
    const Names new_refs = sorted_unique(b.refs);
    if (old_refs != new_refs) {
      // Where the refs go (or come from) is in the "match" changes.
      const bool widened = std::any_of(new_refs.begin(), new_refs.end(),
                                       [&](const std::string& p) { return !covered_by_any(old_refs, p); });
      add(name, "refs",
          prefix + "refs " + util::join(a.refs, ", ") + " -> " + util::join(b.refs, ", ") +
              (widened ? " (widened)" : ""),
          DiffDirection::kNeutral, widened ? DiffRisk::kMedium : DiffRisk::kLow);
    }
    const DiffRisk push_risk = high || governs_default_branch(b) ? DiffRisk::kHigh : DiffRisk::kMedium;
    if (a.open != b.open) {
      // An open rule has no signers: opening one admits every key, closing one is stricter
      // whoever its signers are.
      add_directed(name, "open", prefix + "open " + open_text(a.open) + " -> " + open_text(b.open),
                   openness(b.open) > openness(a.open), push_risk);
    }
    if (!a.open && !b.open) signer_set(name, rule_label(b), a.signers, b.signers, high);
    rule_conditions(a, b, high ? DiffRisk::kHigh : DiffRisk::kMedium);

    if (a.allow_force_push != b.allow_force_push) {
      add_directed(name, "allow_force_push",
                   prefix + "allow_force_push " + (a.allow_force_push ? "true" : "false") + " -> " +
                       (b.allow_force_push ? "true" : "false"),
                   b.allow_force_push, push_risk);
    }
    if (a.allow_delete != b.allow_delete) {
      add_directed(
          name, "allow_delete",
          prefix + "allow_delete " + (a.allow_delete ? "true" : "false") + " -> " + (b.allow_delete ? "true" : "false"),
          b.allow_delete, push_risk);
    }
    // An open rule's contributions follow `open` unless written: that is the open change.
    const auto follows_open = [](const Rule& rule) { return !rule.open || rule.contributions == *rule.open; };
    const bool implied_by_open = a.open != b.open && follows_open(a) && follows_open(b);
    if (a.contributions != b.contributions && !implied_by_open) {
      add_directed(name, "contributions",
                   prefix + "contributions " + to_string(a.contributions) + " -> " + to_string(b.contributions),
                   static_cast<int>(b.contributions) > static_cast<int>(a.contributions), DiffRisk::kMedium);
    }
    if (a.forge_commits != b.forge_commits) {
      const bool widened = !includes_all(a.forge_commits, b.forge_commits);
      add_directed(
          name, "forge_commits",
          prefix + "forge_commits " + listed(a.forge_commits, "(none)") + " -> " + listed(b.forge_commits, "(none)"),
          widened, governs_default_branch(b) ? DiffRisk::kHigh : DiffRisk::kMedium);
    }
    const Names old_from = sorted_unique(a.from.value_or(Names{m_default_branch}));
    const Names new_from = sorted_unique(b.from.value_or(Names{m_default_branch}));
    if (old_from != new_from) {
      const auto shown = [](const Rule& rule) {
        return rule.from ? "[" + util::join(*rule.from, ", ") + "]" : std::string("(default branch)");
      };
      const bool widened = std::any_of(new_from.begin(), new_from.end(),
                                       [&](const std::string& p) { return !covered_by_any(old_from, p); });
      add_directed(name, "from", prefix + "from " + shown(a) + " -> " + shown(b), widened, DiffRisk::kMedium);
    }
  }

  // What a rule asks of a signature beyond its signer set: paths, max_ttl, allow_ephemeral,
  // require_log, expression. Each is looser when removed or widened.
  void rule_conditions(const Rule& a, const Rule& b, DiffRisk looser_risk) {
    const std::string& name = b.name;
    const std::string prefix = rule_label(b) + ": ";
    const Names old_paths = sorted_unique(a.paths);
    const Names new_paths = sorted_unique(b.paths);
    if (old_paths != new_paths) {
      // Empty = anything; otherwise every path must match one of the patterns.
      const bool within =
          old_paths.empty() ||
          (!new_paths.empty() && std::all_of(new_paths.begin(), new_paths.end(),
                                             [&](const std::string& p) { return covered_by_any(old_paths, p); }));
      add_directed(name, "paths", prefix + "paths " + listed(a.paths, "(any)") + " -> " + listed(b.paths, "(any)"),
                   !within, looser_risk);
    }
    if (a.max_ttl != b.max_ttl) {
      const auto shown = [](const std::optional<int64_t>& ttl) {
        return ttl ? duration_text(*ttl) : std::string("(unbounded)");
      };
      add_directed(name, "max_ttl", prefix + "max_ttl " + shown(a.max_ttl) + " -> " + shown(b.max_ttl),
                   !b.max_ttl || (a.max_ttl && *b.max_ttl > *a.max_ttl), looser_risk);
    }
    if (a.allow_ephemeral != b.allow_ephemeral) {
      add_directed(name, "allow_ephemeral",
                   prefix + "allow_ephemeral " + (a.allow_ephemeral ? "true" : "false") + " -> " +
                       (b.allow_ephemeral ? "true" : "false"),
                   b.allow_ephemeral, looser_risk);
    }
    if (a.require_log != b.require_log) {
      const auto shown = [](LogRequirement log) { return log == LogRequirement::kWitness ? "\"witness\"" : "(none)"; };
      add_directed(name, "require_log", prefix + "require_log " + shown(a.require_log) + " -> " + shown(b.require_log),
                   b.require_log == LogRequirement::kNone, looser_risk);
    }
    expression(a, b, looser_risk);
  }

  // `expression`: compared as the loader compiled it (a reformatted file is no change), by its leaf
  // predicates as Auths' `policy diff` does: a removed NotRevoked, NotExpired or MaxChainDepth
  // is looser and high risk; any other edit is neutral and medium, for a reviewer to read (its
  // effect depends on the And/Or/Not around it).
  void expression(const Rule& a, const Rule& b, DiffRisk looser_risk) {
    const std::string& name = b.name;
    const std::string prefix = rule_label(b) + ": ";
    const auto shown = [](const Rule& rule) {
      return rule.expression_path.empty() ? std::string("(none)") : rule.expression_path;
    };
    if (a.expression_path.empty() != b.expression_path.empty()) {
      add_directed(name, "expression", prefix + "expression " + shown(a) + " -> " + shown(b), b.expression_path.empty(),
                   looser_risk);
      return;
    }
    if (a.expression_path != b.expression_path) {
      add(name, "expression", prefix + "expression " + shown(a) + " -> " + shown(b), DiffDirection::kNeutral,
          DiffRisk::kLow);
    }
    if (a.expression_text == b.expression_text) return;
    // The loader compiled both (Rule::expression).
    const Expression* before = a.expression.get();
    const Expression* after = b.expression.get();
    if (before != nullptr && after != nullptr && before->canonical() == after->canonical()) return;
    std::string text = prefix + "expression " + shown(b) + ": content changed";
    bool weakened = false;
    if (before != nullptr && after != nullptr) {
      const Names& old_predicates = before->predicates();
      const Names& new_predicates = after->predicates();
      Names removed;
      Names added;
      std::set_difference(old_predicates.begin(), old_predicates.end(), new_predicates.begin(), new_predicates.end(),
                          std::back_inserter(removed));
      std::set_difference(new_predicates.begin(), new_predicates.end(), old_predicates.begin(), old_predicates.end(),
                          std::back_inserter(added));
      for (const std::string& predicate : removed) {
        weakened = weakened || predicate == "NotRevoked" || predicate == "NotExpired" ||
                   util::starts_with(predicate, "MaxChainDepth(");
      }
      if (!removed.empty()) text += ", removes " + util::join(removed, ", ");
      if (!added.empty()) text += ", adds " + util::join(added, ", ");
    }
    if (weakened) {
      add_directed(name, "expression", text, true, DiffRisk::kHigh);
    } else {
      add(name, "expression", text, DiffDirection::kNeutral, DiffRisk::kMedium);
    }
  }

  // Pairs rules by name, then the rules left over (unnamed or renamed) by kind and refs.
  void pair_rules() {
    m_new_of_old.assign(m_old.rules.size(), std::nullopt);
    m_old_of_new.assign(m_new.rules.size(), std::nullopt);
    const auto link = [this](size_t i, size_t j) {
      m_new_of_old[i] = j;
      m_old_of_new[j] = i;
    };
    for (size_t j = 0; j < m_new.rules.size(); ++j) {
      if (has_generated_name(m_new.rules[j])) continue;
      for (size_t i = 0; i < m_old.rules.size(); ++i) {
        if (!m_new_of_old[i] && m_old.rules[i].name == m_new.rules[j].name) {
          link(i, j);
          break;
        }
      }
    }
    for (size_t j = 0; j < m_new.rules.size(); ++j) {
      if (m_old_of_new[j]) continue;
      const Rule& rule = m_new.rules[j];
      for (size_t i = 0; i < m_old.rules.size(); ++i) {
        const Rule& candidate = m_old.rules[i];
        if (!m_new_of_old[i] && candidate.kind == rule.kind &&
            sorted_unique(candidate.refs) == sorted_unique(rule.refs)) {
          link(i, j);
          break;
        }
      }
    }
  }

  std::optional<size_t> old_of(size_t j) const { return m_old_of_new[j]; }

  // The index of the first rule with a pattern covering `pattern`: the rule Policy::match
  // returns for the refs it names, as far as patterns show; nullopt = `default`.
  static std::optional<size_t> governing(const Policy& policy, const std::string& pattern) {
    for (size_t i = 0; i < policy.rules.size(); ++i) {
      if (covered_by_any(policy.rules[i].refs, pattern)) return i;
    }
    return std::nullopt;
  }

  // Is `b` at least as strict as `a`: every push `b` accepts, `a` accepted? Signers, require
  // and contributions as the server's records compare them (Strictness), then force-push,
  // delete, and the branches `from` trusts.
  bool at_least_as_strict(const Rule& b, const Rule& a) const {
    const Names from_a = a.from.value_or(Names{m_default_branch});
    const Names from_b = b.from.value_or(Names{m_default_branch});
    return Strictness::of(b).at_least_as_strict_as(Strictness::of(a)) && (a.allow_force_push || !b.allow_force_push) &&
           (a.allow_delete || !b.allow_delete) &&
           std::all_of(from_b.begin(), from_b.end(), [&](const std::string& p) { return covered_by_any(from_a, p); });
  }

  void matching() {
    Names probes;
    for (const Policy* policy : {&m_new, &m_old}) {
      for (const Rule& rule : policy->rules) {
        for (const std::string& pattern : rule.refs) {
          if (std::find(probes.begin(), probes.end(), pattern) == probes.end()) probes.push_back(pattern);
        }
      }
    }
    for (const std::string& pattern : probes) {
      const std::optional<size_t> before = governing(m_old, pattern);
      const std::optional<size_t> after = governing(m_new, pattern);
      if (!before && !after) continue;  // `default` both times: a change of it is reported once
      if (before && after && m_new_of_old[*before] == after) continue;
      const Rule* a = before ? &m_old.rules[*before] : nullptr;
      const Rule* b = after ? &m_new.rules[*after] : nullptr;
      const auto shown = [](const Rule* rule, bool allow) {
        return rule != nullptr ? rule_label(*rule) : std::string("default ") + (allow ? "allow" : "deny");
      };
      const std::string text =
          pattern + ": governed by " + shown(a, m_old.default_allow) + " -> " + shown(b, m_new.default_allow);
      DiffDirection direction = DiffDirection::kNeutral;
      if (a == nullptr) {
        direction = m_old.default_allow ? DiffDirection::kStricter : DiffDirection::kLooser;
      } else if (b == nullptr) {
        direction = m_new.default_allow ? DiffDirection::kLooser : DiffDirection::kStricter;
      } else if (!at_least_as_strict(*b, *a)) {
        direction = DiffDirection::kLooser;
      } else if (!at_least_as_strict(*a, *b)) {
        direction = DiffDirection::kStricter;
      } else if (a->kind == b->kind) {
        continue;  // an equally strict rule: nothing changes for these refs
      }
      DiffRisk risk = DiffRisk::kLow;
      if (direction == DiffDirection::kLooser) {
        const bool high = (b == nullptr) || (a != nullptr && a->kind == RuleKind::kRelease) ||
                          b->kind == RuleKind::kRelease || glob_match(pattern, m_default_branch);
        risk = high ? DiffRisk::kHigh : DiffRisk::kMedium;
      }
      add(b != nullptr ? b->name : "policy", "match", text, direction, risk);
    }
  }

  const Policy& m_old;
  const Policy& m_new;
  std::string m_default_branch;
  std::vector<std::optional<size_t>> m_new_of_old;
  std::vector<std::optional<size_t>> m_old_of_new;
  std::vector<PolicyChange> m_out;
};

}  // namespace

std::vector<PolicyChange> diff(const Policy& old, const Policy& updated, const std::string& default_branch) {
  return Differ(old, updated, default_branch).run();
}

}  // namespace auths::policy
