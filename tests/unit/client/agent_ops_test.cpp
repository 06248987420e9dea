// Agent identities (agent_ops.h): provisioned with both homes at hand, or by request from a
// machine without the delegator's keys. Either way the delegator's registry copy then loads as
// the registry loads it (the dip anchored by the delegator's event, the delegation accepted) and
// the agent's home replays its own KEL; a request changed after the agent signed it, or naming
// another delegator, is refused with nothing written.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "auths/client/agent_ops.h"
#include "auths/client/identity_ops.h"
#include "home.h"
#include "registry/registry.h"
#include "unit/client/home_test_util.h"

BOOST_AUTO_TEST_SUITE(client_agent_ops)

namespace acl = auths::client;
namespace ak = auths::keri;
namespace ar = auths::registry;
namespace at = auths::test;
namespace fs = std::filesystem;
using auths::ErrorCode;

namespace {

const std::string kPassphrase = "test passphrase";

using auths::test::must;

struct Homes {
  at::HomeEnv env;
  std::string human = env.home().string();
  std::string agent = (env.dir.path() / "agent-home").string();
  std::string did = must(acl::init_identity(human, {}, kPassphrase)).did;

  ar::State registry() const { return must(ar::load_directory(acl::registry_copy_path(human))); }
  size_t files() const { return must(acl::registry_files(human)).size(); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(provisioned_locally) {
  Homes h;
  acl::ProvisionAgentOptions options;
  options.name = "ci-bot";
  options.capabilities = {"sign_commit"};
  options.expires_in = 3600;
  options.dry_run = true;
  const size_t before = h.files();
  const auto preview = must(acl::provision_agent(h.agent, h.human, options, "", ""));
  BOOST_TEST(preview.did.empty());
  BOOST_TEST(h.files() == before);
  BOOST_TEST(!fs::exists(h.agent));

  options.dry_run = false;
  const auto agent = must(acl::provision_agent(h.agent, h.human, options, kPassphrase, kPassphrase));
  BOOST_TEST(agent.delegator == h.did);
  const ar::State state = h.registry();
  const auto prefix = ak::parse_did_keri(agent.did).value();
  const ak::KeyState* agent_state = state.identity(prefix);
  BOOST_REQUIRE(agent_state != nullptr);
  BOOST_TEST(agent_state->delegator == ak::parse_did_keri(h.did).value());
  const auto delegations = state.delegations_of(agent.did);
  BOOST_REQUIRE(delegations.size() == 1u);
  const ak::Attestation& link = *delegations.front().link;
  BOOST_TEST(link.issuer == h.did);
  BOOST_TEST((link.signer_type == ak::SignerType::kAgent));
  BOOST_TEST((link.metadata == ak::AgentMetadata{"ai_agent", "ci-bot", "agent", false}));
  BOOST_TEST(link.expires_at.has_value());
  // The agent's home replays its delegated KEL (the delegator's was copied there).
  const auto shown = must(acl::show_identity(h.agent));
  BOOST_TEST(shown.did == agent.did);
  BOOST_TEST(shown.delegated_by == h.did);
  BOOST_TEST(fs::exists(fs::path(h.agent) / acl::kAgentConfigFile));
  // One agent per home; the delegator named must be the home's.
  BOOST_TEST(!acl::provision_agent(h.agent, h.human, options, kPassphrase, kPassphrase).has_value());
  options.delegated_by = "did:keri:EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const auto other = acl::provision_agent((h.env.dir.path() / "other").string(), h.human, options, "", "");
  BOOST_REQUIRE(!other.has_value());
  BOOST_TEST(other.error().message.find("--delegated-by names") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(provisioned_by_request) {
  Homes h;
  const fs::path request = h.env.dir.path() / "agent.req";
  acl::ProvisionAgentOptions options;
  options.name = "runner";
  options.delegated_by = h.did;
  const auto requested = must(acl::request_agent(h.agent, options, request.string(), kPassphrase));
  BOOST_TEST(acl::is_agent_request_file(request.string()));
  BOOST_TEST(requested.did.rfind("did:keri:E", 0) == 0);
  const size_t before = h.files();

  // Changed after the agent signed it: refused, nothing written.
  const auto doc = nlohmann::json::parse(at::read_text(request));
  const auto refused_with = [&](nlohmann::json changed) {
    const fs::path path = h.env.dir.path() / "changed.req";
    at::write_text(path, changed.dump());
    const auto review = acl::review_agent_request(h.human, path.string());
    BOOST_REQUIRE(!review.has_value());
    BOOST_TEST(review.error().message.rfind(acl::kLinkRequestRefused, 0) == 0);
    const auto linked = acl::link_requested_agent(h.human, changed.dump(), kPassphrase);
    BOOST_REQUIRE(!linked.has_value());
    BOOST_TEST(h.files() == before);
    return review.error();
  };
  auto raised = doc;
  raised["link"]["capabilities"] = {"sign_commit", "sign_release"};
  BOOST_TEST((refused_with(raised).code == ErrorCode::kCorrupt));
  auto renamed = doc;
  renamed["link"]["subject"] = "did:keri:EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  BOOST_TEST((refused_with(renamed).code == ErrorCode::kCorrupt));
  auto extra = doc;
  extra["note"] = "more";
  refused_with(extra);
  // A dip whose delegator field was edited: its SAID and signature no longer match, and it
  // names another delegator than this identity.
  auto redirected = doc;
  std::string dip = redirected["dip"].get<std::string>();
  const auto di = dip.find("\"di\":\"") + 6;
  dip.replace(di, 44, "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  redirected["dip"] = dip;
  refused_with(redirected);

  const auto review = must(acl::review_agent_request(h.human, request.string()));
  BOOST_TEST(review.agent.did == requested.did);
  BOOST_TEST((review.agent.capabilities == std::vector<std::string>{"sign_commit"}));
  const auto linked = must(acl::link_requested_agent(h.human, review.text, kPassphrase));
  BOOST_TEST(linked.did == requested.did);
  const ar::State state = h.registry();
  BOOST_TEST(state.delegations_of(requested.did).size() == 1u);
  BOOST_TEST(state.identity(ak::parse_did_keri(requested.did).value())->delegated());
  // Granted once only.
  const auto again = acl::review_agent_request(h.human, request.string());
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST(again.error().message.find("already known here") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
