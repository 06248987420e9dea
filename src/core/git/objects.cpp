#include "git/objects.h"

#include <charconv>
#include <initializer_list>

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

/// One header line: its name, its value (after the first space), and where it is in the object.
struct HeaderLine {
  std::string_view name;
  std::string_view value;
  bool has_value = false;  // there was a space after the name
  std::string_view line;   // the line including its '\n'
  bool continuation = false;
};

/// The header section of an object: the lines before the first blank line, each with its '\n',
/// and the offset of the body (after the blank line). Refuses a header section that has no blank
/// line after it, that starts with a blank line or that contains a NUL byte.
struct Sections {
  std::vector<HeaderLine> headers;
  size_t body = 0;
};

/// A header name, quoted for a one-line message (it comes from a pushed object).
std::string quoted(std::string_view name) { return std::string("'") + util::printable(name, 40) + "'"; }

Result<Sections> split_sections(std::string_view raw, std::string_view what) {
  const size_t blank = raw.find("\n\n");
  if (blank == std::string_view::npos) {
    return Error::corrupt(std::string(what) + " header section is not terminated by a blank line");
  }
  const std::string_view header = raw.substr(0, blank + 1);
  if (header.find('\0') != std::string_view::npos) {
    return Error::corrupt(std::string(what) + " header section contains a NUL byte");
  }
  Sections out;
  out.body = blank + 2;
  size_t pos = 0;
  while (pos < header.size()) {
    const size_t eol = header.find('\n', pos);  // found: the header section ends with '\n'
    HeaderLine h;
    h.line = header.substr(pos, eol + 1 - pos);
    const std::string_view text = header.substr(pos, eol - pos);
    pos = eol + 1;
    if (text.empty()) return Error::corrupt(std::string(what) + " starts with a blank line");
    if (text.front() == ' ') {
      h.continuation = true;
      h.value = text.substr(1);
      h.has_value = true;
    } else {
      const size_t space = text.find(' ');
      h.name = text.substr(0, space);
      if (space != std::string_view::npos) {
        h.value = text.substr(space + 1);
        h.has_value = true;
      }
    }
    out.headers.push_back(h);
  }
  return out;
}

/// A header name git and libgit2 cannot mistake for anything else: not starting with '-' (a
/// line that could open an armour block), no control characters.
bool plausible_header_name(std::string_view name) {
  if (name.empty() || name.front() == '-') return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

/// "<40 lowercase hex>" as git writes object ids (get_oid_hex would also take uppercase).
Result<Oid> parse_oid_field(const HeaderLine& h, std::string_view what) {
  const std::string_view hex = h.value;
  bool ok = h.has_value && hex.size() == 40;
  for (const char c : hex) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) {
    return Error::corrupt(std::string(what) + " line is not '" + std::string(h.name) + " <40 lowercase hex digits>'");
  }
  auto oid = Oid::from_hex(hex);
  if (!oid) return Error::corrupt(std::string(what) + ": " + oid.error().message);
  return *oid;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

/// "Name <email> 1700000000 +0100" -> 1700000000. The email may contain spaces and even '>',
/// so the time is read after the last '>' (as git's split_ident_line does for the date). After
/// it, exactly: one space, the decimal timestamp, one space, a sign and four digits, end of
/// line. git's own ident parsing is more lenient (extra spaces, a missing timezone, no date at
/// all give a date of 0); such lines are refused here so that the committer time the engine
/// uses is the one git would pass to ssh-keygen (gpg-interface.c parse_payload_metadata).
Result<int64_t> parse_ident_time(const HeaderLine& h, std::string_view what) {
  const std::string_view ident = h.value;
  const size_t lt = ident.find('<');
  const size_t gt = ident.rfind('>');
  if (!h.has_value || lt == std::string_view::npos || gt == std::string_view::npos || gt < lt) {
    return Error::corrupt(std::string(what) + " line has no '<email>'");
  }
  std::string_view rest = ident.substr(gt + 1);
  if (rest.empty() || rest.front() != ' ') return Error::corrupt(std::string(what) + " line has no timestamp");
  rest.remove_prefix(1);
  const size_t space = rest.find(' ');
  const std::string_view digits = rest.substr(0, space);
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!all_digits(digits) || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return Error::corrupt(std::string(what) + " line has no valid timestamp");
  }
  if (digits.size() > 1 && digits.front() == '0') {  // git fsck: zeroPaddedDate
    return Error::corrupt(std::string(what) + " line has a zero-padded timestamp");
  }
  const std::string_view tz = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  if (tz.size() != 5 || (tz.front() != '+' && tz.front() != '-') || !all_digits(tz.substr(1))) {
    return Error::corrupt(std::string(what) + " line has no valid timezone (+hhmm or -hhmm) after the timestamp");
  }
  return value;
}

/// Why the commit header `expected` is not at headers[i] (it must come right after `after`).
Error missing(const std::vector<HeaderLine>& headers, size_t i, std::string_view expected, std::string_view after) {
  const std::string want = std::string("'").append(expected).append("'");
  if (i < headers.size() && headers[i].continuation) {
    return Error::corrupt("commit has a continuation line where its " + want + " line belongs");
  }
  if (i < headers.size()) {
    for (const std::string_view name : {"tree", "parent", "author", "committer"}) {
      if (headers[i].name == name) {
        return Error::corrupt(std::string("commit has a misplaced or duplicate '").append(name) + "' line where its " +
                              want + " line belongs");
      }
    }
  }
  return Error::corrupt("commit has no " + want + " line right after " + std::string(after));
}

bool is_base64_line(std::string_view line) {
  for (const char c : line) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

/// An SSH signature exactly as git's verifier reads it and as the hook's does, or an Error.
/// git writes the signature to a file for `ssh-keygen -Y verify`, whose sshsig_dearmor wants
/// the BEGIN line followed by "\n", takes the first "\n-----END SSH SIGNATURE-----" as the
/// end and ignores what follows, and skips any whitespace inside the base64; sshsig::dearmor
/// instead drops a '\r' before each '\n' and refuses text after the END line. Where the two
/// would judge the same bytes differently (CRLF, text after END, spaces in the base64), the
/// object is refused: exactly one BEGIN line, lines of base64 (or empty), the END line, then
/// nothing but empty lines. Other formats (PGP, X.509) are left to the verifier, which refuses
/// them.
Status check_ssh_armor(std::string_view signature, std::string_view what) {
  constexpr std::string_view kBegin = "-----BEGIN SSH SIGNATURE-----";
  constexpr std::string_view kEnd = "-----END SSH SIGNATURE-----";
  const auto refuse = [&](std::string_view why) {
    return Error::corrupt(std::string(what) + " SSH signature armour " + std::string(why));
  };
  size_t pos = 0;
  bool first = true;
  while (pos < signature.size()) {
    const size_t eol = signature.find('\n', pos);
    const std::string_view line =
        signature.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? signature.size() : eol + 1;
    if (first) {
      if (line != kBegin || eol == std::string_view::npos) return refuse("does not start with a BEGIN line");
      first = false;
      continue;
    }
    if (util::starts_with(line, kEnd)) {
      if (line != kEnd) return refuse("has text after its END marker");
      if (signature.find_first_not_of('\n', pos) != std::string_view::npos)
        return refuse("has text after its END line");
      return {};
    }
    if (!is_base64_line(line)) return refuse("has a line that is not base64");
  }
  return refuse("has no END line");
}

/// Checks one header after the fixed ones (commit: after committer; tag: after tagger) against
/// the rules both object kinds share. `fixed` are the names that may appear only in their place.
Status check_extra_header(const HeaderLine& h, std::initializer_list<std::string_view> fixed, std::string_view what) {
  for (const auto name : fixed) {
    if (h.name == name) {
      return Error::corrupt(std::string(what) + " has a misplaced or duplicate '" + std::string(name) + "' header");
    }
  }
  if (!plausible_header_name(h.name)) {
    return Error::corrupt(std::string(what) + " has an invalid header name " + quoted(h.name));
  }
  return {};
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
  auto sections = split_sections(raw, "commit");
  if (!sections) return sections.error();
  const auto& headers = sections->headers;
  CommitInfo info;
  info.payload.reserve(raw.size());

  size_t i = 0;
  const auto fixed = [&](std::string_view name) { return i < headers.size() && headers[i].name == name; };
  // tree: the first line (git: "bogus commit object" otherwise).
  if (!fixed("tree")) return Error::corrupt("commit does not start with a 'tree' line");
  auto tree = parse_oid_field(headers[i], "tree");
  if (!tree) return tree.error();
  info.tree = *tree;
  info.payload.append(headers[i++].line);
  // parent: only the lines right after tree (git stops reading parents at the first other line).
  while (fixed("parent")) {
    auto parent = parse_oid_field(headers[i], "parent");
    if (!parent) return parent.error();
    info.parents.push_back(*parent);
    info.payload.append(headers[i++].line);
  }
  // author, then committer, each exactly once (libgit2 skips extra author lines; git's fsck
  // refuses them).
  if (!fixed("author")) return missing(headers, i, "author", "its tree and parent lines");
  auto author_time = parse_ident_time(headers[i], "author");
  if (!author_time) return author_time.error();
  info.author_time = *author_time;
  info.payload.append(headers[i++].line);
  if (!fixed("committer")) return missing(headers, i, "committer", "its 'author' line");
  auto committer_time = parse_ident_time(headers[i], "committer");
  if (!committer_time) return committer_time.error();
  info.committer_time = *committer_time;
  info.payload.append(headers[i++].line);

  // The other headers. Which one the current continuation lines belong to:
  enum class Current { kFixed, kSignature, kOtherSignature, kKeep } current = Current::kFixed;
  bool have_signature = false;
  bool have_sha256_signature = false;
  bool have_encoding = false;
  for (; i < headers.size(); ++i) {
    const HeaderLine& h = headers[i];
    if (h.continuation) {
      switch (current) {
        case Current::kFixed: return Error::corrupt("commit has a continuation line after its 'committer' line");
        case Current::kSignature:
          info.signature.append(h.line.substr(1));  // without the leading space, with the '\n'
          break;
        case Current::kOtherSignature: break;
        case Current::kKeep: info.payload.append(h.line); break;
      }
      continue;
    }
    if (auto ok = check_extra_header(h, {"tree", "parent", "author", "committer"}, "commit"); !ok) return ok.error();
    if (util::starts_with(h.name, "gpgsig")) {
      if (h.name == "gpgsig" && h.has_value) {
        if (have_signature) return Error::corrupt("commit has more than one 'gpgsig' header");
        have_signature = true;
        info.signature.append(h.line.substr(h.name.size() + 1));
        current = Current::kSignature;
      } else if (h.name == "gpgsig-sha256" && h.has_value) {
        if (have_sha256_signature) return Error::corrupt("commit has more than one 'gpgsig-sha256' header");
        have_sha256_signature = true;
        current = Current::kOtherSignature;
      } else {
        return Error::corrupt(std::string("commit has a malformed or unknown signature header ") + quoted(h.name));
      }
      continue;  // neither signature header is part of the payload
    }
    if (h.name == "encoding") {
      if (have_encoding) return Error::corrupt("commit has more than one 'encoding' header");
      have_encoding = true;
    }
    info.payload.append(h.line);
    current = Current::kKeep;
  }

  if (signature_format(info.signature) == SignatureFormat::kSsh) {
    if (auto ok = check_ssh_armor(info.signature, "commit"); !ok) return ok.error();
  }
  info.payload.push_back('\n');  // the blank line
  info.message = std::string(raw.substr(sections->body));
  info.payload.append(info.message);
  return info;
}

ObjectType object_type_from_name(std::string_view name) {
  if (name == "commit") return ObjectType::kCommit;
  if (name == "tree") return ObjectType::kTree;
  if (name == "blob") return ObjectType::kBlob;
  if (name == "tag") return ObjectType::kTag;
  return ObjectType::kUnknown;
}

const char* to_string(ObjectType type) {
  switch (type) {
    case ObjectType::kCommit: return "commit";
    case ObjectType::kTree: return "tree";
    case ObjectType::kBlob: return "blob";
    case ObjectType::kTag: return "tag";
    case ObjectType::kUnknown: return "unknown";
  }
  return "unknown";
}

Result<TagInfo> parse_tag(std::string_view raw) {
  auto sections = split_sections(raw, "tag");
  if (!sections) return sections.error();
  const auto& headers = sections->headers;
  TagInfo info;

  size_t i = 0;
  const auto fixed = [&](std::string_view name) {
    return i < headers.size() && !headers[i].continuation && headers[i].name == name && headers[i].has_value;
  };
  if (!fixed("object")) return Error::corrupt("tag does not start with an 'object' line");
  auto target = parse_oid_field(headers[i++], "object");
  if (!target) return target.error();
  info.target = *target;

  if (!fixed("type")) return Error::corrupt("tag has no 'type' line right after its 'object' line");
  info.target_type = object_type_from_name(headers[i].value);
  if (info.target_type == ObjectType::kUnknown) {
    return Error::corrupt(std::string("tag has an unknown object type ") + quoted(headers[i].value));
  }
  ++i;

  if (!fixed("tag")) return Error::corrupt("tag has no 'tag' line right after its 'type' line");
  if (headers[i].value.empty()) return Error::corrupt("tag has an empty name");
  info.name = std::string(headers[i++].value);

  if (fixed("tagger")) {
    auto time = parse_ident_time(headers[i++], "tagger");
    if (!time) return time.error();
    info.has_tagger = true;
    info.tagger_time = *time;
  }
  if (i < headers.size() && !info.has_tagger) {
    return Error::corrupt("tag has a header other than 'tagger' after its 'tag' line");
  }
  for (bool in_extra = false; i < headers.size(); ++i) {
    const HeaderLine& h = headers[i];
    if (h.continuation) {
      if (!in_extra) return Error::corrupt("tag has a continuation line after its 'tagger' line");
      continue;
    }
    if (auto ok = check_extra_header(h, {"object", "type", "tag", "tagger"}, "tag"); !ok) return ok.error();
    if (util::starts_with(h.name, "gpgsig")) {
      return Error::corrupt(std::string("tag has a signature header ") + quoted(h.name) +
                            " (git leaves it out of what it verifies)");
    }
    in_extra = true;
  }

  // The signature starts at the last line of the message that begins an armour block.
  const size_t body = sections->body;
  size_t sig_start = std::string_view::npos;
  for (size_t line_start = body; line_start < raw.size();) {
    const size_t eol = raw.find('\n', line_start);
    if (starts_armor(
            raw.substr(line_start, eol == std::string_view::npos ? std::string_view::npos : eol - line_start))) {
      sig_start = line_start;
    }
    if (eol == std::string_view::npos) break;
    line_start = eol + 1;
  }
  if (sig_start == std::string_view::npos) sig_start = raw.size();
  const std::string_view signature = raw.substr(sig_start);
  if (!signature.empty() && !info.has_tagger) {
    // git verifies nothing without the signer's time (gpg-interface.c parse_payload_metadata
    // returns 1 when find_commit_header finds no "tagger" line; check_signature then gives up).
    return Error::corrupt("tag is signed but has no 'tagger' line, so git never verifies its signature");
  }
  if (signature_format(signature) == SignatureFormat::kSsh) {
    if (auto ok = check_ssh_armor(signature, "tag"); !ok) return ok.error();
  }
  info.payload = std::string(raw.substr(0, sig_start));
  info.signature = std::string(raw.substr(sig_start));
  info.message = std::string(raw.substr(body, sig_start - body));
  return info;
}

Status check_tag_target_type(ObjectType claimed, ObjectType actual) {
  if (claimed == actual && claimed != ObjectType::kUnknown) return {};
  return Error::corrupt(std::string("tag says its object is a ") + to_string(claimed) + " but it is a " +
                        to_string(actual));
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
