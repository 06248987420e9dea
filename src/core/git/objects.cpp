#include "git/objects.h"

#include <charconv>

#include "util/strings.h"

namespace auths::git {

namespace {

constexpr std::string_view kArmorBegins[] = {
    "-----BEGIN SSH SIGNATURE-----",
    "-----BEGIN PGP SIGNATURE-----",
    "-----BEGIN PGP MESSAGE-----",
    "-----BEGIN SIGNED MESSAGE-----",
};

bool starts_armor(std::string_view line) {
  for (const auto begin : kArmorBegins) {
    if (util::starts_with(line, begin)) return true;
  }
  return false;
}

/// "Name <email> 1700000000 +0100" -> 1700000000. The email may contain spaces, so read after
/// the last '>'.
Result<int64_t> parse_ident_time(std::string_view ident, std::string_view what) {
  const size_t gt = ident.rfind('>');
  if (gt == std::string_view::npos) {
    return Error::corrupt(std::string(what) + " line has no '<email>'");
  }
  std::string_view rest = util::trim(ident.substr(gt + 1));
  const size_t space = rest.find(' ');
  const std::string_view digits = rest.substr(0, space);
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) {
    return Error::corrupt(std::string(what) + " line has no valid timestamp");
  }
  return value;
}

Result<Oid> parse_oid_field(std::string_view value, std::string_view what) {
  auto oid = Oid::from_hex(value);
  if (!oid) {
    return Error::corrupt(std::string(what) + ": " + oid.error().message);
  }
  return *oid;
}

}  // namespace

const char* to_string(SignatureFormat format) {
  switch (format) {
    case SignatureFormat::kNone: return "none";
    case SignatureFormat::kSsh: return "ssh";
    case SignatureFormat::kPgp: return "openpgp";
    case SignatureFormat::kX509: return "x509";
    case SignatureFormat::kUnknown: return "unknown";
  }
  return "unknown";
}

SignatureFormat signature_format(std::string_view armor) {
  if (armor.empty()) return SignatureFormat::kNone;
  if (util::starts_with(armor, "-----BEGIN SSH SIGNATURE-----")) return SignatureFormat::kSsh;
  if (util::starts_with(armor, "-----BEGIN PGP ")) return SignatureFormat::kPgp;
  if (util::starts_with(armor, "-----BEGIN SIGNED MESSAGE-----")) return SignatureFormat::kX509;
  return SignatureFormat::kUnknown;
}

Result<CommitInfo> parse_commit(std::string_view raw) {
  CommitInfo info;
  info.payload.reserve(raw.size());
  bool have_tree = false;
  bool have_committer = false;
  // Which multi-line header the current continuation lines belong to.
  enum class Continuation { kNone, kSignature, kOtherSignature, kKeep } continuation = Continuation::kNone;

  size_t pos = 0;
  while (pos < raw.size()) {
    const size_t eol = raw.find('\n', pos);
    if (eol == std::string_view::npos) {
      return Error::corrupt("commit header is not terminated by a newline");
    }
    const std::string_view line = raw.substr(pos, eol - pos);
    const std::string_view line_nl = raw.substr(pos, eol - pos + 1);
    pos = eol + 1;

    if (line.empty()) {  // end of headers: the rest is the message, kept verbatim
      info.payload.append(line_nl);
      info.message = std::string(raw.substr(pos));
      info.payload.append(info.message);
      if (!have_tree || !have_committer) {
        return Error::corrupt("commit has no tree or committer header");
      }
      return info;
    }
    if (line.front() == ' ') {
      switch (continuation) {
        case Continuation::kSignature:
          info.signature.append(line.substr(1));
          info.signature.push_back('\n');
          break;
        case Continuation::kOtherSignature: break;
        case Continuation::kKeep: info.payload.append(line_nl); break;
        case Continuation::kNone: return Error::corrupt("commit header continuation line without a header");
      }
      continue;
    }

    const size_t space = line.find(' ');
    const std::string_view name = line.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    if (name == "gpgsig") {
      if (!info.signature.empty()) {
        return Error::corrupt("commit has more than one gpgsig header");
      }
      info.signature.append(value);
      info.signature.push_back('\n');
      continuation = Continuation::kSignature;
      continue;  // not part of the payload
    }
    if (name == "gpgsig-sha256") {
      continuation = Continuation::kOtherSignature;  // the SHA-256 signature: removed from the payload too
      continue;
    }
    continuation = Continuation::kKeep;
    info.payload.append(line_nl);
    if (name == "tree") {
      auto oid = parse_oid_field(value, "tree");
      if (!oid) return oid.error();
      info.tree = *oid;
      have_tree = true;
    } else if (name == "parent") {
      auto oid = parse_oid_field(value, "parent");
      if (!oid) return oid.error();
      info.parents.push_back(*oid);
    } else if (name == "committer") {
      auto time = parse_ident_time(value, "committer");
      if (!time) return time.error();
      info.committer_time = *time;
      have_committer = true;
    }
  }
  // A commit without a blank line has an empty message; git accepts that.
  if (!have_tree || !have_committer) {
    return Error::corrupt("commit has no tree or committer header");
  }
  return info;
}

ObjectType object_type_from_name(std::string_view name) {
  if (name == "commit") return ObjectType::kCommit;
  if (name == "tree") return ObjectType::kTree;
  if (name == "blob") return ObjectType::kBlob;
  if (name == "tag") return ObjectType::kTag;
  return ObjectType::kUnknown;
}

Result<TagInfo> parse_tag(std::string_view raw) {
  TagInfo info;
  bool have_object = false;
  size_t pos = 0;
  // Headers.
  while (pos < raw.size()) {
    const size_t eol = raw.find('\n', pos);
    const std::string_view line = raw.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? raw.size() : eol + 1;
    if (line.empty()) break;
    const size_t space = line.find(' ');
    const std::string_view name = line.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    if (name == "object") {
      auto oid = parse_oid_field(value, "object");
      if (!oid) return oid.error();
      info.target = *oid;
      have_object = true;
    } else if (name == "type") {
      info.target_type = object_type_from_name(value);
    } else if (name == "tag") {
      info.name = std::string(value);
    } else if (name == "tagger") {
      auto time = parse_ident_time(value, "tagger");
      if (!time) return time.error();
      info.tagger_time = *time;
    }
  }
  if (!have_object) {
    return Error::corrupt("tag has no object header");
  }
  // The signature starts at the last line that begins an armour block.
  size_t sig_start = std::string_view::npos;
  size_t line_start = 0;
  while (line_start < raw.size()) {
    const size_t eol = raw.find('\n', line_start);
    const std::string_view line =
        raw.substr(line_start, eol == std::string_view::npos ? std::string_view::npos : eol - line_start);
    if (line_start >= pos && starts_armor(line)) sig_start = line_start;
    if (eol == std::string_view::npos) break;
    line_start = eol + 1;
  }
  if (sig_start == std::string_view::npos) {
    info.payload = std::string(raw);
  } else {
    info.payload = std::string(raw.substr(0, sig_start));
    info.signature = std::string(raw.substr(sig_start));
  }
  return info;
}

std::vector<std::pair<std::string, std::string>> parse_trailers(std::string_view message) {
  // The trailer block is the last paragraph whose every non-continuation line is "Key: value".
  std::string_view text = message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const size_t para = text.rfind("\n\n");
  const std::string_view block = para == std::string_view::npos ? std::string_view{} : text.substr(para + 2);
  std::vector<std::pair<std::string, std::string>> out;
  if (block.empty()) return out;
  for (const auto line : util::split(block, '\n')) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !out.empty()) {
      out.back().second.append(" ").append(util::trim(line));
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    const std::string_view key = line.substr(0, colon);
    for (const char c : key) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return {};
    }
    out.emplace_back(std::string(key), std::string(util::trim(line.substr(colon + 1))));
  }
  return out;
}

}  // namespace auths::git
