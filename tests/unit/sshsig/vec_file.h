// Reader for the Botan-.vec-like data files in tests/data/sshsig/: records of "field = value"
// lines separated by blank lines; '#' lines are comments, and "# why: ..." is kept as the
// record's reason so that a failing case says why it exists.
#pragma once

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace auths::test {

struct VecRecord {
  std::string why;
  std::map<std::string, std::string> fields;

  bool has(const std::string& key) const { return fields.count(key) != 0; }
  const std::string& get(const std::string& key) const {
    const auto it = fields.find(key);
    if (it == fields.end()) throw std::runtime_error("vector '" + name() + "' has no field '" + key + "'");
    return it->second;
  }
  std::string name() const {
    const auto it = fields.find("name");
    return it == fields.end() ? std::string("?") : it->second;
  }
};

inline std::vector<VecRecord> read_vec_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<VecRecord> out;
  VecRecord current;
  const auto flush = [&] {
    if (!current.fields.empty()) out.push_back(current);
    current = VecRecord{};
  };
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      flush();
    } else if (line[0] == '#') {
      if (line.rfind("# why: ", 0) == 0) current.why = line.substr(7);
    } else {
      const size_t eq = line.find(" = ");
      if (eq == std::string::npos) throw std::runtime_error(path + ": bad line: " + line);
      current.fields[line.substr(0, eq)] = line.substr(eq + 3);
    }
  }
  flush();
  return out;
}

/// The armour fields store line breaks as the two characters "\n".
inline std::string unescape_newlines(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace auths::test
