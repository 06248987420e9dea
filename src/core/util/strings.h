// Small string helpers.
#pragma once

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

}  // namespace auths::util
