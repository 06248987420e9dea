// The two forms of attestations (attestation.h): the field readers they share, defined in
// attestation.cpp with our form, and the Auths form, in attestation_auths.cpp. Internal to
// src/core/keri.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "keri/attestation.h"

namespace auths::keri::form {

// Shared readers (attestation.cpp). Their errors name the field: "field 'note': ...".

/// kInvalidArgument "field '<field>': <message>".
Error invalid_field(std::string_view message, std::string_view field);
/// A did:keri or did:key identifier.
bool valid_did(std::string_view did);
/// null: nullopt; else an RFC 3339 UTC time (parse_timestamp).
Result<std::optional<Timestamp>> read_timestamp(const nlohmann::json& value, std::string_view field);
/// "" (empty) or 128 lowercase hex digits (64 bytes).
Result<util::Bytes> read_signature(const nlohmann::json& value, std::string_view field);
/// A list of unique capability names (is_capability_name), appended to `out`.
Status read_capabilities(const nlohmann::json& value, std::vector<std::string>& out);
/// "admin", "member" or "readonly".
bool is_role(std::string_view role);
/// "Human", "Agent", "Workload".
std::optional<SignerType> signer_type_named(std::string_view name);

// The Auths form (attestation_auths.cpp).

/// A field of Auths' Attestation (attestation.h).
bool is_auths_field(std::string_view name);
/// Reads a record whose field set is not ours; `not_ours` says why (for the errors: a record
/// meant to be ours with a field missing, or one too many, is told so).
Result<Attestation> parse_auths(const nlohmann::json& record, std::string_view not_ours);
/// The record as Auths writes it.
Result<nlohmann::ordered_json> auths_to_json(const Attestation& attestation);
/// RFC 8785 JSON of the projection both signatures cover (of a revocation: the identity's).
Result<std::string> auths_signed_bytes(const Attestation& attestation);

}  // namespace auths::keri::form
