// Ref pattern matching for `refs = [...]` (see glob_match in policy.h).
//
// Dynamic programming over (pattern position, ref position) instead of backtracking, so that a
// pattern with many stars cannot make a hook slow: O(pattern length x ref length) always.
#include <cstddef>
#include <vector>

#include "policy/policy.h"

namespace auths::policy {

namespace {

enum class TokenKind { kLiteral, kAnyChar, kStar, kDoubleStar };

struct Token {
  TokenKind kind = TokenKind::kLiteral;
  char c = 0;  // kLiteral only
};

// "**" (or any longer run of stars) is one kDoubleStar token; a lone '*' is kStar.
std::vector<Token> tokenize(std::string_view pattern) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '*') {
      size_t run = 0;
      while (i < pattern.size() && pattern[i] == '*') {
        ++run;
        ++i;
      }
      tokens.push_back({run >= 2 ? TokenKind::kDoubleStar : TokenKind::kStar, 0});
      continue;
    }
    tokens.push_back({c == '?' ? TokenKind::kAnyChar : TokenKind::kLiteral, c});
    ++i;
  }
  return tokens;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view ref_name) {
  // The characters before the first wildcard are literals: a ref that does not start with them
  // cannot match, and a pattern without a wildcard matches only itself. The hook matches every
  // ref of the server against the rules (10,000 refs: a tenth of a push's time went to the
  // table below), and most refs differ from a pattern early.
  const size_t wildcard = pattern.find_first_of("*?");
  if (wildcard == std::string_view::npos) return pattern == ref_name;
  if (ref_name.substr(0, wildcard) != pattern.substr(0, wildcard)) return false;
  const std::vector<Token> tokens = tokenize(pattern);
  const size_t n = tokens.size();
  const size_t m = ref_name.size();
  // row[j]: tokens[i..] match ref_name[j..]; computed from the last token backwards.
  std::vector<char> next(m + 1, 0);
  next[m] = 1;  // empty pattern matches empty text
  std::vector<char> row(m + 1, 0);
  for (size_t ii = n; ii-- > 0;) {
    const Token& t = tokens[ii];
    for (size_t jj = m + 1; jj-- > 0;) {
      bool match = false;
      switch (t.kind) {
        case TokenKind::kLiteral: match = jj < m && ref_name[jj] == t.c && next[jj + 1]; break;
        case TokenKind::kAnyChar: match = jj < m && ref_name[jj] != '/' && next[jj + 1]; break;
        case TokenKind::kStar:  // empty, or one non-slash character and still in the star
          match = next[jj] || (jj < m && ref_name[jj] != '/' && row[jj + 1]);
          break;
        case TokenKind::kDoubleStar:  // empty, or any character and still in the star
          match = next[jj] || (jj < m && row[jj + 1]);
          break;
      }
      row[jj] = match ? 1 : 0;
    }
    next.swap(row);
  }
  return next[0] != 0;
}

bool glob_covers(std::string_view outer, std::string_view inner) {
  const std::vector<Token> q = tokenize(outer);
  const std::vector<Token> p = tokenize(inner);
  // What one token of `outer` may absorb of `inner`: the same literal; for '?' one token that
  // stands for exactly one non-'/' character; for '*' any run of tokens that never stand for
  // '/'; for '**' anything. Whatever the absorbed tokens expand to, the outer token matches it.
  const auto one_char = [](const Token& t) {
    return (t.kind == TokenKind::kLiteral && t.c != '/') || t.kind == TokenKind::kAnyChar;
  };
  const size_t n = q.size();
  const size_t m = p.size();
  std::vector<char> next(m + 1, 0);
  next[m] = 1;
  std::vector<char> row(m + 1, 0);
  for (size_t ii = n; ii-- > 0;) {
    const Token& t = q[ii];
    for (size_t jj = m + 1; jj-- > 0;) {
      bool match = false;
      switch (t.kind) {
        case TokenKind::kLiteral:
          match = jj < m && p[jj].kind == TokenKind::kLiteral && p[jj].c == t.c && next[jj + 1];
          break;
        case TokenKind::kAnyChar: match = jj < m && one_char(p[jj]) && next[jj + 1]; break;
        case TokenKind::kStar:
          match = next[jj] || (jj < m && (one_char(p[jj]) || p[jj].kind == TokenKind::kStar) && row[jj + 1]);
          break;
        case TokenKind::kDoubleStar: match = next[jj] || (jj < m && row[jj + 1]); break;
      }
      row[jj] = match ? 1 : 0;
    }
    next.swap(row);
  }
  return next[0] != 0;
}

}  // namespace auths::policy
