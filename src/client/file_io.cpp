#include "file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace auths::client {

namespace fs = std::filesystem;

std::string errno_text(int err) { return std::strerror(err); }

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::io("cannot write: " + errno_text(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<std::string> read_file(const fs::path& path, size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Error::not_found("no such file", path.string());
    return Error::io("cannot open: " + errno_text(err), path.string());
  }
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Error::io("cannot read: " + errno_text(err), path.string());
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > max_size) {
      ::close(fd);
      return Error::corrupt("file larger than " + std::to_string(max_size) + " bytes", path.string());
    }
  }
  ::close(fd);
  return text;
}

Status write_file(const fs::path& path, std::string_view content, mode_t mode, bool replace) {
  const fs::path dir = path.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::io("cannot create directory: " + ec.message(), dir.string());
  std::string name = ".";  // appended, not "." + string&&, which GCC 12 misreads (-Wrestrict)
  name += path.filename().string();
  name += ".tmp-XXXXXX";
  std::string tmpl = (dir / name).string();
  const int fd = ::mkstemp(tmpl.data());  // mode 0600 until fchmod
  if (fd < 0) return Error::io("cannot create a temporary file: " + errno_text(errno), dir.string());
  const std::string tmp = tmpl;
  const auto fail = [&](Error e) -> Status {
    ::unlink(tmp.c_str());
    if (e.context.empty()) e.context = path.string();
    return e;
  };
  Status written = ::fchmod(fd, mode) == 0 ? write_all(fd, content)
                                           : Status(Error::io("cannot set the file mode: " + errno_text(errno)));
  if (written && ::fsync(fd) != 0) written = Error::io("cannot sync: " + errno_text(errno));
  if (::close(fd) != 0 && written) written = Error::io("cannot close: " + errno_text(errno));
  if (!written) return fail(written.error());

  if (replace) {
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      return fail(Error::io("cannot rename into place: " + errno_text(errno)));
  } else {
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      return fail(err == EEXIST ? Error::invalid_argument("already exists")
                                : Error::io("cannot link into place: " + errno_text(err)));
    }
    ::unlink(tmp.c_str());
  }
  // The new name is durable once its directory is synced; a failure here loses nothing written.
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace auths::client
