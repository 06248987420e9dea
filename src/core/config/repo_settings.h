// The settings of an open repository (auths/hooks_config.h), for the facade (engine/facade.cpp)
// which has the repository open already.
#pragma once

#include <string>

#include "auths/hooks_config.h"

namespace auths::git {
class Repository;
}

namespace auths::config {

/// resolve() with the repository's own git config (auths.bootstrap, auths.auditLog,
/// auths.repo) and its canonical git directory.
Result<RepoSettings> settings_for(const ServerConfig& config, const git::Repository& repo);

}  // namespace auths::config
