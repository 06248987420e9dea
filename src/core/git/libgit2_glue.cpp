// libgit2 without its network set-up. Our executables read local repositories only: no
// libgit2 call of ours opens a connection (fetch, push and clone are left to git itself). Yet
// Debian's libgit2 1.5 prepares the network in git_libgit2_init(): it parses the whole system CA
// bundle for mbedTLS (about 70 % of the instructions of a one-commit hook run), seeds mbedTLS's
// random generator from its entropy sources, and sets up OpenSSL for libssh2. This file,
// compiled into each executable (an object, not an archive member, so that it is always
// linked), takes that away in one of two ways:
//
// - libgit2 linked as a shared library (the test build): the two mbedTLS CA loaders are
//   defined here, and the dynamic linker binds libgit2's calls to these definitions first. They
//   fail, which libgit2 1.5 treats as "no default certificates".
// - libgit2 linked from its archive (AUTHS_STATIC_LIBGIT2: a Release build, CMakeLists.txt,
//   AUTHS_STATIC_DEPS): the linker redirects libgit2's calls (-Wl,--wrap=NAME sends them to
//   __wrap_NAME) to the CA loaders and to libgit2's mbedTLS set-up, which do nothing here;
//   libgit2's HTTP "Negotiate" authentication, the only user of Kerberos (GSS-API, whose
//   archives Debian does not ship), finds functions that always fail; and libgit2's SSH
//   transport is defined here as one that is not available. Its three entry points are all the
//   rest of libgit2 asks of the archive member that holds the real one (ssh.c), so that member,
//   libssh2 and OpenSSL's libcrypto (libssh2's cryptography) are not linked at all: 3.6 MB of
//   code the hooks never run, and 60 % of the relocations the dynamic loader did before main()
//   (each written page a page fault: scripts/bench/startup.sh). Should a libgit2 update ask
//   ssh.c for more, the link fails on the symbols defined twice: never silently.
//
// Either way git::Session registers a TLS stream that refuses every connection, so should
// anything ever make libgit2 open TLS in these processes, it fails with a clear error, closed.
#include <cstddef>

extern "C" {

// MBEDTLS_ERR_X509_FILE_IO_ERROR
constexpr int kFileIoError = -0x2900;

#ifndef AUTHS_STATIC_LIBGIT2

struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return kFileIoError; }
int mbedtls_x509_crt_parse_path(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return kFileIoError; }

#else

struct mbedtls_x509_crt;
int __wrap_mbedtls_x509_crt_parse_file(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return kFileIoError; }
int __wrap_mbedtls_x509_crt_parse_path(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return kFileIoError; }
// libgit2's mbedTLS stream set-up (CA bundle, entropy, random generator): skipped, reported done.
int __wrap_git_mbedtls_stream_global_init() { return 0; }

// libgit2's SSH transport (transports/ssh.c of libgit2 1.5): set up as done, refused when
// asked for. The signatures are those of <git2/sys/transport.h>, reduced to what is passed.
int git_error_set_str(int error_class, const char* message);
constexpr int kGitErrorSsh = 23;  // GIT_ERROR_SSH
int git_transport_ssh_global_init() { return 0; }
static int ssh_refused() {
  git_error_set_str(kGitErrorSsh, "the SSH transport is not built into this program (it reads local repositories)");
  return -1;
}
int git_smart_subtransport_ssh(void** out, void* /*owner*/, void* /*param*/) {
  if (out != nullptr) *out = nullptr;
  return ssh_refused();
}
int git_transport_ssh_with_paths(void** out, void* /*owner*/, void* /*payload*/) {
  if (out != nullptr) *out = nullptr;
  return ssh_refused();
}

// GSS-API, as libgit2's auth_negotiate.c calls it: every call fails (GSS_S_FAILURE), so
// Negotiate authentication is never offered. The types are those of <gssapi/gssapi.h>, reduced
// to what the calls pass.
using OM_uint32 = unsigned int;
constexpr OM_uint32 kGssFailure = 13u << 16;  // GSS_S_FAILURE
struct gss_OID_desc {
  OM_uint32 length;
  void* elements;
};
gss_OID_desc auths_no_gss_oid = {0, nullptr};
gss_OID_desc* GSS_C_NT_HOSTBASED_SERVICE = &auths_no_gss_oid;

static OM_uint32 gss_refused(OM_uint32* minor) {
  if (minor != nullptr) *minor = 0;
  return kGssFailure;
}
OM_uint32 gss_import_name(OM_uint32* minor, void*, void*, void*) { return gss_refused(minor); }
OM_uint32 gss_init_sec_context(OM_uint32* minor, void*, void*, void*, void*, OM_uint32, OM_uint32, void*, void*, void*,
                               void*, OM_uint32*, OM_uint32*) {
  return gss_refused(minor);
}
OM_uint32 gss_indicate_mechs(OM_uint32* minor, void*) { return gss_refused(minor); }
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32, int, void*, OM_uint32*, void*) { return gss_refused(minor); }
OM_uint32 gss_delete_sec_context(OM_uint32* minor, void*, void*) { return gss_refused(minor); }
OM_uint32 gss_release_buffer(OM_uint32* minor, void*) { return gss_refused(minor); }
OM_uint32 gss_release_name(OM_uint32* minor, void*) { return gss_refused(minor); }
OM_uint32 gss_release_oid_set(OM_uint32* minor, void*) { return gss_refused(minor); }

#endif

}  // extern "C"
