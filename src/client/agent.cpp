// agent.h: the SSH agent protocol over $SSH_AUTH_SOCK, for `auths key unlock | lock` and
// auths-sign.
#include "agent.h"

#include <botan/mem_ops.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "file_io.h"
#include "ssh/wire.h"

namespace auths::client::agent {

namespace {

constexpr size_t kEd25519Size = 32;
constexpr size_t kP256PointSize = 65;  // 0x04 || x || y
// More than an add message holds besides its comment (P-256: about 160 bytes).
constexpr size_t kAddMessageCapacity = 512;

/// The key type name and, for P-256, the curve name and the uncompressed point Q, from the key's
/// SSH public key blob (RFC 8709, RFC 5656 section 3.1).
struct BlobFields {
  std::string type;
  util::Bytes point;  // P-256 only
};

Result<BlobFields> blob_fields(const crypto::PublicKey& key) {
  ssh::wire::Reader reader(std::span<const uint8_t>(key.ssh_blob()));
  auto type = reader.read_text("key type");
  if (!type) return type.error();
  BlobFields out{std::string(*type), {}};
  if (key.type() == crypto::KeyType::kEcdsaP256) {
    auto curve = reader.read_text("curve");
    if (!curve) return curve.error();
    auto point = reader.read_string("Q");
    if (!point) return point.error();
    if (point->size() != kP256PointSize) return Error::corrupt("P-256 point is not uncompressed");
    out.point.assign(point->begin(), point->end());
  }
  return out;
}

}  // namespace

Result<util::Bytes> add_identity_message(const crypto::PrivateKey& key, std::string_view comment,
                                         uint32_t lifetime_seconds) {
  if (lifetime_seconds == 0) return Error::invalid_argument("the agent lifetime must be at least 1 second");
  const crypto::PublicKey& pub = key.public_key();
  auto fields = blob_fields(pub);
  if (!fields) return fields.error();
  util::Bytes secret = key.raw();
  ssh::wire::Writer w;
  w.reserve(kAddMessageCapacity + comment.size());
  w.put_bytes(std::span<const uint8_t>(&kAddIdConstrained, 1));
  switch (key.type()) {
    case crypto::KeyType::kEd25519: {
      // OpenSSH keeps an Ed25519 private key as seed || public key (64 bytes).
      const util::Bytes& a = pub.raw();
      if (secret.size() != kEd25519Size || a.size() != kEd25519Size) {
        Botan::secure_scrub_memory(secret.data(), secret.size());
        return Error::internal("unexpected Ed25519 key size");
      }
      util::Bytes seed_and_public;
      seed_and_public.reserve(2 * kEd25519Size);  // one buffer, wiped below
      seed_and_public.insert(seed_and_public.end(), secret.begin(), secret.end());
      seed_and_public.insert(seed_and_public.end(), a.begin(), a.end());
      w.put_string(std::string_view(fields->type));
      w.put_string(std::span<const uint8_t>(a));
      w.put_string(std::span<const uint8_t>(seed_and_public));
      Botan::secure_scrub_memory(seed_and_public.data(), seed_and_public.size());
      break;
    }
    case crypto::KeyType::kEcdsaP256:
      w.put_string(std::string_view(fields->type));
      w.put_string(std::string_view("nistp256"));
      w.put_string(std::span<const uint8_t>(fields->point));
      w.put_unsigned_mpint(std::span<const uint8_t>(secret));
      break;
    case crypto::KeyType::kRsa:
      Botan::secure_scrub_memory(secret.data(), secret.size());
      return Error::unsupported("only Ed25519 and P-256 keys go to the agent");
  }
  Botan::secure_scrub_memory(secret.data(), secret.size());
  w.put_string(comment);
  w.put_bytes(std::span<const uint8_t>(&kConstrainLifetime, 1));
  w.put_uint32(lifetime_seconds);
  return std::move(w).take();
}

util::Bytes remove_identity_message(const crypto::PublicKey& key) {
  ssh::wire::Writer w;
  w.put_bytes(std::span<const uint8_t>(&kRemoveIdentity, 1));
  w.put_string(std::span<const uint8_t>(key.ssh_blob()));
  return std::move(w).take();
}

util::Bytes sign_request_message(const crypto::PublicKey& key, std::span<const uint8_t> data) {
  ssh::wire::Writer w;
  w.put_bytes(std::span<const uint8_t>(&kSignRequest, 1));
  w.put_string(std::span<const uint8_t>(key.ssh_blob()));
  w.put_string(data);
  w.put_uint32(0);
  return std::move(w).take();
}

Result<bool> is_success(std::span<const uint8_t> reply) {
  if (reply.empty()) return Error::corrupt("empty reply from the agent");
  return reply.front() == kSuccess;
}

Result<std::optional<util::Bytes>> parse_sign_response(std::span<const uint8_t> reply, const crypto::PublicKey& key) {
  if (reply.empty()) return Error::corrupt("empty reply from the agent");
  if (reply.front() == kFailure) return std::optional<util::Bytes>{};
  if (reply.front() != kSignResponse) {
    return Error::corrupt("unexpected reply " + std::to_string(reply.front()) + " from the agent to a sign request");
  }
  ssh::wire::Reader reader(reply.subspan(1));
  auto signature = reader.read_string("signature");
  if (!signature) return signature.error();
  if (!reader.at_end()) return Error::corrupt("trailing bytes after the agent's signature");
  ssh::wire::Reader inner(*signature);
  auto algorithm = inner.read_text("signature algorithm");
  if (!algorithm) return algorithm.error();
  auto blob = inner.read_string("signature blob");
  if (!blob) return blob.error();
  if (!inner.at_end()) return Error::corrupt("trailing bytes in the agent's signature");
  auto fields = blob_fields(key);
  if (!fields) return fields.error();
  if (*algorithm != fields->type) {
    return Error::corrupt("the agent signed with '" + std::string(*algorithm) + "', not " + fields->type);
  }
  return std::optional<util::Bytes>(util::Bytes(signature->begin(), signature->end()));
}

std::optional<std::string> socket_path() {
  const char* path = std::getenv("SSH_AUTH_SOCK");
  if (path == nullptr || *path == '\0') return std::nullopt;
  return std::string(path);
}

Result<Connection> Connection::open(const std::string& path, int timeout_seconds) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return Error::invalid_argument("agent socket path is too long", path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::io("cannot create a socket: " + errno_text(errno));
  Connection connection(fd, path);
  timeval timeout{};
  timeout.tv_sec = timeout_seconds;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  int rc = 0;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    if (err == ENOENT || err == ECONNREFUSED) return Error::not_found("no ssh-agent listens at SSH_AUTH_SOCK", path);
    return Error::io("cannot connect to the ssh-agent: " + errno_text(err), path);
  }
  return connection;
}

Connection::Connection(Connection&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)) {}

Connection::~Connection() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<util::Bytes> Connection::call(std::span<const uint8_t> message) {
  ssh::wire::Writer prefix;
  prefix.put_uint32(static_cast<uint32_t>(message.size()));
  for (const std::span<const uint8_t> part : {std::span<const uint8_t>(prefix.bytes()), message}) {
    size_t done = 0;
    while (done < part.size()) {
      // MSG_NOSIGNAL: an agent that went away is an error here, not a SIGPIPE.
      const ssize_t n = ::send(m_fd, part.data() + done, part.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error::io("cannot write to the ssh-agent: " + errno_text(errno), m_path);
      done += static_cast<size_t>(n);
    }
  }
  const auto read_exactly = [this](uint8_t* out, size_t size) -> Status {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::read(m_fd, out + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return Error::io("the ssh-agent did not answer in time", m_path);
      if (n < 0) return Error::io("cannot read from the ssh-agent: " + errno_text(errno), m_path);
      if (n == 0) return Error::io("the ssh-agent closed the connection", m_path);
      done += static_cast<size_t>(n);
    }
    return {};
  };
  uint8_t header[4];
  if (auto ok = read_exactly(header, sizeof header); !ok) return ok.error();
  const uint32_t length =
      (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) | uint32_t{header[3]};
  if (length == 0 || length > kMaxReplySize) {
    return Error::corrupt("the ssh-agent's reply has length " + std::to_string(length), m_path);
  }
  util::Bytes reply(length);
  if (auto ok = read_exactly(reply.data(), reply.size()); !ok) return ok.error();
  return reply;
}

Result<Connection> connect() {
  const auto socket = socket_path();
  if (!socket) return Error::not_found("no ssh-agent: SSH_AUTH_SOCK is not set (start one: eval \"$(ssh-agent)\")");
  return Connection::open(*socket);
}

Result<std::string> add_key(const crypto::PrivateKey& key, std::string_view comment, uint32_t lifetime_seconds) {
  auto connection = connect();
  if (!connection) return connection.error();
  auto message = add_identity_message(key, comment, lifetime_seconds);
  if (!message) return message.error();
  const auto reply = connection->call(*message);
  Botan::secure_scrub_memory(message->data(), message->size());
  if (!reply) return reply.error();
  const auto added = is_success(*reply);
  if (!added) return added.error();
  const std::string socket = *socket_path();
  if (!*added) return Error::io("the ssh-agent refused the key (is it locked with ssh-add -x?)", socket);
  return socket;
}

}  // namespace auths::client::agent
