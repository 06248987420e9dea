// The registry layout the Auths CLI writes (registry/auths_layout.h), built here from the
// documented format with our own KEL builders: P-256 roots, Ed25519 delegated devices, events
// pretty-printed, caches beside them. It loads into the same State as ours; lying caches,
// edited events, stale device records and mixed layouts are refused with their own codes.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "registry/auths_layout.h"
#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(registry_auths_layout)
namespace {

ac::PrivateKey key_of(ac::KeyType type) { return std::move(ac::PrivateKey::generate(type).value()); }

/// Pretty-printed as the Auths registry stores events (`v` still counts the compact form).
std::string pretty(const ak::KeyEvent& event) { return ak::to_json(event).dump(2) + "\n"; }

/// Applies `signed_event` to `id` (delegators from `lookup`) and appends its files, at the
/// paths of the Auths layout (an Identity of registry_fixture.h, its files in that layout).
void append(Identity& id, const ak::SignedEvent& signed_event, const ak::KeyStateLookup& lookup = {}) {
  const ak::KeyEvent& event = signed_event.event;
  std::optional<ak::KeyState> state;
  if (!ak::is_inception(event.type)) state = id.state;
  const auto applied = ak::apply_event(state, signed_event, nullptr, lookup);
  BOOST_REQUIRE_MESSAGE(applied.has_value(), (applied ? "" : applied.error().to_string()));
  id.state = *state;
  id.files.emplace_back(ar::auths_event_path(event.prefix, event.sequence), pretty(event));
  id.files.emplace_back(ar::auths_attachments_path(event.prefix, event.sequence), *ak::attachment_text(signed_event));
}

Identity auths_root(ac::KeyType type = ac::KeyType::kEcdsaP256) {
  Identity id{key_of(type), key_of(type), {}, {}};
  auto icp = ak::make_inception({qb64(id.key)}, 1, {ak::next_key_digest(qb64(id.next))}, 1);
  BOOST_REQUIRE(icp.has_value());
  append(id, ak::SignedEvent{*icp, {*ak::sign_event(*icp, id.key, 0)}});
  return id;
}

/// An interaction of `id` anchoring `seals`; returns its (sequence, SAID).
ak::cesr::SourceSeal interact(Identity& id, std::vector<ak::Seal> seals) {
  auto ixn = ak::make_interaction(id.state, std::move(seals));
  BOOST_REQUIRE(ixn.has_value());
  append(id, ak::SignedEvent{*ixn, {*ak::sign_event(*ixn, id.key, 0)}});
  return {ixn->sequence, ixn->said};
}

/// A device of `root` as Auths makes one: a delegated identifier (Ed25519 keys) whose dip the
/// root anchors with a KeyEvent seal, its attachment carrying the -G couple. `anchored` false
/// leaves the root's KEL without that seal.
Identity auths_device(Identity& root, bool anchored = true) {
  Identity device{key_of(ac::KeyType::kEd25519), key_of(ac::KeyType::kEd25519), {}, {}};
  auto dip = ak::make_delegated_inception({qb64(device.key)}, 1, {ak::next_key_digest(qb64(device.next))}, 1,
                                          root.state.prefix);
  BOOST_REQUIRE(dip.has_value());
  ak::cesr::SourceSeal source =
      anchored ? interact(root, {ak::Seal::of_event(*dip).value()}) : ak::cesr::SourceSeal{1, root.state.last_said};
  const ak::SignedEvent signed_dip{*dip, {*ak::sign_event(*dip, device.key, 0)}, {source}};
  if (!anchored) {
    device.state.prefix = dip->prefix;
    device.files.emplace_back(ar::auths_event_path(dip->prefix, 0), pretty(*dip));
    device.files.emplace_back(ar::auths_attachments_path(dip->prefix, 0), *ak::attachment_text(signed_dip));
    return device;
  }
  append(device, signed_dip, [&root](std::string_view p) { return p == root.state.prefix ? &root.state : nullptr; });
  return device;
}

std::string tip_json(const ak::KeyState& state) {
  nlohmann::ordered_json tip = {{"version", 1}, {"sequence", state.sequence}, {"said", state.last_said}};
  return tip.dump(2);
}

/// state.json as section 3.1 of the research notes names its members, validated against
/// `against` (the state's own last event unless given).
std::string state_json(const ak::KeyState& state, std::optional<std::string> against = std::nullopt) {
  nlohmann::ordered_json body = {{"prefix", state.prefix},
                                 {"current_keys", state.keys},
                                 {"next_commitment", state.next_digests},
                                 {"sequence", state.sequence},
                                 {"last_event_said", state.last_said},
                                 {"is_abandoned", state.abandoned()},
                                 {"threshold", "1"},
                                 {"next_threshold", "1"},
                                 {"backers", nlohmann::json::array()},
                                 {"backer_threshold", "0"},
                                 {"config_traits", nlohmann::json::array()},
                                 {"is_non_transferable", false},
                                 {"delegator", state.delegated() ? nlohmann::json(state.delegator) : nullptr},
                                 {"last_establishment_sequence", state.establishments.back().sequence}};
  nlohmann::ordered_json out = {
      {"version", 1}, {"state", body}, {"validated_against_said", against.value_or(state.last_said)}};
  return out.dump(2);
}

/// tip.json, state.json and metadata.json of `id` as they are now.
Files caches(const Identity& id) {
  const std::string dir = ar::auths_identity_dir(id.state.prefix);
  return {{dir + "tip.json", tip_json(id.state)},
          {dir + "state.json", state_json(id.state)},
          {dir + "metadata.json", R"({"version": 1, "alias": "main"})"}};
}

const std::pair<std::string, std::string> kRegistryMetadata = {
    "v1/metadata.json",
    R"({"version":1,"identity_count":2,"device_count":1,"member_count":0,"updated_at":"2026-07-01T00:00:00Z"})"};

std::pair<std::string, std::string> at_device_path(const ak::Attestation& att, std::string_view file) {
  return {ar::auths_device_dir(att.subject) + std::string(file), *ak::serialize_attestation(att)};
}

Reason code_of(const std::vector<ar::Problem>& problems) {
  return problems.empty() ? Reason::kOk : problems.front().code;
}

std::string message_of(const std::vector<ar::Problem>& problems) {
  return problems.empty() ? std::string() : problems.front().message;
}

Files joined(std::initializer_list<Files> parts) {
  Files out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

/// A root (P-256) with one delegated device (Ed25519), caches and the registry metadata.
struct AuthsTree {
  Identity root = auths_root();
  Identity device = auths_device(root);
  Files files() const { return joined({root.files, device.files, caches(root), caches(device), {kRegistryMetadata}}); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(paths_of_the_layout) {
  const std::string prefix = "EKYLUMmNPZeEs77Zvclf3bSN5IN-xRvKyjDXC33WNBEU";
  BOOST_TEST(ar::auths_event_path(prefix, 12) == "v1/identities/EK/YL/" + prefix + "/events/00000012.json");
  BOOST_TEST(ar::auths_attachments_path(prefix, 0) ==
             "v1/identities/EK/YL/" + prefix + "/events/00000000.attachments.cesr");
  const auto event = ar::classify_auths_path("v1/identities/EK/YL/" + prefix + "/events/00000012.json");
  BOOST_TEST((event.kind == ar::AuthsRecord::kEvent));
  BOOST_TEST(event.prefix == prefix);
  BOOST_TEST(event.sequence == 12u);
  // Shards that are not the prefix's own characters, a hex or short file name: no path.
  BOOST_TEST((ar::classify_auths_path("v1/identities/EK/YM/" + prefix + "/events/00000012.json").kind ==
              ar::AuthsRecord::kInvalid));
  BOOST_TEST((ar::classify_auths_path("v1/identities/EK/YL/" + prefix + "/events/0000000c.json").kind ==
              ar::AuthsRecord::kInvalid));
  BOOST_TEST(
      (ar::classify_auths_path("v1/identities/EK/YL/" + prefix + "/events/12.json").kind == ar::AuthsRecord::kInvalid));
  BOOST_TEST((ar::classify_auths_path("v1/identities/EK/YL/" + prefix + "/tip.json").kind == ar::AuthsRecord::kTip));
  // Devices: did:key shards skip "did_key_"; a did:keri device is sharded "di/d_".
  const std::string did_key = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
  BOOST_TEST(ar::auths_device_dir(did_key) ==
             "v1/devices/z6/Mk/did_key_z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK/");
  const auto device = ar::classify_auths_path(
      "v1/devices/z6/Mk/did_key_z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK/history/"
      "20260619T141834.160_a1b2c3d4.json");
  BOOST_TEST((device.kind == ar::AuthsRecord::kDeviceHistory));
  BOOST_TEST(device.did == did_key);
  BOOST_TEST(ar::auths_device_dir("did:keri:" + prefix) == "v1/devices/di/d_/did_keri_" + prefix + "/");
  BOOST_TEST(*ar::unsanitize_did("did_keri_E_a_b") == "did:keri:E_a_b");
  BOOST_TEST((ar::classify_auths_path("v1/orgs/EK/YL/" + prefix + "/members/did_keri_" + prefix + ".json").kind ==
              ar::AuthsRecord::kOrgMember));
  BOOST_TEST(
      (ar::classify_auths_path("v1/credentials/" + prefix + "/policy-00ff.json").kind == ar::AuthsRecord::kCredential));
  BOOST_TEST((ar::layout_of("v1/identities/" + prefix + "/kel/00000000.json") == ar::Layout::kOurs));
  BOOST_TEST((ar::layout_of("v1/metadata.json") == ar::Layout::kAuths));
  BOOST_TEST((ar::layout_of("v1/approvals/" + kApprovalObject + "/x.json") == ar::Layout::kNone));
}

BOOST_AUTO_TEST_CASE(a_tree_in_the_auths_layout_loads_with_its_delegated_device) {
  TempRepo t;
  AuthsTree tree;
  const auto device_key = key_of(ac::KeyType::kEd25519);
  const ak::Attestation link = make_link(tree.root, device_key, tree.root.key, 1700000000);
  const std::string member = ar::sanitize_did(tree.device.did());
  const std::string org_dir = "v1/orgs/" + tree.root.state.prefix.substr(0, 2) + "/" +
                              tree.root.state.prefix.substr(2, 2) + "/" + tree.root.state.prefix + "/";
  Files files = tree.files();
  files.push_back(at_device_path(link, "attestation.json"));
  files.push_back(at_device_path(link, "history/20231114T221320.000_" + link.rid.substr(0, 8) + ".json"));
  files.emplace_back(org_dir + "members/" + member + ".json", R"({"role": "member"})");
  files.emplace_back("v1/credentials/" + tree.root.state.prefix + "/policy-00ff.json", "{}");
  files.emplace_back("v1/tel/" + tree.root.state.prefix + "/Ereg/Ecred/00000000.json", "{}");
  const auto approval = signed_approval(generate_key());
  files.emplace_back(*ar::approval_path(approval), *ar::serialize_approval(approval));  // allowed in both layouts

  const Oid tip = t.commit(files, {});
  BOOST_TEST((code_of(t.verify(std::nullopt, tip)) == Reason::kOk), message_of(t.verify(std::nullopt, tip)));
  auto state = ar::load(*t.repo, tip);
  BOOST_REQUIRE_MESSAGE(state.has_value(), (state ? "" : state.error().to_string()));
  const ak::KeyState* device = state->identity(tree.device.state.prefix);
  BOOST_REQUIRE(device != nullptr);
  BOOST_TEST(device->delegator == tree.root.state.prefix);
  BOOST_TEST(state->identities_with_key(tree.root.key.public_key()).size() == 1u);
  BOOST_TEST(state->identities_with_key(tree.device.key.public_key()).at(0)->prefix == tree.device.state.prefix);
  BOOST_TEST(state->approvals_of(kApprovalObject).size() == 1u);
  // A device attestation of the Auths layout is no signing authority: no link in the State.
  BOOST_TEST(state->grants_for_key(device_key.public_key()).empty());
  BOOST_TEST(state->links().empty());

  // The server's record store answers for identities loaded from this layout.
  const ar::State on_demand = ar::State::on_demand(source_of(*state));
  const ak::KeyState* root = on_demand.identity(tree.root.state.prefix);
  BOOST_REQUIRE(root != nullptr);
  BOOST_TEST(root->keys == tree.root.state.keys);
  const auto holders = on_demand.identities_with_key(tree.device.key.public_key());
  BOOST_REQUIRE(holders.size() == 1u);
  BOOST_TEST(holders[0]->delegator == tree.root.state.prefix);
  BOOST_TEST(!on_demand.source_error().has_value());
}

BOOST_AUTO_TEST_CASE(a_directory_copy_in_the_auths_layout_loads) {
  AuthsTree tree;
  const fs::path dir = fs::temp_directory_path() / ("auths-layout-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  for (const auto& [path, content] : tree.files()) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << content;
  }
  auto state = ar::load_directory(dir.string());
  BOOST_REQUIRE_MESSAGE(state.has_value(), (state ? "" : state.error().to_string()));
  BOOST_TEST(state->identity(tree.device.state.prefix) != nullptr);
  // A lying tip.json in the copy is refused too.
  std::ofstream(dir / (ar::auths_identity_dir(tree.root.state.prefix) + "tip.json"), std::ios::trunc)
      << tip_json(tree.device.state);
  auto lying = ar::load_directory(dir.string());
  BOOST_REQUIRE(!lying.has_value());
  BOOST_TEST(lying.error().to_string().find("registry-cache-mismatch") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_dip_without_the_anchoring_seal_is_refused) {
  TempRepo t;
  Identity root = auths_root();
  const Identity device = auths_device(root, /*anchored=*/false);
  const Oid tip = t.commit(joined({root.files, device.files}), {});
  const auto problems = t.verify(std::nullopt, tip);
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find("kel-delegation-not-anchored") != std::string::npos, message_of(problems));
  BOOST_TEST(message_of(problems).find(ar::auths_event_path(device.state.prefix, 0)) != std::string::npos);
  BOOST_TEST(!ar::load(*t.repo, tip).has_value());
}

BOOST_AUTO_TEST_CASE(events_are_checked_as_ours_are) {
  TempRepo t;
  Identity root = auths_root(ac::KeyType::kEd25519);
  interact(root, {ak::Seal::of_digest("E" + std::string(43, 'A')).value()});
  // The interaction (s "1") stored as event 2: its `s` is not the file's sequence number.
  Files moved = {root.files[0], root.files[1]};
  moved.emplace_back(ar::auths_event_path(root.state.prefix, 2), root.files[2].second);
  moved.emplace_back(ar::auths_attachments_path(root.state.prefix, 2), root.files[3].second);
  auto problems = t.verify(std::nullopt, t.commit(moved, {}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find("another identity or sequence number") != std::string::npos,
             message_of(problems));
  // A pretty-printed event whose content changed: its SAID no longer matches.
  Files tampered = root.files;
  const std::string sealed = "E" + std::string(43, 'A');
  const size_t at = tampered[2].second.find(sealed);
  BOOST_REQUIRE(at != std::string::npos);
  tampered[2].second.replace(at, sealed.size(), "E" + std::string(43, 'B'));
  problems = t.verify(std::nullopt, t.commit(tampered, {}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find("kel-said-mismatch") != std::string::npos, message_of(problems));
  BOOST_TEST(message_of(problems).find(tampered[2].first) != std::string::npos, message_of(problems));
  // The untouched log loads, with Ed25519 keys as with P-256.
  BOOST_TEST((code_of(t.verify(std::nullopt, t.commit(root.files, {}))) == Reason::kOk));
}

BOOST_AUTO_TEST_CASE(a_kel_event_is_never_edited_nor_removed) {
  TempRepo t;
  AuthsTree tree;
  const Oid base = t.commit(tree.files(), {});
  BOOST_REQUIRE((code_of(t.verify(std::nullopt, base)) == Reason::kOk));
  // The same event written compactly: other bytes at the same path.
  const auto& [event_path, event_text] = tree.root.files[0];
  const Oid edited = t.commit({{event_path, *ak::serialize(*ak::parse_event(event_text))}}, {base});
  auto problems = t.verify(base, edited);
  BOOST_TEST((code_of(problems) == Reason::kRegistryEdit));
  BOOST_TEST(message_of(problems).find(event_path) != std::string::npos, message_of(problems));
  // Removing an attachment.
  Files without = tree.files();
  const std::string removed_path = tree.device.files[1].first;
  std::erase_if(without, [&](const auto& f) { return f.first == removed_path; });
  const Oid removed = t.commit(without, {base}, /*on_top=*/false);
  problems = t.verify(base, removed);
  BOOST_TEST((code_of(problems) == Reason::kRegistryEdit));
  BOOST_TEST(message_of(problems).find(removed_path) != std::string::npos, message_of(problems));
}

BOOST_AUTO_TEST_CASE(caches_that_contradict_the_log_are_refused_stale_ones_are_not) {
  TempRepo t;
  AuthsTree tree;
  const std::string root_dir = ar::auths_identity_dir(tree.root.state.prefix);
  const Files base_files = tree.files();
  const ak::KeyState earlier = tree.root.state;
  const Oid base = t.commit(base_files, {});
  BOOST_REQUIRE((code_of(t.verify(std::nullopt, base)) == Reason::kOk));

  // A new event with its caches rewritten: the overwrite is accepted.
  Identity& root = tree.root;
  const size_t before = root.files.size();
  interact(root, {ak::Seal::of_digest("E" + std::string(43, 'A')).value()});
  const Files appended(root.files.begin() + static_cast<std::ptrdiff_t>(before), root.files.end());
  const Oid grown = t.commit(joined({appended, caches(root)}), {base});
  BOOST_TEST((code_of(t.verify(base, grown)) == Reason::kOk), message_of(t.verify(base, grown)));

  // tip.json naming the new sequence number with the previous event's SAID.
  ak::KeyState mixed = root.state;
  mixed.last_said = earlier.last_said;
  const Oid lying_tip = t.commit(joined({appended, {{root_dir + "tip.json", tip_json(mixed)}}}), {base});
  auto problems = t.verify(base, lying_tip);
  BOOST_TEST((code_of(problems) == Reason::kRegistryCacheMismatch));
  BOOST_TEST(message_of(problems).find(root_dir + "tip.json") != std::string::npos, message_of(problems));
  // The event appended, tip.json left as it was: it contradicts the log now.
  const Oid stale_tip = t.commit(appended, {base});
  problems = t.verify(base, stale_tip);
  BOOST_TEST((code_of(problems) == Reason::kRegistryCacheMismatch));
  BOOST_TEST(message_of(problems).find(root_dir + "tip.json") != std::string::npos, message_of(problems));
  // A whole tree with a lying tip.json does not load.
  const Oid lying_tree =
      t.commit({{root_dir + "tip.json", R"({"version":1,"sequence":7,"said":")" + earlier.last_said + "\"}"}}, {base});
  BOOST_TEST((code_of(t.verify(base, lying_tree)) == Reason::kRegistryCacheMismatch));
  BOOST_TEST(!ar::load(*t.repo, lying_tree).has_value());

  // state.json validated against the log's last event, with other keys: refused.
  ak::KeyState forged = root.state;
  forged.keys = tree.device.state.keys;
  const Oid lying_state = t.commit(
      joined(
          {appended, {{root_dir + "tip.json", tip_json(root.state)}}, {{root_dir + "state.json", state_json(forged)}}}),
      {base});
  problems = t.verify(base, lying_state);
  BOOST_TEST((code_of(problems) == Reason::kRegistryCacheMismatch));
  BOOST_TEST(message_of(problems).find(root_dir + "state.json") != std::string::npos, message_of(problems));
  BOOST_TEST(message_of(problems).find("current_keys") != std::string::npos, message_of(problems));
  // ... or naming another delegator.
  ak::KeyState claimed = tree.device.state;
  claimed.delegator = tree.device.state.prefix;
  const std::string device_state = ar::auths_identity_dir(tree.device.state.prefix) + "state.json";
  problems = t.verify(base, t.commit({{device_state, state_json(claimed)}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryCacheMismatch), message_of(problems));

  // A stale state.json (validated against the previous event) is only stale: accepted.
  const Oid stale_state = t.commit(joined({appended,
                                           {{root_dir + "tip.json", tip_json(root.state)}},
                                           {{root_dir + "state.json", state_json(earlier)}}}),
                                   {base});
  BOOST_TEST((code_of(t.verify(base, stale_state)) == Reason::kOk), message_of(t.verify(base, stale_state)));
  BOOST_TEST(ar::load(*t.repo, stale_state).has_value());

  // A cache that is no JSON object, and a cache removed.
  problems = t.verify(base, t.commit({{root_dir + "metadata.json", "[1]"}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord), message_of(problems));
  Files without = base_files;
  std::erase_if(without, [&](const auto& f) { return f.first == root_dir + "metadata.json"; });
  BOOST_TEST((code_of(t.verify(base, t.commit(without, {base}, /*on_top=*/false))) == Reason::kRegistryEdit));
}

BOOST_AUTO_TEST_CASE(device_attestations_are_judged_by_content) {
  TempRepo t;
  AuthsTree tree;
  const auto device_key = key_of(ac::KeyType::kEcdsaP256);
  const ak::Attestation first = make_link(tree.root, device_key, tree.root.key, 1700000000);
  const auto history = at_device_path(first, "history/20231114T221320.000_" + first.rid.substr(0, 8) + ".json");
  const Oid base = t.commit(joined({tree.files(), {at_device_path(first, "attestation.json"), history}}), {});
  BOOST_REQUIRE((code_of(t.verify(std::nullopt, base)) == Reason::kOk));
  const std::string path = at_device_path(first, "attestation.json").first;

  // An older record, and one for another device, in its place: refused, naming the file.
  const ak::Attestation older = make_link(tree.root, device_key, tree.root.key, 1690000000);
  auto problems = t.verify(base, t.commit({{path, at_device_path(older, "attestation.json").second}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find(path) != std::string::npos, message_of(problems));
  const ak::Attestation foreign = make_link(tree.root, key_of(ac::KeyType::kEcdsaP256), tree.root.key, 1700000100);
  problems = t.verify(base, t.commit({{path, at_device_path(foreign, "attestation.json").second}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find("subject") != std::string::npos, message_of(problems));
  // A later record signed by a key that is not the issuer's: refused.
  const ak::Attestation forged = make_link(tree.root, device_key, tree.device.key, 1700000100);
  problems = t.verify(base, t.commit({{path, at_device_path(forged, "attestation.json").second}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find("attestation-bad-identity-signature") != std::string::npos,
             message_of(problems));

  // A later valid record, then its revocation: accepted.
  const ak::Attestation later = make_link(tree.root, device_key, tree.root.key, 1700000100);
  const Oid relinked = t.commit({at_device_path(later, "attestation.json")}, {base});
  BOOST_TEST((code_of(t.verify(base, relinked)) == Reason::kOk), message_of(t.verify(base, relinked)));
  auto revocation = ak::make_revocation(later, ak::Timestamp::from_unix(1700000200));
  BOOST_REQUIRE(revocation.has_value());
  BOOST_REQUIRE(ak::sign_as_identity(*revocation, tree.root.key).has_value());
  const Oid revoked = t.commit({at_device_path(*revocation, "attestation.json")}, {relinked});
  BOOST_TEST((code_of(t.verify(base, revoked)) == Reason::kOk), message_of(t.verify(base, revoked)));

  // History copies are add-only.
  problems = t.verify(base, t.commit({{history.first, at_device_path(later, "x").second}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryEdit));
  BOOST_TEST(message_of(problems).find(history.first) != std::string::npos, message_of(problems));

  // The root rotates: a record its earlier key signed still loads (any established key).
  Identity& root = tree.root;
  const auto newer = key_of(ac::KeyType::kEcdsaP256);
  auto rot = ak::make_rotation(root.state, {qb64(root.next)}, 1, {ak::next_key_digest(qb64(newer))}, 1);
  BOOST_REQUIRE(rot.has_value());
  const size_t before = root.files.size();
  append(root, ak::SignedEvent{*rot, {*ak::sign_event(*rot, root.next, 0)}});
  const Files rotation(root.files.begin() + static_cast<std::ptrdiff_t>(before), root.files.end());
  const Oid rotated = t.commit(joined({rotation, caches(root)}), {revoked});
  BOOST_TEST((code_of(t.verify(base, rotated)) == Reason::kOk), message_of(t.verify(base, rotated)));
  BOOST_TEST(ar::load(*t.repo, rotated).has_value());
}

BOOST_AUTO_TEST_CASE(org_members_credentials_and_tel_are_json_objects) {
  TempRepo t;
  AuthsTree tree;
  const std::string prefix = tree.root.state.prefix;
  const std::string member_path = "v1/orgs/" + prefix.substr(0, 2) + "/" + prefix.substr(2, 2) + "/" + prefix +
                                  "/members/" + ar::sanitize_did(tree.device.did()) + ".json";
  const Oid base = t.commit(joined({tree.files(), {{member_path, R"({"role":"member"})"}}}), {});
  BOOST_REQUIRE((code_of(t.verify(std::nullopt, base)) == Reason::kOk));
  BOOST_TEST((code_of(t.verify(base, t.commit({{member_path, R"({"role":"admin"})"}}, {base}))) == Reason::kOk));
  auto problems = t.verify(base, t.commit({{member_path, "not json"}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find(member_path) != std::string::npos, message_of(problems));
  // Anything else under v1/ stays refused, naming the path.
  problems = t.verify(base, t.commit({{"v1/devices/readme.json", "{}"}}, {base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryInvalidRecord));
  BOOST_TEST(message_of(problems).find("v1/devices/readme.json") != std::string::npos, message_of(problems));
}

BOOST_AUTO_TEST_CASE(a_registry_holds_one_layout) {
  TempRepo t;
  AuthsTree tree;
  const Identity ours = make_identity();
  // One tree with both.
  const Oid mixed = t.commit(joined({ours.files, tree.files()}), {});
  auto problems = t.verify(std::nullopt, mixed);
  BOOST_TEST((code_of(problems) == Reason::kRegistryMixedLayout));
  auto loaded = ar::load(*t.repo, mixed);
  BOOST_REQUIRE(!loaded.has_value());
  BOOST_TEST(loaded.error().to_string().find("registry-mixed-layout") != std::string::npos);
  // Files of the Auths layout pushed on top of ours, and the reverse: the first one is named.
  const Oid our_base = t.commit(ours.files, {});
  problems = t.verify(our_base, t.commit(tree.root.files, {our_base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryMixedLayout));
  BOOST_TEST(message_of(problems).find(ar::auths_identity_dir(tree.root.state.prefix)) != std::string::npos,
             message_of(problems));
  const Oid auths_base = t.commit(tree.files(), {});
  problems = t.verify(auths_base, t.commit(ours.files, {auths_base}));
  BOOST_TEST((code_of(problems) == Reason::kRegistryMixedLayout));
  BOOST_TEST(message_of(problems).find("v1/identities/" + ours.state.prefix + "/kel/") != std::string::npos,
             message_of(problems));
}

BOOST_AUTO_TEST_CASE(publish_refuses_a_registry_in_the_auths_layout) {
  TempRepo t;
  AuthsTree tree;
  const Oid tip = t.commit(tree.files(), {});
  BOOST_REQUIRE(t.repo->update_ref(ar::kRegistryRef, tip, std::nullopt, "auths tools").has_value());
  const Identity ours = make_identity();
  auto published = ar::publish(*t.repo, ours.files, "ours");
  BOOST_REQUIRE(!published.has_value());
  BOOST_TEST(published.error().message.find("Auths tools' layout") != std::string::npos, published.error().message);
  BOOST_TEST((*t.repo->resolve_commit(ar::kRegistryRef) == std::optional<Oid>(tip)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace auths::test
