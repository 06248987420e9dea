// read_policy_suite (policy_suite.h): JSON through nlohmann/json; YAML through yaml-cpp,
// converted to the same JSON first so both forms meet one set of checks.
#include "policy_suite.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

namespace auths::cli {

namespace {

using Json = nlohmann::json;

/// A malformed suite: the message, without the case it is in (added by the caller).
struct SuiteError {
  std::string message;
};

bool ends_with_any(const std::string& path, std::initializer_list<std::string_view> suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [&path](std::string_view s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  });
}

/// A YAML plain scalar as JSON would type it: true/false, null, an integer, else a string.
/// Quoted scalars stay strings.
Json yaml_scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
    if (text == "null" || text == "~" || text.empty()) return nullptr;
    const bool digits = !text.empty() && std::all_of(text.begin() + (text[0] == '-' ? 1 : 0), text.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    if (digits && text != "-" && text.size() < 19) return std::stoll(text);
  }
  return text;
}

Json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& item : node) out[item.first.as<std::string>()] = yaml_to_json(item.second);
      return out;
    }
    case YAML::NodeType::Scalar: return yaml_scalar(node);
    default: return nullptr;
  }
}

std::string text_of(const Json& value, const std::string& key) {
  if (!value.is_string()) throw SuiteError{"'" + key + "' must be a string"};
  return value.get<std::string>();
}

std::vector<std::string> list_of(const Json& value, const std::string& key) {
  if (!value.is_array()) throw SuiteError{"'" + key + "' must be a list of strings"};
  std::vector<std::string> out;
  for (const Json& item : value) out.push_back(text_of(item, key + "[]"));
  return out;
}

int64_t integer_of(const Json& value, const std::string& key) {
  if (!value.is_number_integer()) throw SuiteError{"'" + key + "' must be an integer (unix seconds for times)"};
  return value.get<int64_t>();
}

bool flag_of(const Json& value, const std::string& key) {
  if (!value.is_boolean()) throw SuiteError{"'" + key + "' must be true or false"};
  return value.get<bool>();
}

/// Reads one signer key of a context or an approval; false when `key` is not one.
bool read_signer_key(const std::string& key, const Json& value, PolicyTestSigner& s) {
  if (key == "signer" || key == "subject") {
    s.signer = text_of(value, key);
  } else if (key == "signer_type") {
    s.signer_type = text_of(value, key);
    if (*s.signer_type != "Human" && *s.signer_type != "Agent" && *s.signer_type != "Workload") {
      throw SuiteError{"'signer_type' must be Human, Agent or Workload"};
    }
  } else if (key == "capabilities") {
    if (!value.is_null()) s.capabilities = list_of(value, key);
  } else if (key == "role") {
    s.role = text_of(value, key);
  } else if (key == "teams") {
    s.teams = list_of(value, key);
  } else if (key == "delegated_by") {
    s.delegated_by = text_of(value, key);
  } else if (key == "issuer") {
    s.issuer = text_of(value, key);
  } else if (key == "chain_depth") {
    s.chain_depth = static_cast<int>(integer_of(value, key));
  } else if (key == "expires_at") {
    s.expires_at = integer_of(value, key);
  } else if (key == "issued_at" || key == "timestamp") {
    s.issued_at = integer_of(value, key);
  } else if (key == "revoked") {
    s.revoked = flag_of(value, key);
  } else if (key == "ephemeral") {
    s.ephemeral = flag_of(value, key);
  } else {
    return false;
  }
  return true;
}

constexpr std::string_view kContextKeys =
    "signer, signer_type, capabilities, role, teams, delegated_by, issuer, chain_depth, expires_at, issued_at, "
    "revoked, ephemeral, ref, repo, paths, now, approvals";

PolicyTestApproval read_approval(const Json& value, size_t index) {
  const std::string where = "approvals[" + std::to_string(index) + "]";
  if (!value.is_object()) throw SuiteError{where + " must be an object"};
  PolicyTestApproval approval;
  for (const auto& [key, item] : value.items()) {
    if (key == "verdict") {
      const std::string verdict = text_of(item, where + ".verdict");
      if (verdict != "approve" && verdict != "reject") throw SuiteError{where + ".verdict must be approve or reject"};
      approval.approve = verdict == "approve";
    } else if (!read_signer_key(key, item, approval.signer)) {
      throw SuiteError{"unknown key '" + key + "' in " + where};
    }
  }
  if (approval.signer.signer.empty()) throw SuiteError{where + " has no 'signer'"};
  return approval;
}

PolicyTestContext read_context(const Json& value) {
  if (!value.is_object()) throw SuiteError{"'context' must be an object"};
  PolicyTestContext context;
  for (const auto& [key, item] : value.items()) {
    if (read_signer_key(key, item, context.signer)) continue;
    if (key == "ref" || key == "git_ref") {
      context.ref = text_of(item, key);
    } else if (key == "repo") {
      context.repo = text_of(item, key);
    } else if (key == "paths") {
      context.paths = list_of(item, key);
    } else if (key == "now") {
      context.now = integer_of(item, key);
    } else if (key == "approvals") {
      if (!item.is_array()) throw SuiteError{"'approvals' must be a list"};
      for (size_t i = 0; i < item.size(); ++i) context.approvals.push_back(read_approval(item[i], i));
    } else {
      throw SuiteError{"unknown key '" + key + "' in context (known: " + std::string(kContextKeys) + ")"};
    }
  }
  if (context.ref.empty()) throw SuiteError{"the context has no 'ref'"};
  return context;
}

PolicyTestCase read_case(const Json& value) {
  if (!value.is_object()) throw SuiteError{"a case must be an object with name, context and expect"};
  PolicyTestCase out;
  for (const auto& [key, item] : value.items()) {
    if (key == "name") {
      out.name = text_of(item, key);
    } else if (key == "context") {
      out.context = read_context(item);
    } else if (key == "expect") {
      out.expect = text_of(item, key);
      const PolicyVerdict probe;
      if (!verdict_meets(probe, out.expect)) {
        throw SuiteError{
            "'expect' must be allow, deny, indeterminate or a reason code (README.md, \"Reason "
            "codes\"), not '" +
            out.expect + "'"};
      }
    } else if (key != "description" && key != "comment") {
      throw SuiteError{"unknown key '" + key + "' in a case (known: name, context, expect, description)"};
    }
  }
  if (out.expect.empty()) throw SuiteError{"the case has no 'expect'"};
  if (!value.contains("context")) throw SuiteError{"the case has no 'context'"};
  return out;
}

}  // namespace

Result<std::vector<PolicyTestCase>> read_policy_suite(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    std::string message = "cannot read " + path + ": " + std::strerror(err);
    return err == ENOENT ? Error::not_found(std::move(message)) : Error::io(std::move(message));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  Json doc;
  try {
    if (ends_with_any(path, {".yaml", ".yml"})) {
      doc = yaml_to_json(YAML::Load(buffer.str()));
    } else {
      doc = Json::parse(buffer.str());
    }
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    return Error::invalid_argument(path + ": not valid " + (ends_with_any(path, {".yaml", ".yml"}) ? "YAML" : "JSON") +
                                   ": " + what);
  }
  if (doc.is_object() && doc.contains("cases")) doc = doc["cases"];
  if (!doc.is_array()) {
    return Error::invalid_argument(path + ": a suite is {\"cases\": [...]} or a list of cases");
  }
  if (doc.empty()) return Error::invalid_argument(path + ": the suite has no cases");
  std::vector<PolicyTestCase> cases;
  for (size_t i = 0; i < doc.size(); ++i) {
    try {
      cases.push_back(read_case(doc[i]));
      if (cases.back().name.empty()) cases.back().name = "case " + std::to_string(i + 1);
    } catch (const SuiteError& e) {
      std::string label = "case " + std::to_string(i + 1);
      if (doc[i].is_object() && doc[i].contains("name") && doc[i]["name"].is_string()) {
        label += " '" + doc[i]["name"].get<std::string>() + "'";
      }
      return Error::invalid_argument(path + ": " + label + ": " + e.message);
    }
  }
  return cases;
}

}  // namespace auths::cli
