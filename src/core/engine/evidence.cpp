#include "engine/evidence.h"

namespace auths::engine {

EvidenceSource Evidence::source() const {
  EvidenceSource out;
  if (bundle) out.state = &bundle->state;
  out.fault = fault;
  out.detail = detail;
  return out;
}

Evidence load_evidence(const std::optional<std::string>& bundle_text, int64_t now) {
  Evidence out;
  if (!bundle_text) return out;
  auto bundle = registry::read_bundle(*bundle_text);
  if (!bundle) {
    out.fault = Reason::kBundleInvalid;
    out.detail = std::string(policy::kBundlePath) + ": " + bundle.error().message;
    return out;
  }
  if (auto stale = registry::stale_detail(*bundle, now)) {
    out.fault = Reason::kBundleStale;
    out.detail = std::string(policy::kBundlePath) + ": " + *stale;
  }
  out.bundle = std::move(*bundle);
  return out;
}

}  // namespace auths::engine
