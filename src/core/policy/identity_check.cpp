#include "policy/identity_check.h"

#include <algorithm>

#include "util/strings.h"

namespace auths::policy {

namespace {

bool in_list(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void keep_only(std::optional<std::set<std::string>>& capabilities, const std::vector<std::string>& granted) {
  std::set<std::string> out;
  for (const auto& c : granted) {
    if (!capabilities || capabilities->count(c) != 0) out.insert(c);
  }
  capabilities = std::move(out);
}

}  // namespace

std::string IdentityFacts::describe_chain() const {
  std::string out = identity + " (" + type + ")";
  for (const auto& delegator : delegators) out += " <- delegated by " + delegator;
  return out;
}

IdentityVerdict judge_identity(const SignerSet& set, const IdentityFacts& who) {
  using Membership = IdentityFacts::Membership;
  std::vector<std::string> chain{who.identity};
  chain.insert(chain.end(), who.delegators.begin(), who.delegators.end());
  if (who.root != chain.back()) chain.push_back(who.root);
  const auto named =
      std::find_if(chain.begin(), chain.end(), [&set](const std::string& did) { return in_list(set.identities, did); });
  const bool is_named = named != chain.end();

  const bool relevant = is_named || (set.selects_members() && who.membership != Membership::kNone);
  if (!relevant) {
    if (set.selects_members() && !who.root.empty() && who.fault == Reason::kOk) {
      return {
          Reason::kNotAMember, "",
          who.root + " is not a member of " + set.org + (who.project.empty() ? std::string() : " for " + who.project)};
    }
    return {};
  }
  if (who.fault != Reason::kOk) return {who.fault, "", who.detail};

  const bool agent = !who.delegators.empty();
  if (!is_named) {
    const std::string whom = agent ? who.root + " (the delegator of " + who.identity + ")" : who.root;
    const std::string when = who.membership_ended.empty() ? std::string() : " at " + who.membership_ended;
    if (who.membership == Membership::kRevoked) {
      return {agent ? Reason::kDelegatorRevoked : Reason::kMemberRevoked, "",
              "the membership of " + whom + " in " + set.org + " was revoked" + when};
    }
    if (who.membership == Membership::kExpired) {
      return {agent ? Reason::kDelegatorRevoked : Reason::kMemberExpired, "",
              "the membership of " + whom + " in " + set.org + " expired" + when};
    }
    if (!set.any_member && !set.roles.empty() && !in_list(set.roles, who.role)) {
      return {Reason::kRoleNotAllowed, "",
              whom + " is " + who.role + " here; the rule allows " + util::join(set.roles, ", ")};
    }
    if (!set.any_member && !set.teams.empty() &&
        std::none_of(set.teams.begin(), set.teams.end(),
                     [&who](const std::string& t) { return in_list(who.teams, t); })) {
      return {Reason::kTeamNotAllowed, "", whom + " is in none of the teams " + util::join(set.teams, ", ")};
    }
  }

  // Capabilities: the chain's grants, and the membership's when the top identity is a member.
  std::optional<std::set<std::string>> held = who.capabilities;
  std::optional<std::set<std::string>> held_above;  // what the delegator holds: membership only
  if (who.membership == Membership::kActive && who.member_capabilities) {
    keep_only(held, *who.member_capabilities);
    keep_only(held_above, *who.member_capabilities);
  }
  const bool required = set.capabilities_explicit || !is_named;
  for (const auto& capability : required ? set.capabilities : std::vector<std::string>{}) {
    if (held && held->count(capability) == 0) {
      if (agent && (!held_above || held_above->count(capability) != 0)) {
        return {Reason::kAgentScopeExceeded, "",
                "agent " + who.identity + " was not granted '" + capability + "' (" + who.describe_chain() + ")"};
      }
      return {Reason::kMissingCapability, "",
              (agent ? who.root + ", the delegator of " + who.identity : who.root) + " does not hold '" + capability +
                  "'" + (who.device ? " (through this device's link and membership)" : "")};
    }
  }
  if (!set.signer_types.empty() && !in_list(set.signer_types, who.type)) {
    return {
        Reason::kSignerTypeNotAllowed, "",
        who.describe_chain() + " is a " + who.type + " signer; the rule allows " + util::join(set.signer_types, ", ")};
  }
  std::string detail = who.detail.empty() ? "signed by " + who.describe_chain() : who.detail;
  if (who.device && who.detail.empty()) detail = "signed by a device of " + who.describe_chain();
  if (!is_named) detail += ", " + who.role + " of " + set.org;
  return {Reason::kOk, is_named ? *named : who.root, detail};
}

}  // namespace auths::policy
