// FakeRepo: an in-memory git::RepoView for table tests of the engine's decisions. Objects are
// stored as git stores them (their ids are git's: SHA-1 of "<type> <size>\0<content>"), so the
// engine reads exactly the bytes a real repository would hand it, hand-made malformed objects
// included. Commits and tags are signed with SSHSIG in namespace "git" over the payload git
// signs (the object without its signature), by keys made from fixed seeds.
//
// FakeRecords: state::Records in memory (baseline, accepted tips, accepted objects, signatures
// verified good).
#pragma once

#include <botan/hash.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auths/types.h"
#include "crypto/private_key.h"
#include "git/repo_view.h"
#include "sshsig/sign.h"
#include "state/records.h"
#include "support/printers.h"

namespace auths::test {

/// A signing key made from a fixed seed (the same key in every run), with its policy line.
struct TestKey {
  std::string name;
  crypto::PrivateKey key;

  static TestKey make(std::string name, uint8_t seed) {
    std::vector<uint8_t> raw(32, seed);
    raw[0] = 0x5a;
    return {std::move(name), std::move(crypto::PrivateKey::from_raw(crypto::KeyType::kEd25519, raw).value())};
  }
  /// "ssh-ed25519 AAAA... name", as a policy's `signers` lists it.
  std::string line() const { return key.public_key().to_ssh_line(name); }
};

class FakeRepo final : public git::RepoView {
 public:
  using Files = std::map<std::string, std::string>;  // path -> content

  // --- building objects -----------------------------------------------------------------------

  Oid add(git::ObjectType type, const std::string& data) {
    const Oid id = hash(type, data);
    m_objects[id] = git::RawObject{type, data};
    return id;
  }

  Oid blob(const std::string& content) { return add(git::ObjectType::kBlob, content); }

  /// A tree holding `files` ("dir/name" -> content), with the nested trees it needs.
  Oid tree(const Files& files) {
    std::map<std::string, std::string> entries;  // git's sort key -> entry bytes
    std::map<std::string, Files> dirs;
    for (const auto& [path, content] : files) {
      const size_t slash = path.find('/');
      if (slash == std::string::npos) {
        entries[path] = entry("100644", path, blob(content));
      } else {
        dirs[path.substr(0, slash)][path.substr(slash + 1)] = content;
      }
    }
    for (const auto& [dir, sub] : dirs) entries[dir + "/"] = entry("40000", dir, tree(sub));
    std::string data;
    for (const auto& [key, bytes] : entries) data += bytes;
    return add(git::ObjectType::kTree, data);
  }

  /// The commit's bytes as git writes them: `files` as the whole tree, signed when `signer`
  /// is set (nullptr: unsigned).
  std::string commit_text(const Files& files, const std::vector<Oid>& parents, const TestKey* signer,
                          int64_t time = 1700000000, const std::string& message = "work\n") {
    const Oid tree_id = tree(files);
    std::string head = "tree " + tree_id.hex() + "\n";
    for (const auto& p : parents) head += "parent " + p.hex() + "\n";
    const std::string ident = " <dev@example.org> " + std::to_string(time) + " +0000\n";
    head += "author Dev" + ident + "committer Dev" + ident;
    const std::string payload = head + "\n" + message;
    if (signer == nullptr) return payload;
    return head + gpgsig_header(sign(*signer, payload)) + "\n" + message;
  }

  /// An armoured signature as a gpgsig header: continuation lines start with a space.
  static std::string gpgsig_header(const std::string& armor) {
    std::string out = "gpgsig";
    size_t start = 0;
    while (start < armor.size()) {
      const size_t eol = armor.find('\n', start);
      out.append(" ").append(armor, start, eol - start).append("\n");
      start = eol + 1;
    }
    return out;
  }

  Oid commit(const Files& files, const std::vector<Oid>& parents, const TestKey* signer, int64_t time = 1700000000,
             const std::string& message = "work\n") {
    return add(git::ObjectType::kCommit, commit_text(files, parents, signer, time, message));
  }

  /// An annotated tag `name` of `target`, signed when `signer` is set.
  Oid tag(const std::string& name, const Oid& target, const TestKey* signer,
          git::ObjectType type = git::ObjectType::kCommit, int64_t time = 1700000000) {
    const char* type_name = type == git::ObjectType::kCommit ? "commit"
                            : type == git::ObjectType::kTree ? "tree"
                            : type == git::ObjectType::kBlob ? "blob"
                                                             : "tag";
    std::string text = "object " + target.hex() + "\ntype " + type_name + "\ntag " + name +
                       "\ntagger Dev <dev@example.org> " + std::to_string(time) + " +0000\n\nrelease " + name + "\n";
    if (signer != nullptr) text += sign(*signer, text);
    return add(git::ObjectType::kTag, text);
  }

  static std::string sign(const TestKey& signer, const std::string& payload) {
    const auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
    return sshsig::armor(sshsig::sign(signer.key, bytes, "git").value());
  }

  // --- refs -----------------------------------------------------------------------------------

  void set_ref(const std::string& name, const Oid& oid) {
    m_symbolic.erase(name);
    m_direct[name] = oid;
  }
  void set_symref(const std::string& name, const std::string& target) {
    m_direct.erase(name);
    m_symbolic[name] = target;
  }
  void remove_ref(const std::string& name) {
    m_direct.erase(name);
    m_symbolic.erase(name);
  }
  void set_head(const std::string& target) { m_head = target; }

  // --- git::RepoView --------------------------------------------------------------------------

  Result<git::RawObject> read(const Oid& oid) const override {
    const auto it = m_objects.find(oid);
    if (it == m_objects.end()) return Error::not_found("no such object", oid.hex());
    return it->second;
  }
  Result<git::ObjectType> type_of(const Oid& oid) const override {
    const auto it = m_objects.find(oid);
    if (it == m_objects.end()) return Error::not_found("no such object", oid.hex());
    return it->second.type;
  }
  bool contains(const Oid& oid) const override { return m_objects.count(oid) != 0; }

  /// Commits reachable from `tip` and from none of `hidden`, children before parents, by full
  /// reachability: the oracle engine/commit_index.cpp's walk is tested against.
  Result<std::vector<Oid>> walk(const Oid& tip, std::span<const Oid> hidden, const git::Stop& stop) const {
    std::set<Oid> excluded;
    for (const Oid& h : hidden) {
      if (Status s = reach(h, excluded); !s) return s.error();
    }
    // Children before parents: a depth-first post-order, reversed.
    std::vector<Oid> order;
    std::set<Oid> seen;
    if (Status s = post_order(tip, excluded, seen, order, stop); !s) return s.error();
    std::reverse(order.begin(), order.end());
    return order;
  }
  /// Full reachability: the oracle CommitIndex::descends_from is held to (commit_index_test).
  Result<bool> is_ancestor(const Oid& ancestor, const Oid& descendant) const {
    std::set<Oid> reachable;
    if (Status s = reach(descendant, reachable); !s) return s.error();
    return reachable.count(ancestor) != 0;
  }
  Status each_ref(const git::RefVisitor& visit) const override {
    for (const auto& [name, oid] : m_direct) visit({name, oid, ""});
    for (const auto& [name, target] : m_symbolic) visit({name, std::nullopt, target});
    return {};
  }
  Result<std::string> head_target() const override { return m_head; }

 private:
  static std::string entry(const std::string& mode, const std::string& name, const Oid& id) {
    return mode + " " + name + std::string(1, '\0') +
           std::string(reinterpret_cast<const char*>(id.bytes().data()), Oid::kSize);
  }

  static Oid hash(git::ObjectType type, const std::string& data) {
    const char* name = type == git::ObjectType::kCommit ? "commit"
                       : type == git::ObjectType::kTree ? "tree"
                       : type == git::ObjectType::kBlob ? "blob"
                                                        : "tag";
    const std::string header = std::string(name) + " " + std::to_string(data.size()) + std::string(1, '\0');
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(header);
    sha1->update(data);
    const auto digest = sha1->final();
    std::array<uint8_t, Oid::kSize> bytes{};
    std::copy(digest.begin(), digest.end(), bytes.begin());
    return Oid(bytes);
  }

  /// The parents git reads (consecutive parent lines right after the tree line).
  Result<std::vector<Oid>> parents_of(const Oid& commit) const {
    auto raw = read(commit);
    if (!raw) return raw.error();
    std::vector<Oid> out;
    size_t pos = raw->data.find('\n');
    while (pos != std::string::npos && raw->data.compare(pos + 1, 7, "parent ") == 0) {
      out.push_back(Oid::from_hex(raw->data.substr(pos + 8, 40)).value());
      pos = raw->data.find('\n', pos + 1);
    }
    return out;
  }

  Status reach(const Oid& from, std::set<Oid>& out) const {
    std::deque<Oid> todo{from};
    while (!todo.empty()) {
      const Oid c = todo.front();
      todo.pop_front();
      if (!out.insert(c).second) continue;
      auto parents = parents_of(c);
      if (!parents) return parents.error();
      todo.insert(todo.end(), parents->begin(), parents->end());
    }
    return {};
  }

  Status post_order(const Oid& c, const std::set<Oid>& excluded, std::set<Oid>& seen, std::vector<Oid>& out,
                    const git::Stop& stop) const {
    if (excluded.count(c) != 0 || !seen.insert(c).second) return {};
    if (stop && stop()) return Error::internal("walk stopped");
    auto parents = parents_of(c);
    if (!parents) return parents.error();
    for (const Oid& p : *parents) {
      if (Status s = post_order(p, excluded, seen, out, stop); !s) return s;
    }
    out.push_back(c);
    return {};
  }

  std::map<Oid, git::RawObject> m_objects;
  std::map<std::string, Oid> m_direct;
  std::map<std::string, std::string> m_symbolic;
  std::string m_head = "refs/heads/main";
};

class FakeRecords final : public state::Records {
 public:
  std::vector<std::pair<std::string, Oid>> baseline_refs;
  std::vector<state::TipRecord> tips;
  std::map<Oid, int64_t> objects;
  std::map<std::string, Oid> last;            // the last tip git applied per ref (tags too)
  std::set<state::GoodSignature> signatures;  // verified good under engine::kSignatureRules
  int64_t signature_rules = 1;                // the rules `signatures` were verified under
  mutable size_t signature_reads = 0;         // calls of good_signatures

  Result<std::vector<Oid>> baseline() const override {
    std::vector<Oid> out;
    for (const auto& [ref, oid] : baseline_refs) out.push_back(oid);
    return out;
  }
  Result<std::vector<state::TipRecord>> accepted_tips() const override { return tips; }
  Result<std::optional<Oid>> last_tip(std::string_view ref) const override {
    if (const auto it = last.find(std::string(ref)); it != last.end()) return std::optional<Oid>(it->second);
    for (auto it = tips.rbegin(); it != tips.rend(); ++it) {
      if (it->ref == ref) return std::optional<Oid>(it->tip);
    }
    for (const auto& [name, oid] : baseline_refs) {
      if (name == ref) return std::optional<Oid>(oid);
    }
    return std::optional<Oid>{};
  }
  Result<std::optional<int64_t>> accepted_at(const Oid& object) const override {
    const auto it = objects.find(object);
    if (it == objects.end()) return std::optional<int64_t>{};
    return std::optional<int64_t>(it->second);
  }
  Result<std::vector<state::GoodSignature>> good_signatures(std::span<const Oid> asked, int64_t rules) const override {
    ++signature_reads;
    std::vector<state::GoodSignature> out;
    if (rules != signature_rules) return out;
    const std::set<Oid> wanted(asked.begin(), asked.end());
    for (const auto& g : signatures) {
      if (wanted.count(g.object) != 0) out.push_back(g);
    }
    return out;
  }
};

/// Does `d` carry a violation `code` (at `object`, when given)? For the engine's table tests.
inline bool has_violation(const Decision& d, Reason code, const std::optional<Oid>& object = std::nullopt) {
  return std::any_of(d.violations.begin(), d.violations.end(), [&](const Violation& v) {
    return v.code == code && (!object || (v.object && *v.object == *object));
  });
}

/// Every violation of `d` as "code (message); ", or "none", for test messages.
inline std::string violation_codes(const Decision& d) {
  std::string out;
  for (const auto& v : d.violations) out += std::string(name(v.code)) + " (" + v.message + "); ";
  return out.empty() ? "none" : out;
}

}  // namespace auths::test
