#include "engine/vouchers.h"

#include <algorithm>

#include "git/trees.h"

namespace auths::engine {

namespace {

bool matches_any(const std::vector<std::string>& patterns, std::string_view name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [name](const std::string& p) { return policy::glob_match(p, name); });
}

}  // namespace

Result<std::optional<Oid>> Peeled::commit_of(const Oid& oid) {
  const auto cached = m_cache.find(oid);
  if (cached != m_cache.end()) return cached->second;
  std::optional<Oid> out;
  if (m_repo.contains(oid)) {
    auto peeled = git::peel(m_repo, oid);
    if (!peeled) {
      if (peeled.error().code != ErrorCode::kCorrupt && peeled.error().code != ErrorCode::kNotFound) {
        return peeled.error();
      }
    } else if (peeled->first == git::ObjectType::kCommit) {
      out = peeled->second;
    }
  }
  m_cache.emplace(oid, out);
  return out;
}

void Vouchers::accepted_in_push(const std::string& ref, const Oid& commit, const std::string& strictness) {
  m_in_push.push_back({ref, commit, policy::Strictness::decode(strictness)});
}

Status Vouchers::load_records() {
  if (m_loaded) return {};
  auto baseline = m_records.baseline();
  if (!baseline) return baseline.error();
  m_baseline = std::move(*baseline);
  auto tips = m_records.accepted_tips();
  if (!tips) return tips.error();
  for (const auto& record : *tips) {
    // A record this version cannot read vouches for nothing.
    if (auto strictness = policy::Strictness::decode(record.strictness)) {
      m_recorded.emplace_back(record.tip, *strictness);
    }
  }
  m_loaded = true;
  return {};
}

Result<std::vector<Oid>> Vouchers::tips(const Oid& old_oid, const policy::Rule* rule, const policy::Policy& policy) {
  std::vector<Oid> out;
  const auto add = [this, &out](const Oid& oid) -> Status {
    auto commit = m_peeled.commit_of(oid);
    if (!commit) return commit.error();
    if (commit->has_value()) out.push_back(**commit);
    return {};
  };
  if (!old_oid.is_zero()) {
    if (Status s = add(old_oid); !s) return s.error();  // the ref's own history
  }
  if (rule == nullptr) {
    for (const auto& [name, oid] : m_refs.direct()) {
      if (Status s = add(oid); !s) return s.error();
    }
    for (const auto& a : m_in_push) out.push_back(a.commit);
  } else {
    // `from`: branches governed by a rule (an open branch vouches for nothing).
    const std::vector<std::string> from = rule->from.value_or(std::vector<std::string>{m_refs.default_branch()});
    const policy::Strictness wanted = policy::Strictness::of(*rule);
    const auto trusted_branch = [&](std::string_view name) {
      return classify_ref(name) == RefClass::kBranch && matches_any(from, name) && policy.match(name) != nullptr;
    };
    for (const auto& [name, oid] : m_refs.direct()) {
      if (trusted_branch(name)) {
        if (Status s = add(oid); !s) return s.error();
      }
    }
    for (const auto& a : m_in_push) {
      if (trusted_branch(a.ref) || (a.strictness && a.strictness->at_least_as_strict_as(wanted))) {
        out.push_back(a.commit);
      }
    }
    if (m_use_records) {
      if (Status s = load_records(); !s) return s.error();
      // A recorded tip the repository lost peels to nothing (Peeled), and vouches for nothing.
      for (const Oid& tip : m_baseline) {
        if (Status s = add(tip); !s) return s.error();
      }
      for (const auto& [tip, strictness] : m_recorded) {
        if (strictness.at_least_as_strict_as(wanted)) {
          if (Status s = add(tip); !s) return s.error();
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace auths::engine
