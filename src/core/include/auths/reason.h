// Reason codes: why a push, an object or a record is refused. One typed list for the whole
// tree: violations, signer matches, registry problems and the KEL/attestation faults all
// carry a Reason, and code compares Reasons, never strings. Each code has its stable name
// (what users, scripts and the audit log see), the one line the README's "Reason codes" table
// shows for it, and at most one hint. A unit test holds the README table against this list.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace auths {

enum class Reason : uint8_t {
  kOk,  // not a refusal: what an accepted object reports
  // Signatures and signers.
  kUnsigned,
  kUnknownSigner,
  kBadSignature,
  kNamespaceMismatch,
  kUnsupportedSignature,
  kSignerNotYetValid,
  kSignerExpired,
  kDeviceRevoked,
  kDeviceExpired,
  kDeviceNotValid,
  kBundleStale,
  kBundleInvalid,
  kThresholdNotMet,
  kQuorumNotMet,
  kApprovalRejected,
  // Organizations, capabilities and agents.
  kNotAMember,
  kMemberRevoked,
  kMemberExpired,
  kMissingCapability,
  kRoleNotAllowed,
  kTeamNotAllowed,
  kSignerTypeNotAllowed,
  kAgentScopeExceeded,
  kDelegationTooDeep,
  kDelegatorRevoked,
  kFrozen,
  // Rule conditions beyond the signer set.
  kPathNotAllowed,
  kTtlExceeded,
  kEphemeralNotAllowed,
  kWitnessQuorumNotMet,
  kWitnessReceiptMismatch,
  kExpressionDenied,
  kForgeCommitNotAllowed,
  // Objects and refs.
  kMalformedObject,
  kNotACommit,
  kTagNameMismatch,
  kForcePushDenied,
  kDeleteDenied,
  // The policy.
  kPolicyChangeUnauthorized,
  kPolicyInvalid,
  kPolicyUnsatisfiable,
  kNoPolicy,
  kNoRule,
  kDefaultBranchMissing,
  kTrustRootMismatch,
  kPushTooLarge,
  // The identity registry.
  kRegistryNotFastForward,
  kRegistryMerge,
  kRegistryEdit,
  kRegistryInvalidRecord,
  kRegistryTooLarge,
  kRegistryMixedLayout,
  kRegistryCacheMismatch,
  // Key event logs (why a KEL event is refused).
  kKelMalformed,
  kKelUnsupported,
  kKelNotInception,
  kKelPrefixMismatch,
  kKelBadVersion,
  kKelSaidMismatch,
  kKelDuplicateSequence,
  kKelSequenceGap,
  kKelBrokenChain,
  kKelBadSignature,
  kKelThresholdNotMet,
  kKelBadPreRotation,
  kKelAbandoned,
  kKelEstablishmentOnly,
  kKelDelegationNotAnchored,
  // Attestations (why a device link or revocation is refused).
  kAttestationMalformed,
  kAttestationIssuerMismatch,
  kAttestationSubjectKeyMismatch,
  kAttestationBadIdentitySignature,
  kAttestationBadDeviceSignature,
  kAttestationNotAnchored,
  kAttestationExpired,
  kAttestationRevoked,
  kAttestationFromTheFuture,
  // The hook itself could not decide.
  kInternalError,
  kAuditFailed,
  kTimeBudgetExceeded,
};

struct ReasonInfo {
  Reason code;
  std::string_view name;     // stable: "unknown-signer"
  std::string_view meaning;  // the README row
  std::string_view hint;     // one line a refused pusher can act on; may be empty
  bool fail_closed;          // the hook could not decide (exit 2) rather than refused (exit 1)
};

/// Every reason, in declaration order.
std::span<const ReasonInfo> all_reasons();
const ReasonInfo& describe(Reason code);
std::string_view name(Reason code);
std::string_view hint(Reason code);
/// The Reason with this stable name, if any.
std::optional<Reason> reason_from_name(std::string_view name);

}  // namespace auths
