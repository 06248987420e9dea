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

/// A message as git interpret-trailers sees it: its lines (without the final newline), where
/// the content ends (before a scissors line and the trailing comments and blank lines), and its
/// last paragraph [start, end), a trailer block when every line is "Token: value" or a
/// continuation line and some text comes before it.
struct Layout {
  std::vector<std::string_view> lines;
  size_t start = 0;
  size_t end = 0;
  bool block = false;
};

Layout layout_of(std::string_view message) {
  Layout m;
  m.lines = util::split(message, '\n');
  if (!m.lines.empty() && m.lines.back().empty()) m.lines.pop_back();  // the final newline
  m.end = m.lines.size();
  for (size_t i = 0; i < m.lines.size(); ++i) {
    if (is_scissors(m.lines[i])) {
      m.end = i;
      break;
    }
  }
  while (m.end > 0 && (is_blank(m.lines[m.end - 1]) || is_comment(m.lines[m.end - 1]))) --m.end;
  m.start = m.end;
  while (m.start > 0 && !is_blank(m.lines[m.start - 1])) --m.start;
  bool has_text_before = false;
  for (size_t i = 0; i + 1 < m.start; ++i) has_text_before = has_text_before || !is_blank(m.lines[i]);
  m.block = has_text_before && m.end > 0;
  for (size_t i = m.start; m.block && i < m.end; ++i) {
    const bool continuation = i > m.start && (m.lines[i].front() == ' ' || m.lines[i].front() == '\t');
    if (!continuation && trailer_token(m.lines[i]).empty()) m.block = false;
  }
  return m;
}

/// The message with the content's last paragraph [start, end) replaced by `paragraph` (a new
/// paragraph after the content when it is no trailer block); without `paragraph`, the paragraph
/// and the blank lines before it are dropped.
std::string assemble(const Layout& m, const std::vector<std::string>& paragraph) {
  size_t keep = m.block ? m.start : m.end;
  if (paragraph.empty()) {
    while (keep > 0 && is_blank(m.lines[keep - 1])) --keep;
  }
  std::string out;
  for (size_t i = 0; i < keep; ++i) out.append(m.lines[i]).push_back('\n');
  if (!paragraph.empty() && !m.block) out.push_back('\n');
  for (const auto& line : paragraph) out.append(line).push_back('\n');
  for (size_t i = m.end; i < m.lines.size(); ++i) out.append(m.lines[i]).push_back('\n');
  return out;
}

/// The trailer block's lines, each trailer with its continuation lines, as (token, lines).
std::vector<std::pair<std::string, std::vector<std::string>>> block_trailers(const Layout& m) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (size_t i = m.start; m.block && i < m.end; ++i) {
    const bool continuation = i > m.start && (m.lines[i].front() == ' ' || m.lines[i].front() == '\t');
    if (!continuation) out.emplace_back(trailer_token(m.lines[i]), std::vector<std::string>{});
    out.back().second.emplace_back(m.lines[i]);
  }
  return out;
}

}  // namespace

std::string add_claim_trailers(std::string_view message, const SigningClaims& claims) {
  const Layout m = layout_of(message);
  if (m.end == 0) return std::string(message);
  std::vector<std::string> paragraph;
  std::vector<std::string> tokens;
  for (auto& [token, lines] : block_trailers(m)) {
    tokens.push_back(token);
    paragraph.insert(paragraph.end(), lines.begin(), lines.end());
  }
  const auto present = [&](std::string_view name) {
    return std::find(tokens.begin(), tokens.end(), util::to_lower(name)) != tokens.end();
  };
  const size_t before = paragraph.size();
  if (!claims.identity.empty() && !present(kIdTrailer))
    paragraph.push_back(std::string(kIdTrailer) + ": " + claims.identity);
  if (!claims.device.empty() && !present(kDeviceTrailer))
    paragraph.push_back(std::string(kDeviceTrailer) + ": " + claims.device);
  if (paragraph.size() == before) return std::string(message);
  return assemble(m, paragraph);
}

std::string replace_trailers(std::string_view message, std::string_view key, const std::vector<std::string>& lines) {
  const Layout m = layout_of(message);
  if (m.end == 0) return std::string(message);
  const std::string token = util::to_lower(key);
  std::vector<std::string> paragraph;
  bool removed = false;
  for (auto& [name, trailer] : block_trailers(m)) {
    if (name == token) {
      removed = true;
      continue;
    }
    paragraph.insert(paragraph.end(), trailer.begin(), trailer.end());
  }
  if (!removed && lines.empty()) return std::string(message);
  paragraph.insert(paragraph.end(), lines.begin(), lines.end());
  return assemble(m, paragraph);
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
