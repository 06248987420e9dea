// Delegated identifiers in the registry: a delegate's dip and drt need their delegator's
// anchoring events, whatever the prefixes' order (the registry applies events per identity, a
// delegate after its delegator's anchor), in a tree, in a pushed update and in a directory copy.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>

#include "support/printers.h"
#include "support/registry_fixture.h"

namespace auths::test {
BOOST_AUTO_TEST_SUITE(registry_delegation)

// Identities by prefix, for the delegation lookup while building records.
struct Known {
  std::map<std::string, const Identity*, std::less<>> by_prefix;

  void add(const Identity& id) { by_prefix[id.state.prefix] = &id; }
  ak::KeyStateLookup lookup() const {
    return [this](std::string_view prefix) -> const ak::KeyState* {
      const auto it = by_prefix.find(prefix);
      return it == by_prefix.end() ? nullptr : &it->second->state;
    };
  }
};

// Appends a delegated event's records to `id` (applied with `known`'s lookup), its attachment
// carrying the -G couple `source`.
void add_delegated(Identity& id, const ak::KeyEvent& event, const ac::PrivateKey& signer, const Known& known,
                   const ak::cesr::SourceSeal& source) {
  ak::SignedEvent signed_event{event, {*ak::sign_event(event, signer, 0)}, {source}};
  std::optional<ak::KeyState> state;
  if (!ak::is_inception(event.type)) state = id.state;
  const auto applied = ak::apply_event(state, signed_event, nullptr, known.lookup());
  BOOST_REQUIRE_MESSAGE(applied.has_value(), (applied ? "" : applied.error().to_string()));
  id.state = *state;
  id.files.emplace_back(ar::event_path(event.prefix, event.sequence), *ak::serialize(event));
  id.files.emplace_back(ar::signatures_path(event.prefix, event.sequence), *ak::attachment_text(signed_event));
}

// The delegator's interaction anchoring `event`; returns the -G couple naming it.
ak::cesr::SourceSeal anchor_event(Identity& delegator, const ak::KeyEvent& event) {
  auto ixn = ak::make_interaction(delegator.state, {ak::Seal::of_event(event).value()});
  BOOST_REQUIRE(ixn.has_value());
  add_event(delegator, *ixn, delegator.key);
  return {ixn->sequence, ixn->said};
}

// A delegate of `delegator` whose prefix sorts before the delegator's, anchored and applied: of
// 64 delegates drawn, the one sorting last below the delegator (so that a delegate of it can
// be found the same way).
Identity make_delegate_sorting_first(Identity& delegator, Known& known) {
  std::optional<Identity> best;
  std::optional<ak::KeyEvent> best_dip;
  for (int attempt = 0; attempt < 64; ++attempt) {
    Identity id{generate_key(), generate_key(), {}, {}};
    auto dip = ak::make_delegated_inception({qb64(id.key)}, 1, {ak::next_key_digest(qb64(id.next))}, 1,
                                            delegator.state.prefix);
    BOOST_REQUIRE(dip.has_value());
    if (dip->prefix >= delegator.state.prefix || (best_dip && dip->prefix <= best_dip->prefix)) continue;
    best.emplace(std::move(id));
    best_dip = std::move(*dip);
  }
  BOOST_REQUIRE_MESSAGE(best.has_value(), "no delegate prefix sorted before the delegator's");
  const auto source = anchor_event(delegator, *best_dip);
  add_delegated(*best, *best_dip, best->key, known, source);
  return std::move(*best);
}

// A root identity whose prefix sorts late: the last of 8 drawn, so that delegates sorting before
// it, and before them, are found at once.
Identity make_root_sorting_late() {
  Identity best = make_identity();
  for (int attempt = 1; attempt < 8; ++attempt) {
    Identity id = make_identity();
    if (id.state.prefix > best.state.prefix) best = std::move(id);
  }
  return best;
}

Files all_files(std::initializer_list<const Identity*> ids) {
  Files out;
  for (const Identity* id : ids) out.insert(out.end(), id->files.begin(), id->files.end());
  return out;
}

Reason first_code(const std::vector<ar::Problem>& problems) {
  return problems.empty() ? Reason::kOk : problems.front().code;
}

// root <- agent <- sub-agent, each prefix sorting before its delegator's: the tree loads, as
// one push and as a directory copy.
BOOST_AUTO_TEST_CASE(delegates_sorting_before_their_delegators_load) {
  TempRepo t;
  Known known;
  Identity root = make_root_sorting_late();
  known.add(root);
  Identity agent = make_delegate_sorting_first(root, known);
  known.add(agent);
  Identity sub = make_delegate_sorting_first(agent, known);
  known.add(sub);
  BOOST_TEST(sub.state.prefix < agent.state.prefix);
  BOOST_TEST(agent.state.prefix < root.state.prefix);

  const auto tip = t.commit(all_files({&root, &agent, &sub}), {});
  BOOST_TEST(first_code(t.verify(std::nullopt, tip)) == Reason::kOk);
  auto state = ar::load(*t.repo, tip);
  BOOST_REQUIRE_MESSAGE(state.has_value(), (state ? "" : state.error().to_string()));
  BOOST_REQUIRE(state->identity(sub.state.prefix) != nullptr);
  BOOST_TEST(state->identity(sub.state.prefix)->delegator == agent.state.prefix);
  BOOST_TEST(state->identity(agent.state.prefix)->delegator == root.state.prefix);
  BOOST_TEST(state->identity(root.state.prefix)->delegator.empty());

  // The same records as a directory.
  const fs::path dir = t.dir / "copy";
  for (const auto& [path, content] : all_files({&root, &agent, &sub})) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << content;
  }
  auto copy = ar::load_directory(dir.string());
  BOOST_REQUIRE_MESSAGE(copy.has_value(), (copy ? "" : copy.error().to_string()));
  BOOST_TEST(copy->identity(sub.state.prefix)->delegator == agent.state.prefix);

  // A drt of the agent with its anchor, pushed later: valid growth.
  const size_t root_before = root.files.size();
  const size_t agent_before = agent.files.size();
  const auto newer = generate_key();
  auto drt = ak::make_delegated_rotation(agent.state, {qb64(agent.next)}, 1, {ak::next_key_digest(qb64(newer))}, 1);
  BOOST_REQUIRE(drt.has_value());
  const auto source = anchor_event(root, *drt);
  add_delegated(agent, *drt, agent.next, known, source);
  Files growth(root.files.begin() + static_cast<std::ptrdiff_t>(root_before), root.files.end());
  growth.insert(growth.end(), agent.files.begin() + static_cast<std::ptrdiff_t>(agent_before), agent.files.end());
  const auto tip2 = t.commit(growth, {tip});
  BOOST_TEST(first_code(t.verify(tip, tip2)) == Reason::kOk);
  auto after = ar::load(*t.repo, tip2);
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->identity(agent.state.prefix)->keys == std::vector<std::string>{qb64(agent.next)});
}

// A dip whose delegator never anchored it is refused, naming the record and the reason; so is
// a drt pushed before its anchor (each commit must be valid on its own).
BOOST_AUTO_TEST_CASE(unanchored_delegated_events_are_refused) {
  TempRepo t;
  Known known;
  Identity root = make_root_sorting_late();
  known.add(root);
  const auto base = t.commit(root.files, {});

  Identity agent = make_delegate_sorting_first(root, known);
  known.add(agent);
  // The dip without the root's anchoring ixn.
  Files dip_only(agent.files.begin(), agent.files.end());
  const auto c1 = t.commit(dip_only, {base});
  const auto problems = t.verify(base, c1);
  BOOST_TEST(first_code(problems) == Reason::kRegistryInvalidRecord);
  BOOST_REQUIRE(!problems.empty());
  BOOST_TEST(problems.front().message.find("kel-delegation-not-anchored") != std::string::npos);
  BOOST_TEST(problems.front().message.find(ar::event_path(agent.state.prefix, 0)) != std::string::npos);
  // A tree holding it does not load either.
  BOOST_TEST(!ar::load(*t.repo, c1).has_value());

  // With the anchor: fine.
  const auto c2 = t.commit(all_files({&root, &agent}), {base});
  BOOST_TEST(first_code(t.verify(base, c2)) == Reason::kOk);

  // A drt first, its anchor in the next commit: the first commit is refused.
  const size_t root_before = root.files.size();
  const size_t agent_before = agent.files.size();
  const auto newer = generate_key();
  auto drt = ak::make_delegated_rotation(agent.state, {qb64(agent.next)}, 1, {ak::next_key_digest(qb64(newer))}, 1);
  BOOST_REQUIRE(drt.has_value());
  const auto source = anchor_event(root, *drt);
  add_delegated(agent, *drt, agent.next, known, source);
  const Files drt_files(agent.files.begin() + static_cast<std::ptrdiff_t>(agent_before), agent.files.end());
  const Files anchor_files(root.files.begin() + static_cast<std::ptrdiff_t>(root_before), root.files.end());
  const auto c3 = t.commit(drt_files, {c2});
  const auto c4 = t.commit(anchor_files, {c3});
  BOOST_TEST(first_code(t.verify(c2, c4)) == Reason::kRegistryInvalidRecord);
  // The anchor first, then the drt: fine.
  const auto c5 = t.commit(anchor_files, {c2});
  const auto c6 = t.commit(drt_files, {c5});
  BOOST_TEST(first_code(t.verify(c2, c6)) == Reason::kOk);
}

// A revocation anchored by the delegator ({"d": delegate prefix}) shows in the loaded state.
BOOST_AUTO_TEST_CASE(revoked_delegate_after_load) {
  TempRepo t;
  Known known;
  Identity root = make_root_sorting_late();
  known.add(root);
  Identity agent = make_delegate_sorting_first(root, known);
  auto ixn = ak::make_interaction(root.state, {ak::Seal::of_digest(agent.state.prefix).value()});
  BOOST_REQUIRE(ixn.has_value());
  add_event(root, *ixn, root.key);
  const auto tip = t.commit(all_files({&root, &agent}), {});
  auto state = ar::load(*t.repo, tip);
  BOOST_REQUIRE(state.has_value());
  const auto revoked = state->identity(root.state.prefix)->revoked_delegate(agent.state.prefix);
  BOOST_REQUIRE(revoked.has_value());
  BOOST_TEST(*revoked == ixn->sequence);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace auths::test
