// GitSigner (git_signer.h): user.signingKey read as git reads it, signed through gpg.ssh.program.
#include "git_signer.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "auths/client/keys.h"
#include "auths/client/sign_tool.h"
#include "file_io.h"
#include "git/repository.h"
#include "util/strings.h"

extern char** environ;

namespace auths::client {

namespace fs = std::filesystem;

// Named (not anonymous): GitSigner::State holds them.
namespace git_signing {

/// A temporary directory, removed with what it holds when this goes out of scope.
class TempDir {
 public:
  static Result<TempDir> make() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/auths-sign-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      return Error::io("cannot create a temporary directory: " + errno_text(errno));
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  const std::string& path() const { return m_path; }

 private:
  explicit TempDir(std::string path) : m_path(std::move(path)) {}
  std::string m_path;
};

/// What user.signingKey names: the public key, and what to hand the signing program.
struct SigningKey {
  std::optional<crypto::PublicKey> key;
  std::string file;      // -f
  bool literal = false;  // -U: a public key whose private half is in ssh-agent
};

}  // namespace git_signing

namespace {

using git_signing::SigningKey;
using git_signing::TempDir;

constexpr size_t kMaxKeyFile = 64 * 1024;

Result<crypto::PublicKey> key_line(std::string_view line, const std::string& where) {
  auto key = crypto::parse_ssh_public_key_line(util::trim(line));
  if (!key) return Error::invalid_argument(key.error().message, where);
  return key;
}

/// As git reads user.signingKey for gpg.format=ssh: "key::<line>" or a line starting with
/// "ssh-" is the key itself; anything else a path (the private key, or its .pub with the
/// private half in ssh-agent). "auths:<alias>" names a key of the identity home.
Result<SigningKey> signing_key(const std::string& value, const std::string& temp_dir) {
  SigningKey out;
  if (util::starts_with(value, kAuthsKeyPrefix)) {
    auto home = auths_home();
    if (!home) return home.error();
    auto stored = find_stored_key(*home, value.substr(kAuthsKeyPrefix.size()));
    if (!stored) return stored.error();
    auto key = key_line(stored->ssh_public_key, value);
    if (!key) return key.error();
    out.key = std::move(*key);
    out.file = value;
    return out;
  }
  if (util::starts_with(value, "key::") || util::starts_with(value, "ssh-")) {
    const std::string line = util::starts_with(value, "key::") ? value.substr(5) : value;
    auto key = key_line(line, "user.signingKey");
    if (!key) return key.error();
    out.key = std::move(*key);
    out.file = temp_dir + "/signing-key.pub";
    if (auto ok = write_file(out.file, line + "\n", 0600, false); !ok) return ok.error();
    out.literal = true;
    return out;
  }
  std::string path = value;
  if (util::starts_with(path, "~/")) {
    auto home = user_home_directory();
    if (!home) return home.error();
    path = *home + path.substr(1);
  }
  const std::string pub = util::ends_with(path, ".pub") ? path : path + ".pub";
  auto text = read_file(pub, kMaxKeyFile);
  if (!text) {
    return Error::invalid_argument("cannot read the public key of user.signingKey '" + value +
                                   "': " + text.error().to_string());
  }
  auto key = key_line(*text, pub);
  if (!key) return key.error();
  out.key = std::move(*key);
  out.file = path;
  out.literal = path == pub;
  return out;
}

}  // namespace

struct GitSigner::State {
  git_signing::TempDir temp;
  git_signing::SigningKey key;
  std::string program;
};

GitSigner::GitSigner(std::unique_ptr<State> state) : m_state(std::move(state)) {}
GitSigner::GitSigner(GitSigner&&) noexcept = default;
GitSigner::~GitSigner() = default;

Result<GitSigner> GitSigner::open(const git::Repository& repo, std::string_view purpose) {
  auto configured = repo.config_string("user.signingKey", git::ConfigScope::kRepositoryAndEnvironment);
  if (!configured) return configured.error();
  if (!configured->has_value()) {
    return Error::invalid_argument("no user.signingKey: " + std::string(purpose) +
                                   " with the key you sign with (git config user.signingKey)");
  }
  auto program = repo.config_string("gpg.ssh.program", git::ConfigScope::kRepositoryAndEnvironment);
  if (!program) return program.error();
  auto temp = TempDir::make();
  if (!temp) return temp.error();
  auto key = signing_key(**configured, temp->path());
  if (!key) return key.error();
  return GitSigner(
      std::make_unique<State>(State{std::move(*temp), std::move(*key), std::move(*program).value_or("ssh-keygen")}));
}

const crypto::PublicKey& GitSigner::key() const { return *m_state->key.key; }

/// Runs `program -Y sign -n NAMESPACE -f KEY [-U] [-q] FILE` (stdin, stdout and stderr the caller's,
/// for a passphrase prompt); the signature is FILE.sig.
Result<std::string> GitSigner::sign(std::string_view message, std::string_view namespace_, bool quiet) const {
  const std::string file = m_state->temp.path() + "/message";
  std::error_code ec;
  fs::remove(file, ec);
  fs::remove(file + ".sig", ec);
  if (auto ok = write_file(file, message, 0600, false); !ok) return ok.error();
  const std::string& program = m_state->program;
  std::vector<std::string> args{program, "-Y", "sign", "-n", std::string(namespace_), "-f", m_state->key.file};
  if (m_state->key.literal) args.emplace_back("-U");
  if (quiet) args.emplace_back("-q");
  args.push_back(file);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return Error::io("cannot run '" + program + "' (gpg.ssh.program): " + errno_text(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error::io("'" + program + " -Y sign' failed (" +
                     (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status)) : "killed by a signal") +
                     "): nothing was signed");
  }
  return read_file(file + ".sig", kMaxKeyFile);
}

}  // namespace auths::client
