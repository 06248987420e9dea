// registry.h, KelDelegation: what a delegator's KEL says of a delegated identifier.
#include <charconv>

#include "keri/attestation.h"
#include "registry/registry.h"
#include "util/strings.h"

namespace auths::registry {

namespace {

constexpr std::string_view kAgentMarker = "agent:";
constexpr std::string_view kScopeSeal = "agentscope:";
constexpr std::string_view kRoleMarker = "role:";

/// Fills the scope fields of `out` from the text after "agentscope:<prefix>:", which is
/// "<expiry>:<capability>,<capability>..." (the list may be empty).
void read_scope(std::string_view rest, KelDelegation& out) {
  out.scoped = true;
  const size_t colon = rest.find(':');
  const std::string_view expiry = rest.substr(0, colon);
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), seconds);
  if (colon == std::string_view::npos || expiry.empty() || ec != std::errc() || end != expiry.data() + expiry.size() ||
      seconds < 0) {
    out.scope_error = "the scope seal '" +
                      util::printable(std::string(kScopeSeal) + out.delegate + ":" + std::string(rest), 120) +
                      "' is not <expiry>:<capabilities>";
    return;
  }
  if (seconds != 0) out.expires_at = seconds;
  const std::string_view list = rest.substr(colon + 1);
  if (list.empty()) return;
  bool first = true;
  for (const auto item : util::split(list, ',')) {
    const std::string name = util::to_lower(util::trim(item));
    if (first && util::starts_with(name, kRoleMarker)) {
      out.role = name.substr(kRoleMarker.size());
      if (out.role != "admin" && out.role != "member" && out.role != "readonly") {
        out.scope_error =
            "the scope seal of " + out.delegate + " names an unknown role '" + util::printable(out.role, 40) + "'";
        return;
      }
    } else if (keri::is_capability_name(name)) {
      out.capabilities.push_back(name);
    } else {
      out.scope_error = "the scope seal of " + out.delegate + " lists '" + util::printable(name, 70) +
                        "', which is not a capability name";
      return;
    }
    first = false;
  }
}

}  // namespace

KelDelegation read_kel_delegation(const keri::KeyState& delegate, const keri::KeyState& delegator) {
  KelDelegation out;
  out.delegate = delegate.prefix;
  out.delegator = delegator.prefix;
  out.revoked_at = delegator.revoked_delegate(delegate.prefix);
  for (const keri::AnchoredSeal* seal : delegator.digest_seals(std::string(kAgentMarker) + delegate.prefix)) {
    out.agent = out.agent || seal->seal.is_digest_seal();
  }
  // The latest scope seal: seals_by_digest is ordered by digest text, so the scope seals of
  // this delegate are one range; of them the one latest in the KEL counts.
  const std::string scope_prefix = std::string(kScopeSeal) + delegate.prefix + ":";
  std::optional<size_t> latest;
  for (auto it = delegator.seals_by_digest.lower_bound(scope_prefix);
       it != delegator.seals_by_digest.end() && util::starts_with(it->first, scope_prefix); ++it) {
    for (const size_t position : it->second) {
      if (!delegator.seals[position].seal.is_digest_seal()) continue;
      if (!latest || position > *latest) latest = position;
    }
  }
  if (latest) read_scope(std::string_view(*delegator.seals[*latest].seal.digest()).substr(scope_prefix.size()), out);
  return out;
}

std::optional<KelDelegation> State::kel_delegation(std::string_view prefix) const {
  if (m_on_demand) {
    const auto found = fetch<KelDelegation>(Lookup::kKelDelegation, prefix);
    if (found.empty()) return std::nullopt;
    return *found.front();
  }
  const keri::KeyState* delegate = identity(prefix);
  if (delegate == nullptr || !delegate->delegated()) return std::nullopt;
  const keri::KeyState* delegator = identity(delegate->delegator);
  if (delegator == nullptr) return std::nullopt;  // add_event never lets this happen
  return read_kel_delegation(*delegate, *delegator);
}

}  // namespace auths::registry
