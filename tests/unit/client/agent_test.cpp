// The ssh-agent client (src/client/agent.h) and its users: the messages byte for byte as the
// agent protocol lays them out (Ed25519 and P-256 keys with a lifetime constraint, removal, sign
// requests), the replies it accepts and refuses, lifetimes as ssh-add writes them, and auths-sign
// against an agent in this process: signing without the passphrase when the agent holds the key,
// falling back to the key store when it does not, refusing a signature that does not verify.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent.h"
#include "auths/client/identity_ops.h"
#include "auths/client/keys.h"
#include "auths/client/sign_tool.h"
#include "crypto/private_key.h"
#include "keystore.h"
#include "ssh/wire.h"
#include "sshsig/sign.h"
#include "sshsig/sshsig.h"
#include "unit/client/home_test_util.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(client_agent)

namespace ac = auths::crypto;
namespace acl = auths::client;
namespace ag = auths::client::agent;
namespace at = auths::test;
namespace au = auths::util;
namespace aw = auths::ssh::wire;
namespace fs = std::filesystem;

namespace {

au::Bytes hex(std::string_view h) { return au::hex_decode(h).value(); }
// RFC 8032 section 7.1, TEST 1.
constexpr std::string_view kEd25519Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view kEd25519Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
// RFC 6979 appendix A.2.5.
constexpr std::string_view kP256Scalar = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
constexpr std::string_view kP256Ux = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
constexpr std::string_view kP256Uy = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

std::string text(std::span<const uint8_t> bytes) { return std::string(bytes.begin(), bytes.end()); }
std::string hex_of(std::span<const uint8_t> bytes) { return au::hex_encode(au::Bytes(bytes.begin(), bytes.end())); }

au::Bytes bytes(std::string_view s) { return au::Bytes(s.begin(), s.end()); }

// The key type's SSH signature encoding, as an agent answers (string algorithm, string blob).
au::Bytes ssh_signature(const ac::PrivateKey& key, std::span<const uint8_t> data) {
  aw::Writer w;
  w.put_string(std::string_view("ssh-ed25519"));
  w.put_string(std::span<const uint8_t>(key.sign(data).value()));
  return std::move(w).take();
}

au::Bytes sign_response(const au::Bytes& signature) {
  aw::Writer w;
  const uint8_t type = ag::kSignResponse;
  w.put_bytes(std::span<const uint8_t>(&type, 1));
  w.put_string(std::span<const uint8_t>(signature));
  return std::move(w).take();
}

// An agent in this process: a Unix socket served by a thread; each request (without its length)
// is recorded and answered by `respond`.
class FakeAgent {
 public:
  using Respond = std::function<au::Bytes(const au::Bytes& request)>;
  FakeAgent(fs::path path, Respond respond) : m_path(std::move(path)), m_respond(std::move(respond)) {
    m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(m_listen >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    BOOST_REQUIRE(m_path.string().size() < sizeof address.sun_path);
    std::strcpy(address.sun_path, m_path.c_str());
    BOOST_REQUIRE(::bind(m_listen, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    BOOST_REQUIRE(::listen(m_listen, 4) == 0);
    m_thread = std::thread([this] { serve(); });
  }
  ~FakeAgent() {
    ::shutdown(m_listen, SHUT_RDWR);  // accept() returns
    m_thread.join();
    ::close(m_listen);
  }
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  std::vector<au::Bytes> requests() {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
  }

 private:
  static bool read_exactly(int fd, uint8_t* out, size_t size) {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::read(fd, out + done, size - done);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  void serve() {
    for (;;) {
      const int fd = ::accept(m_listen, nullptr, nullptr);
      if (fd < 0) return;
      for (;;) {
        uint8_t header[4];
        if (!read_exactly(fd, header, 4)) break;
        const uint32_t length = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) |
                                uint32_t{header[3]};
        au::Bytes request(length);
        if (!read_exactly(fd, request.data(), length)) break;
        au::Bytes reply;
        {
          const std::lock_guard<std::mutex> lock(m_mutex);
          m_requests.push_back(request);
          reply = m_respond(request);
        }
        aw::Writer frame;
        frame.put_uint32(static_cast<uint32_t>(reply.size()));
        frame.put_bytes(std::span<const uint8_t>(reply));
        const auto& out = frame.bytes();
        if (::write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) break;
      }
      ::close(fd);
    }
  }

  fs::path m_path;
  Respond m_respond;
  int m_listen = -1;
  std::mutex m_mutex;
  std::vector<au::Bytes> m_requests;
  std::thread m_thread;
};

}  // namespace

BOOST_AUTO_TEST_CASE(add_ed25519_with_a_lifetime) {
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEd25519, hex(kEd25519Seed)).value();
  auto message = ag::add_identity_message(key, "auths:laptop", 8 * 3600).value();
  aw::Reader r(message);
  BOOST_TEST(r.read_bytes(1, "type").value()[0] == 25);
  BOOST_TEST(r.read_text("key type").value() == "ssh-ed25519");
  BOOST_TEST(hex_of(r.read_string("ENC(A)").value()) == kEd25519Public);
  // k || ENC(A): the seed, then the public key.
  BOOST_TEST(hex_of(r.read_string("k || ENC(A)").value()) == std::string(kEd25519Seed) + std::string(kEd25519Public));
  BOOST_TEST(r.read_text("comment").value() == "auths:laptop");
  BOOST_TEST(r.read_bytes(1, "constraint").value()[0] == 1);  // SSH_AGENT_CONSTRAIN_LIFETIME
  BOOST_TEST(r.read_uint32("seconds").value() == 28800u);
  BOOST_TEST(r.at_end());

  BOOST_TEST(!ag::add_identity_message(key, "auths:laptop", 0).has_value());
}

BOOST_AUTO_TEST_CASE(add_p256_with_a_lifetime) {
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEcdsaP256, hex(kP256Scalar)).value();
  auto message = ag::add_identity_message(key, "auths:desk", 90).value();
  aw::Reader r(message);
  BOOST_TEST(r.read_bytes(1, "type").value()[0] == 25);
  BOOST_TEST(r.read_text("key type").value() == "ecdsa-sha2-nistp256");
  BOOST_TEST(r.read_text("curve").value() == "nistp256");
  BOOST_TEST(hex_of(r.read_string("Q").value()) == "04" + std::string(kP256Ux) + std::string(kP256Uy));
  BOOST_TEST(hex_of(r.read_unsigned_mpint("d").value()) == kP256Scalar);
  BOOST_TEST(r.read_text("comment").value() == "auths:desk");
  BOOST_TEST(r.read_bytes(1, "constraint").value()[0] == 1);
  BOOST_TEST(r.read_uint32("seconds").value() == 90u);
  BOOST_TEST(r.at_end());
}

BOOST_AUTO_TEST_CASE(remove_and_sign_requests) {
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEd25519, hex(kEd25519Seed)).value();
  const au::Bytes removal = ag::remove_identity_message(key.public_key());
  aw::Reader r(removal);
  BOOST_TEST(r.read_bytes(1, "type").value()[0] == 18);
  BOOST_TEST(text(r.read_string("key blob").value()) == text(key.public_key().ssh_blob()));
  BOOST_TEST(r.at_end());

  const au::Bytes data = bytes("signed data");
  const au::Bytes request = ag::sign_request_message(key.public_key(), data);
  aw::Reader s(request);
  BOOST_TEST(s.read_bytes(1, "type").value()[0] == 13);
  BOOST_TEST(text(s.read_string("key blob").value()) == text(key.public_key().ssh_blob()));
  BOOST_TEST(text(s.read_string("data").value()) == "signed data");
  BOOST_TEST(s.read_uint32("flags").value() == 0u);
  BOOST_TEST(s.at_end());
}

BOOST_AUTO_TEST_CASE(replies) {
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEd25519, hex(kEd25519Seed)).value();
  const au::Bytes data = bytes("data");
  const au::Bytes signature = ssh_signature(key, data);

  BOOST_TEST(ag::is_success(au::Bytes{6}).value());
  BOOST_TEST(!ag::is_success(au::Bytes{5}).value());
  BOOST_TEST(!ag::is_success(au::Bytes{}).has_value());

  const auto good = ag::parse_sign_response(sign_response(signature), key.public_key()).value();
  BOOST_REQUIRE(good.has_value());
  BOOST_TEST(text(*good) == text(signature));
  // Failure: the agent does not hold the key.
  BOOST_TEST(!ag::parse_sign_response(au::Bytes{5}, key.public_key()).value().has_value());
  // Anything else is an error: another message, trailing bytes, another algorithm.
  BOOST_TEST(!ag::parse_sign_response(au::Bytes{6}, key.public_key()).has_value());
  au::Bytes trailing = sign_response(signature);
  trailing.push_back(0);
  BOOST_TEST(!ag::parse_sign_response(trailing, key.public_key()).has_value());
  aw::Writer other;
  other.put_string(std::string_view("ecdsa-sha2-nistp256"));
  other.put_string(std::string_view("xx"));
  BOOST_TEST(!ag::parse_sign_response(sign_response(std::move(other).take()), key.public_key()).has_value());

  // The agent's signature, assembled, is the SSHSIG that signing with the key itself makes
  // (Ed25519 is deterministic).
  const au::Bytes message = bytes("tree 0000\n");
  const au::Bytes signed_data = auths::sshsig::signed_data(message, "git", "sha512").value();
  const au::Bytes assembled =
      auths::sshsig::assemble(key.public_key(), "git", "sha512", ssh_signature(key, signed_data)).value();
  BOOST_TEST(au::hex_encode(assembled) == au::hex_encode(auths::sshsig::sign(key, message, "git").value()));
}

BOOST_AUTO_TEST_CASE(lifetimes_as_ssh_add_writes_them) {
  BOOST_TEST(acl::parse_lifetime("8h").value() == 28800u);
  BOOST_TEST(acl::parse_lifetime("1h30m").value() == 5400u);
  BOOST_TEST(acl::parse_lifetime("90").value() == 90u);
  BOOST_TEST(acl::parse_lifetime("2s").value() == 2u);
  BOOST_TEST(acl::parse_lifetime("1w").value() == 604800u);
  BOOST_TEST(acl::parse_lifetime("30d").value() == 30u * 86400u);
  for (const char* bad : {"", "0", "0s", "h", "1x", "1h30", "-5", "31d", "99999999999", "8 h"}) {
    BOOST_TEST_INFO(bad);
    BOOST_TEST(!acl::parse_lifetime(bad).has_value());
  }
}

BOOST_AUTO_TEST_CASE(auths_sign_asks_the_agent_first) {
  at::HomeEnv env;
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEd25519, hex(kEd25519Seed)).value();
  BOOST_REQUIRE(acl::save_key(env.home(), "laptop", key, "test passphrase").has_value());
  const fs::path payload = env.dir.path() / "commit";
  at::write_text(payload, "tree 0000\n");
  const std::string expected = auths::sshsig::armor(auths::sshsig::sign(key, bytes("tree 0000\n"), "git").value());
  const auto request =
      acl::parse_auths_sign_args({"-Y", "sign", "-n", "git", "-f", "auths:laptop", "-U", payload.string()})
          .value()
          .value();
  const fs::path socket = env.dir.path() / "agent.sock";
  const at::EnvGuard agent_env{"SSH_AUTH_SOCK", socket.string()};
  // A wrong passphrase: any signature below that is good came from the agent.
  at::EnvGuard wrong{"AUTHS_PASSPHRASE", "not the passphrase"};

  {
    FakeAgent agent(socket, [&](const au::Bytes& req) {
      aw::Reader r(req);
      BOOST_TEST(r.read_bytes(1, "type").value()[0] == ag::kSignRequest);
      BOOST_TEST(text(r.read_string("blob").value()) == text(key.public_key().ssh_blob()));
      const auto data = r.read_string("data").value();
      return sign_response(ssh_signature(key, data));
    });
    BOOST_REQUIRE_MESSAGE(acl::run_auths_sign(request, -1, -1).has_value(), "signing by the agent");
    BOOST_TEST(at::read_text(payload.string() + ".sig") == expected);
    BOOST_TEST(agent.requests().size() == 1u);
  }
  fs::remove(payload.string() + ".sig");
  fs::remove(socket);
  {
    // The agent does not hold the key: the store is used, and the wrong passphrase says so.
    FakeAgent agent(socket, [](const au::Bytes&) { return au::Bytes{ag::kFailure}; });
    auto refused = acl::run_auths_sign(request, -1, -1);
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().message.find("wrong passphrase") != std::string::npos);
    const at::EnvGuard right{"AUTHS_PASSPHRASE", "test passphrase"};
    BOOST_REQUIRE(acl::run_auths_sign(request, -1, -1).has_value());
    BOOST_TEST(at::read_text(payload.string() + ".sig") == expected);
  }
  fs::remove(socket);
  {
    // An agent whose signature does not verify: an error, never a bad .sig.
    fs::remove(payload.string() + ".sig");
    FakeAgent agent(socket, [&](const au::Bytes&) { return sign_response(ssh_signature(key, bytes("other"))); });
    auto bad = acl::run_auths_sign(request, -1, -1);
    BOOST_REQUIRE(!bad.has_value());
    BOOST_TEST(bad.error().message.find("does not verify") != std::string::npos);
    BOOST_TEST(!fs::exists(payload.string() + ".sig"));
  }
  fs::remove(socket);
  // No agent listening: the store.
  const at::EnvGuard right{"AUTHS_PASSPHRASE", "test passphrase"};
  BOOST_REQUIRE(acl::run_auths_sign(request, -1, -1).has_value());
  BOOST_TEST(at::read_text(payload.string() + ".sig") == expected);
}

BOOST_AUTO_TEST_CASE(unlock_and_lock_talk_to_the_agent) {
  at::HomeEnv env;
  const auto key = ac::PrivateKey::from_raw(ac::KeyType::kEd25519, hex(kEd25519Seed)).value();
  BOOST_REQUIRE(acl::save_key(env.home(), "laptop", key, "test passphrase").has_value());
  const std::string home = env.home().string();
  BOOST_TEST(acl::default_agent_alias(home).value() == "laptop");
  // The identity's own keys never go to an agent, and are no default.
  BOOST_REQUIRE(acl::init_identity(home, {}, "test passphrase").has_value());
  BOOST_TEST(acl::default_agent_alias(home).value() == "laptop");
  for (const char* alias : {"identity", "identity.next"}) {
    auto refused = acl::unlock_key(home, alias, "test passphrase", 60);
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error().message.find("the identity's own key") != std::string::npos);
  }

  {
    const at::EnvGuard no_agent{"SSH_AUTH_SOCK", std::nullopt};
    auto none = acl::unlock_key(home, "laptop", "test passphrase", 60);
    BOOST_REQUIRE(!none.has_value());
    BOOST_TEST(none.error().message.find("SSH_AUTH_SOCK is not set") != std::string::npos);
  }
  const fs::path socket = env.dir.path() / "agent.sock";
  const at::EnvGuard agent_env{"SSH_AUTH_SOCK", socket.string()};
  bool held = false;
  FakeAgent agent(socket, [&](const au::Bytes& req) {
    if (req.front() == ag::kAddIdConstrained) held = true;
    if (req.front() == ag::kRemoveIdentity) {
      const bool was = held;
      held = false;
      return au::Bytes{was ? ag::kSuccess : ag::kFailure};
    }
    return au::Bytes{ag::kSuccess};
  });
  BOOST_TEST(acl::agent_socket().value() == socket.string());
  // A wrong passphrase sends nothing.
  BOOST_TEST(!acl::unlock_key(home, "laptop", "wrong", 60).has_value());
  BOOST_TEST(agent.requests().empty());
  const auto unlocked = acl::unlock_key(home, "laptop", "test passphrase", 60).value();
  BOOST_TEST(unlocked.lifetime_seconds == 60u);
  BOOST_TEST(unlocked.key.alias == "laptop");
  const auto requests = agent.requests();
  BOOST_REQUIRE(requests.size() == 1u);
  BOOST_TEST(au::hex_encode(requests.front()) ==
             au::hex_encode(ag::add_identity_message(key, "auths:laptop", 60).value()));
  BOOST_TEST(acl::lock_key(home, "laptop").has_value());
  auto again = acl::lock_key(home, "laptop");
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST((again.error().code == auths::ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_SUITE_END()
