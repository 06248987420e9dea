#include <cstdio>

#include "auths/exit_codes.h"
#include "auths/result.h"
#include "auths/types.h"
#include "util/bytes.h"

namespace auths {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kPolicy: return "policy";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kGit: return "git";
    case ErrorCode::kCrypto: return "crypto";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

void assert_fail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "BUG: %s:%d: assertion '%s' failed\n", file, line, expr);
  std::abort();
}

Result<Oid> Oid::from_hex(std::string_view hex) {
  if (hex.size() == 64) {
    return Error::unsupported("SHA-256 object ids are not supported", std::string(hex));
  }
  if (hex.size() != 40) {
    return Error::invalid_argument("object id must be 40 hex digits", std::string(hex.substr(0, 80)));
  }
  auto bytes = util::hex_decode(hex);
  if (!bytes) {
    return Error::invalid_argument("object id is not hex", std::string(hex));
  }
  std::array<uint8_t, kSize> arr{};
  std::copy(bytes->begin(), bytes->end(), arr.begin());
  return Oid(arr);
}

bool Oid::is_zero() const {
  for (const auto b : m_bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string Oid::hex() const { return util::hex_encode(m_bytes.data(), m_bytes.size()); }

size_t OidHash::operator()(const Oid& oid) const {
  size_t h = 0;
  for (size_t i = 0; i < sizeof(size_t); ++i) h = h << 8 | oid.bytes()[i];
  return h;
}

const char* to_string(UpdateKind kind) {
  switch (kind) {
    case UpdateKind::kCreate: return "create";
    case UpdateKind::kFastForward: return "fast-forward";
    case UpdateKind::kForce: return "force";
    case UpdateKind::kDelete: return "delete";
    case UpdateKind::kNoop: return "noop";
  }
  return "noop";
}

const char* to_string(ObjectRole role) {
  switch (role) {
    case ObjectRole::kMainline: return "mainline";
    case ObjectRole::kContribution: return "contribution";
    case ObjectRole::kGovernance: return "governance";
    case ObjectRole::kTag: return "tag";
    case ObjectRole::kOpen: return "open";
  }
  return "mainline";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccept: return "accept";
    case Outcome::kReject: return "reject";
    case Outcome::kUndecided: return "undecided";
  }
  return "undecided";
}

const char* to_string(Enforcement enforcement) {
  switch (enforcement) {
    case Enforcement::kEnforce: return "enforce";
    case Enforcement::kWarn: return "warn";
    case Enforcement::kOff: return "off";
  }
  return "enforce";
}

int exit_code(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccept: return kExitAccepted;
    case Outcome::kReject: return kExitRejected;
    case Outcome::kUndecided: return kExitUndecided;
  }
  return kExitUndecided;
}

RefClass classify_ref(std::string_view ref_name) {
  if (ref_name.substr(0, 11) == "refs/heads/") return RefClass::kBranch;
  if (ref_name.substr(0, 10) == "refs/tags/") return RefClass::kTag;
  if (ref_name.substr(0, 11) == "refs/auths/") return RefClass::kRegistry;
  return RefClass::kOther;
}

const char* to_string(RefClass cls) {
  switch (cls) {
    case RefClass::kBranch: return "branch";
    case RefClass::kTag: return "tag";
    case RefClass::kRegistry: return "registry";
    case RefClass::kOther: return "other";
  }
  return "other";
}

}  // namespace auths
