#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "auths/verify.h"
#include "git/objects.h"
#include "keri/attestation.h"
#include "util/bytes.h"
#include "util/strings.h"
#include "witness/receipt.h"

namespace auths {

Result<std::string> read_all(int fd, size_t max_bytes) {
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return out;
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::io(std::strerror(errno), "reading input");
    }
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Error::invalid_argument("input larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

Status check_commit_message(std::string_view message) {
  // git strips '#' comment lines after commit-msg only for the editor path; ignore them here.
  std::string text;
  for (const auto line : util::split(message, '\n')) {
    if (!line.empty() && line.front() == '#') continue;
    text.append(line).push_back('\n');
  }
  for (const auto& [key, value] : git::parse_trailers(text)) {
    const std::string k = util::to_lower(key);
    if (!util::starts_with(k, "auths-")) continue;
    const std::string shown = util::printable(value, 80);
    if (k == "auths-id") {
      // An E-coded (CESR) Blake3 digest: its pad bits lead, so it is no plain base64url string.
      const bool ok = keri::parse_did_keri(value).has_value();
      if (!ok)
        return Error::invalid_argument("'Auths-Id' must be did:keri:E<43 base64url characters>, not '" + shown + "'");
    } else if (k == "auths-device") {
      // A device key (did:key, our device links) or a delegated identifier (did:keri, the
      // devices the Auths CLI makes).
      const bool ok = (util::starts_with(value, "did:key:z") && util::base58_decode(value.substr(9)).has_value()) ||
                      keri::parse_did_keri(value).has_value();
      if (!ok) {
        return Error::invalid_argument("'Auths-Device' must be a did:key:z... or did:keri:E... identifier, not '" +
                                       shown + "'");
      }
    } else if (k == "auths-anchor-seq") {
      // The signer's root KEL position when signing (the Auths CLI writes it): a decimal number.
      const bool ok = !value.empty() && value.size() <= 20 &&
                      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!ok) return Error::invalid_argument("'Auths-Anchor-Seq' must be a decimal number, not '" + shown + "'");
    } else if (k == "auths-scope") {
      // Capabilities the signer claims (auths sign --scope): a claim only, never a grant.
      for (const auto cap : util::split(value, ',')) {
        if (!keri::is_capability_name(util::trim(cap))) {
          return Error::invalid_argument("'Auths-Scope' must list capabilities (a-z0-9:_-), not '" + shown + "'");
        }
      }
    } else if (k == "auths-witness-receipt") {
      if (auto receipt = witness::decode_trailer_value(value); !receipt) {
        return Error::invalid_argument("'Auths-Witness-Receipt' is not a witness receipt (" +
                                       receipt.error().to_string() + "): '" + shown + "'");
      }
    } else {
      return Error::invalid_argument(
          "unknown trailer '" + key +
          "' (known: Auths-Id, Auths-Device, Auths-Anchor-Seq, Auths-Scope, Auths-Witness-Receipt)");
    }
  }
  return {};
}

}  // namespace auths
