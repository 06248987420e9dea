// Small string helpers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace auths::util {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
/// `items` separated by `separator`.
std::string join(const std::vector<std::string>& items, std::string_view separator);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower(std::string_view s);
/// Escapes control characters, backslashes and anything outside printable ASCII (\n, \t,
/// \\, \xNN), so that text from a pushed object shows on one terminal line, with no escape
/// sequence and no way to forge another line; cut at `max_len` characters with "...".
std::string printable(std::string_view s, size_t max_len = 200);
/// Damerau-Levenshtein distance (optimal string alignment): insertions, deletions,
/// substitutions and transpositions of two adjacent characters, each counting 1.
size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate `word` was most likely meant to be, for "did you mean ...?": one equal to it
/// ignoring case, else the nearest within edit distance 2 (the first of equals); "" when none.
std::string_view closest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace auths::util
