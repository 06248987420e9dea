// auths/client/trailers.h: the Auths-Id / Auths-Device claims the commit-msg hook adds.
#include "auths/client/trailers.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "auths/client/identity_ops.h"
#include "auths/client/sign_tool.h"
#include "file_io.h"
#include "git/repository.h"
#include "home.h"
#include "keystore.h"
#include "util/strings.h"

namespace auths::client {

namespace {

constexpr std::string_view kIdTrailer = "Auths-Id";
constexpr std::string_view kDeviceTrailer = "Auths-Device";
// What `git commit --verbose` puts above the diff (wt-status.c, cut_line); everything from this
// line on is removed by git after the hook.
constexpr std::string_view kScissors = "------------------------ >8 ------------------------";

bool is_blank(std::string_view line) { return util::trim(line).empty(); }
bool is_comment(std::string_view line) { return !line.empty() && line.front() == '#'; }
bool is_scissors(std::string_view line) { return is_comment(line) && line.find(kScissors) != std::string_view::npos; }

/// "Token: value" with a token of letters, digits and '-': its token, lowercase; else "".
std::string trailer_token(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  const std::string_view token = line.substr(0, colon);
  for (const char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return {};
  }
  return util::to_lower(token);
}

}  // namespace

std::string add_claim_trailers(std::string_view message, const SigningClaims& claims) {
  std::vector<std::string_view> lines = util::split(message, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline

  // The content ends before a scissors line and before the trailing comments and blank lines.
  size_t end = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (is_scissors(lines[i])) {
      end = i;
      break;
    }
  }
  while (end > 0 && (is_blank(lines[end - 1]) || is_comment(lines[end - 1]))) --end;
  if (end == 0) return std::string(message);

  // The trailer block: the last paragraph, not the first, every line "Token: value" or a
  // continuation line.
  size_t start = end;
  while (start > 0 && !is_blank(lines[start - 1])) --start;
  bool has_text_before = false;
  for (size_t i = 0; i + 1 < start; ++i) has_text_before = has_text_before || !is_blank(lines[i]);
  bool block = has_text_before;
  std::vector<std::string> tokens;
  for (size_t i = start; block && i < end; ++i) {
    const bool continuation = i > start && (lines[i].front() == ' ' || lines[i].front() == '\t');
    if (continuation) continue;
    std::string token = trailer_token(lines[i]);
    if (token.empty()) block = false;
    tokens.push_back(std::move(token));
  }
  const auto present = [&](std::string_view name) {
    return block && std::find(tokens.begin(), tokens.end(), util::to_lower(name)) != tokens.end();
  };
  std::vector<std::string> added;
  if (!claims.identity.empty() && !present(kIdTrailer))
    added.push_back(std::string(kIdTrailer) + ": " + claims.identity);
  if (!claims.device.empty() && !present(kDeviceTrailer))
    added.push_back(std::string(kDeviceTrailer) + ": " + claims.device);
  if (added.empty()) return std::string(message);

  std::string out;
  for (size_t i = 0; i < end; ++i) out.append(lines[i]).push_back('\n');
  if (!block) out.push_back('\n');
  for (const auto& line : added) out.append(line).push_back('\n');
  for (size_t i = end; i < lines.size(); ++i) out.append(lines[i]).push_back('\n');
  return out;
}

Result<std::optional<SigningClaims>> signing_claims(const std::string& repo_path) {
  std::string signing_key;
  {
    const git::Session session;
    auto repo = git::Repository::open_from_env(repo_path);
    if (!repo) return repo.error();
    auto configured = repo->config_string("user.signingKey", git::ConfigScope::kRepositoryAndEnvironment);
    if (!configured) return configured.error();
    if (!configured->has_value()) return std::optional<SigningClaims>{};
    signing_key = **configured;
  }
  if (!util::starts_with(signing_key, kAuthsKeyPrefix)) return std::optional<SigningClaims>{};
  const std::string alias = signing_key.substr(kAuthsKeyPrefix.size());
  if (auto ok = check_key_alias(alias); !ok) return Error::invalid_argument("user.signingKey: " + ok.error().message);

  const auto home_dir = auths_home();
  if (!home_dir) return home_dir.error();
  const std::filesystem::path home(*home_dir);
  auto config = load_identity_config(home);
  if (!config) return config.error();
  if (!config->has_value()) return std::optional<SigningClaims>{};  // a stored key with no identity
  const IdentityConfig& id = **config;
  if (!key_exists(home, alias)) {
    return Error::not_found("user.signingKey is " + std::string(kAuthsKeyPrefix) + alias + " but " + home.string() +
                            " has no key '" + alias + "'");
  }
  if (alias == id.key_alias) return std::optional<SigningClaims>(SigningClaims{id.did, ""});  // the identity key itself

  auto devices = list_devices(home.string(), /*include_revoked=*/true);
  if (!devices) return devices.error();
  for (const auto& device : *devices) {
    if (device.alias != alias) continue;
    if (device.status == "active") return std::optional<SigningClaims>(SigningClaims{id.did, device.did_key});
    return Error::invalid_argument(
        "device key '" + alias + "' is " + device.status +
        (device.status == "revoked" ? " (since " + device.revoked_at + ")" : " (since " + device.expires_at + ")"));
  }
  return Error::invalid_argument("key '" + alias + "' is not a linked device of " + id.did +
                                 " (see 'auths device link')");
}

Status rewrite_file(const std::string& path, std::string_view content) {
  // In place (same file, same mode): it is git's own message file.
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return Error::io("cannot write: " + errno_text(errno), path);
  Status written = write_all(fd, content);
  if (::close(fd) != 0 && written) written = Error::io("cannot write: " + errno_text(errno));
  if (!written) return Error{written.error().code, written.error().message, path};
  return {};
}

}  // namespace auths::client
