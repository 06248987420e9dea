#include "keri/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace auths::keri {

namespace {

// Decodes UTF-8 into UTF-16 code units; false on malformed UTF-8 (overlong forms, surrogates,
// code points above U+10FFFF, truncated sequences).
bool utf8_to_utf16(std::string_view s, std::u16string& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) {
      return false;
    }
    for (size_t j = 1; j < len; ++j) {
      const auto cc = static_cast<unsigned char>(s[i + j]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = cp << 6 | (cc & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return true;
}

Status append_string(std::string_view s, std::string& out) {
  std::u16string ignored;
  if (!utf8_to_utf16(s, ignored)) {
    return Error::invalid_argument("string is not valid UTF-8");
  }
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return {};
}

template <typename Json>
Status append_value(const Json& value, std::string& out) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: out += "null"; return {};
    case nlohmann::json::value_t::boolean: out += value.template get<bool>() ? "true" : "false"; return {};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: {
      const bool negative =
          value.type() == nlohmann::json::value_t::number_integer && value.template get<int64_t>() < 0;
      // Compare as integers: converting first would round 2^53 + 1 down to 2^53.
      const uint64_t magnitude =
          negative ? 0 - static_cast<uint64_t>(value.template get<int64_t>()) : value.template get<uint64_t>();
      if (magnitude > kMaxExactInteger) {
        return Error::unsupported("integer outside the exact range of an IEEE-754 double");
      }
      out += negative ? std::to_string(value.template get<int64_t>()) : std::to_string(value.template get<uint64_t>());
      return {};
    }
    case nlohmann::json::value_t::number_float: {
      auto text = format_es_number(value.template get<double>());
      if (!text) {
        return text.error();
      }
      out += *text;
      return {};
    }
    case nlohmann::json::value_t::string: return append_string(value.template get_ref<const std::string&>(), out);
    case nlohmann::json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) {
          out.push_back(',');
        }
        first = false;
        if (auto st = append_value(item, out); !st) {
          return st;
        }
      }
      out.push_back(']');
      return {};
    }
    case nlohmann::json::value_t::object: {
      // Sort member names by UTF-16 code units (RFC 8785 section 3.2.3).
      struct Member {
        std::u16string sort_key;
        const std::string* name;
        const Json* value;
      };
      std::vector<Member> members;
      for (auto it = value.begin(); it != value.end(); ++it) {
        std::u16string utf16;
        if (!utf8_to_utf16(it.key(), utf16)) {
          return Error::invalid_argument("member name is not valid UTF-8");
        }
        members.push_back(Member{std::move(utf16), &it.key(), &it.value()});
      }
      std::sort(members.begin(), members.end(),
                [](const Member& a, const Member& b) { return a.sort_key < b.sort_key; });
      out.push_back('{');
      bool first = true;
      for (const auto& member : members) {
        if (!first) {
          out.push_back(',');
        }
        first = false;
        if (auto st = append_string(*member.name, out); !st) {
          return st;
        }
        out.push_back(':');
        if (auto st = append_value(*member.value, out); !st) {
          return st;
        }
      }
      out.push_back('}');
      return {};
    }
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: break;
  }
  return Error::invalid_argument("value has no JSON representation");
}

template <typename Json>
Result<Json> parse_strict(std::string_view text, size_t max_bytes, size_t max_depth) {
  if (text.size() > max_bytes) {
    return Error::invalid_argument("JSON document larger than " + std::to_string(max_bytes) + " bytes");
  }
  // The parser callback sees each member name; one set of names per open object.
  std::vector<std::set<std::string>> open_objects;
  std::string problem;
  const auto callback = [&](int depth, nlohmann::json::parse_event_t event, Json& parsed) {
    if (static_cast<size_t>(depth) > max_depth && problem.empty()) {
      problem = "JSON nested deeper than " + std::to_string(max_depth);
    }
    switch (event) {
      case nlohmann::json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case nlohmann::json::parse_event_t::object_end:
        if (!open_objects.empty()) {
          open_objects.pop_back();
        }
        break;
      case nlohmann::json::parse_event_t::key:
        if (!open_objects.empty() && !open_objects.back().insert(parsed.template get<std::string>()).second &&
            problem.empty()) {
          problem = "duplicate member name '" + parsed.template get<std::string>() + "'";
        }
        break;
      default: break;
    }
    return true;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                             /*ignore_comments=*/false);
    if (!problem.empty()) {
      return Error::invalid_argument(problem);
    }
    return value;
  } catch (const nlohmann::json::exception& e) {
    return Error::invalid_argument(std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace

Result<std::string> format_es_number(double value) {
  if (!std::isfinite(value)) {
    return Error::invalid_argument("NaN and infinity have no JSON representation");
  }
  if (value == 0) {
    return std::string("0");  // also -0 (ECMAScript prints "0")
  }
  // Shortest round-trip digits (the same digits ECMAScript's algorithm chooses), in the form
  // "[-]d[.ddd]e[+-]xx".
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  if (res.ec != std::errc()) {
    return Error::internal("cannot format number");
  }
  const std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e_pos = sci.find('e');
  std::string_view mantissa = sci.substr(0, e_pos);
  const int exponent = std::stoi(std::string(sci.substr(e_pos + 1)));
  std::string out;
  if (!mantissa.empty() && mantissa[0] == '-') {
    out.push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.') {
      digits.push_back(c);
    }
  }
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
  // ECMA-262 Number::toString: value = 0.digits x 10^n, with k = number of digits.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

Result<std::string> canonicalize(const nlohmann::json& value) {
  std::string out;
  if (auto st = append_value(value, out); !st) {
    return st.error();
  }
  return out;
}

Result<std::string> canonicalize(const nlohmann::ordered_json& value) {
  std::string out;
  if (auto st = append_value(value, out); !st) {
    return st.error();
  }
  return out;
}

Result<nlohmann::json> parse_json_strict(std::string_view text, size_t max_bytes, size_t max_depth) {
  return parse_strict<nlohmann::json>(text, max_bytes, max_depth);
}

Result<nlohmann::ordered_json> parse_ordered_json_strict(std::string_view text, size_t max_bytes, size_t max_depth) {
  return parse_strict<nlohmann::ordered_json>(text, max_bytes, max_depth);
}

}  // namespace auths::keri
