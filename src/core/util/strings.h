// Small string helpers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace auths::util {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower(std::string_view s);
/// Replaces control characters (and anything outside printable ASCII) so that text from a
/// pushed object can be shown on one terminal line without escape sequences.
std::string printable(std::string_view s, size_t max_len = 200);

}  // namespace auths::util
