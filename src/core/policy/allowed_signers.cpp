// allowed_signers files, as ssh-keygen(1) "ALLOWED SIGNERS" describes them, and the checks
// their options impose (check_signer).
//
// ssh-keygen(1):
//   "Each line of the file contains the following space-separated fields: principals,
//    options, keytype, base64-encoded key. Empty lines and lines starting with a '#' are
//    ignored as comments."
//   "The options (if present) consist of comma-separated option specifications. No spaces are
//    permitted, except within double quotes. [...] option keywords are case-insensitive"
//
// Where this parser is stricter than ssh-keygen, it says so in a comment: a policy file is read
// by a hook that must fail closed, so anything ambiguous is an error rather than a guess.
// Every error is ErrorCode::kPolicy (the file is part of the policy) with "<source>:<line>".
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "util/strings.h"

namespace auths::policy {

namespace {

constexpr std::string_view kBlanks = " \t";

// ssh_config(5) PATTERNS: '*' matches zero or more characters, '?' exactly one; everything
// else matches itself, case-sensitively (sshsig.c matches namespaces with dolower = 0).
// Classic greedy matching with one backtrack point: linear in practice, O(n*m) at worst.
bool match_ssh_pattern(std::string_view text, std::string_view pattern) {
  size_t t = 0;
  size_t p = 0;
  size_t star_p = std::string_view::npos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// ssh_config(5) pattern-list semantics (match_pattern_list in OpenSSH's match.c): the text must
// match at least one pattern and no negated ('!') pattern; a negated match wins outright.
bool match_ssh_pattern_list(std::string_view text, const std::vector<std::string>& patterns) {
  bool positive = false;
  for (const std::string& pattern : patterns) {
    const std::string_view p = pattern;
    if (!p.empty() && p.front() == '!') {
      if (match_ssh_pattern(text, p.substr(1))) return false;
    } else if (match_ssh_pattern(text, p)) {
      positive = true;
    }
  }
  return positive;
}

// Takes the next blank-delimited field off the front of `rest`. Double quotes protect blanks
// (ssh-keygen: "No spaces are permitted, except within double quotes"). nullopt when a quote is
// not closed. An empty result means the line has no more fields.
std::optional<std::string_view> take_field(std::string_view& rest) {
  const size_t start = rest.find_first_not_of(kBlanks);
  if (start == std::string_view::npos) {
    rest = {};
    return std::string_view{};
  }
  rest.remove_prefix(start);
  bool quoted = false;
  size_t i = 0;
  for (; i < rest.size(); ++i) {
    const char c = rest[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      break;
    }
  }
  if (quoted) return std::nullopt;
  const std::string_view field = rest.substr(0, i);
  rest.remove_prefix(i);
  return field;
}

// A key type starts the key; anything else in the second field is an option list. SSH key type
// names all start with one of these ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa",
// "sk-ssh-ed25519@openssh.com"); the option keywords never do. Types the crypto layer does not
// support are then reported by it, with its reason.
bool is_key_type(std::string_view field) {
  return util::starts_with(field, "ssh-") || util::starts_with(field, "ecdsa-") || util::starts_with(field, "sk-");
}

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int v = 0;
  for (const char c : digits) v = v * 10 + (c - '0');
  return v;
}

// "YYYYMMDD[Z]" or "YYYYMMDDHHMM[SS][Z]" (ssh-keygen(1)); OpenSSH 9 also accepts a "UTC"
// suffix for "Z", and so do we. A date alone means 00:00:00 of that day, as in OpenSSH's
// parse_absolute_time.
//
// Time zone: ssh-keygen reads a time without 'Z' in "the current system time zone". A hook
// must not give a different answer depending on the TZ of whichever process runs it (git
// daemon, Gitea, GitLab's gitaly, a developer's pre-push), so we read such times as UTC, the
// zone servers run in anyway. On a machine set to another zone, `ssh-keygen -Y verify` and
// this parser can disagree by that zone's offset: write the 'Z' to be exact everywhere.
//
// Like OpenSSH, which stores 0 as "no option", times at or before 1970-01-01T00:00:00 are
// rejected.
std::optional<int64_t> parse_time(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits.back() == 'Z' || digits.back() == 'z')) {
    digits.remove_suffix(1);
  } else if (digits.size() > 3 && util::to_lower(digits.substr(digits.size() - 3)) == "utc") {
    digits.remove_suffix(3);
  }
  if ((digits.size() != 8 && digits.size() != 12 && digits.size() != 14) || !all_digits(digits)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{to_int(digits.substr(0, 4))},
                                         std::chrono::month{static_cast<unsigned>(to_int(digits.substr(4, 2)))},
                                         std::chrono::day{static_cast<unsigned>(to_int(digits.substr(6, 2)))}};
  if (!date.ok()) return std::nullopt;
  const int hour = digits.size() >= 12 ? to_int(digits.substr(8, 2)) : 0;
  const int minute = digits.size() >= 12 ? to_int(digits.substr(10, 2)) : 0;
  const int second = digits.size() == 14 ? to_int(digits.substr(12, 2)) : 0;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  if (seconds <= 0) return std::nullopt;
  return seconds;
}

// One non-comment line of an allowed_signers file.
class LineParser {
 public:
  LineParser(std::string_view line, std::string origin) : m_line(line), m_origin(std::move(origin)) {}

  Result<Signer> parse() const {
    std::string_view rest = m_line;
    const std::optional<std::string_view> principals = take_field(rest);
    if (!principals) return error("unterminated quote");
    const std::optional<std::string_view> second = take_field(rest);
    if (!second) return error("unterminated quote");
    if (second->empty()) return error("missing public key");

    const std::string_view name = unquote(*principals);
    if (name.empty()) return error("empty principals field");

    Options options;
    std::string_view key_text;
    if (is_key_type(*second)) {
      key_text = m_line.substr(static_cast<size_t>(second->data() - m_line.data()));
    } else {
      const Status parsed = parse_options(*second, options);
      if (!parsed) return parsed.error();
      key_text = util::trim(rest);
      if (key_text.empty()) return error("missing public key");
    }

    Result<crypto::PublicKey> key = crypto::parse_ssh_public_key_line(util::trim(key_text));
    if (!key) return error("invalid key: " + key.error().message);
    return Signer{std::string(name),   std::move(key).value(), m_origin, std::move(options.namespaces),
                  options.valid_after, options.valid_before};
  }

 private:
  // The options field of one line; absent options leave their member empty.
  struct Options {
    std::vector<std::string> namespaces;
    std::optional<int64_t> valid_after;
    std::optional<int64_t> valid_before;
  };

  Error error(std::string message) const { return Error::policy(std::move(message), m_origin); }

  // ssh-keygen accepts a quoted principals field; the quotes are not part of the name.
  static std::string_view unquote(std::string_view field) {
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') return field.substr(1, field.size() - 2);
    return field;
  }

  Status parse_options(std::string_view opts, Options& options) const {
    bool seen_namespaces = false;
    while (true) {
      const size_t end = opts.find_first_of("=,");
      const std::string_view keyword = opts.substr(0, end);
      const std::string lower = util::to_lower(keyword);
      if (lower == "cert-authority") {
        // We verify plain keys only; an SSH certificate's CA key must not silently become an
        // ordinary signer (it would allow signatures by the CA key itself, never by certs).
        return error("certificate authorities are not supported");
      }
      if (lower != "namespaces" && lower != "valid-after" && lower != "valid-before") {
        return error("unknown option '" + util::printable(keyword, 40) + "'");
      }
      if (end == std::string_view::npos || opts[end] != '=') return error("option '" + lower + "' needs a value");
      opts.remove_prefix(end + 1);
      // OpenSSH's opt_dequote requires the quotes; so do we. No escapes: none of these values
      // can contain a quote.
      if (opts.empty() || opts.front() != '"') return error("value of option '" + lower + "' must be quoted");
      const size_t close = opts.find('"', 1);
      if (close == std::string_view::npos) return error("unterminated quote");
      const std::string_view value = opts.substr(1, close - 1);
      opts.remove_prefix(close + 1);

      if (lower == "namespaces") {
        if (seen_namespaces) return error("duplicate option 'namespaces'");
        seen_namespaces = true;
        for (const std::string_view pattern : util::split(value, ',')) {
          // An empty pattern matches nothing, and "namespaces=\"\"" would make the key useless:
          // both are mistakes, not intentions.
          if (pattern.empty() || pattern == "!") return error("empty pattern in option 'namespaces'");
          options.namespaces.emplace_back(pattern);
        }
      } else {
        std::optional<int64_t>& slot = lower == "valid-after" ? options.valid_after : options.valid_before;
        if (slot) return error("duplicate option '" + lower + "'");
        slot = parse_time(value);
        if (!slot) return error("invalid time '" + util::printable(value, 40) + "' in option '" + lower + "'");
      }

      if (opts.empty()) break;
      if (opts.front() != ',') return error("expected ',' after option '" + lower + "'");
      opts.remove_prefix(1);
      if (opts.empty()) return error("trailing ',' in options");
    }
    // OpenSSH (sshsigopt_parse) refuses valid-before <= valid-after: an empty window is a
    // mistake.
    if (options.valid_after && options.valid_before && *options.valid_before <= *options.valid_after) {
      return error("'valid-before' is not later than 'valid-after'");
    }
    return {};
  }

  std::string_view m_line;
  std::string m_origin;
};

}  // namespace

Result<std::vector<Signer>> parse_allowed_signers(std::string_view text, std::string_view source) {
  std::vector<Signer> signers;
  int line_number = 0;
  for (std::string_view line : util::split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view content = util::trim(line);
    if (content.empty() || content.front() == '#') continue;
    Result<Signer> signer = LineParser(content, std::string(source) + ":" + std::to_string(line_number)).parse();
    if (!signer) return signer.error();
    signers.push_back(std::move(signer).value());
  }
  return signers;
}

// ssh-keygen checks the options in this order (sshsig.c, check_allowed_keys_line): namespace,
// then valid-after ("key is not yet valid: verify time < valid-after"), then valid-before
// ("key has expired: verify time > valid-before"). Both bounds are inclusive, as ssh-keygen(1)
// says: "valid for use at or after" / "at or before the specified timestamp".
SignerCheck check_signer(const Signer& signer, std::string_view namespace_, int64_t time) {
  if (!signer.namespaces.empty() && !match_ssh_pattern_list(namespace_, signer.namespaces)) {
    return SignerCheck::kNamespaceNotAllowed;
  }
  if (signer.valid_after && time < *signer.valid_after) return SignerCheck::kNotYetValid;
  if (signer.valid_before && time > *signer.valid_before) return SignerCheck::kExpired;
  return SignerCheck::kOk;
}

}  // namespace auths::policy
