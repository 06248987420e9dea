// Start-up cost: Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init() parses the
// whole system CA bundle (/etc/ssl/certs/ca-certificates.crt), about 70% of the instructions
// of a one-commit hook run. Our executables never let libgit2 open a network connection, so
// they define the two mbedTLS loaders libgit2 calls there; the dynamic linker binds libgit2's
// calls to these definitions first. They fail, which libgit2 1.5 treats as "no default
// certificates" (git_mbedtls_stream_global_init continues). Should anything ever make libgit2
// open TLS in these processes, it would have no trusted roots: connections fail, closed.
//
// This file is compiled into each executable (not into the static library, whose members are
// only pulled in for our own undefined symbols).
extern "C" {

struct mbedtls_x509_crt;

// MBEDTLS_ERR_X509_FILE_IO_ERROR
constexpr int kFileIoError = -0x2900;

int mbedtls_x509_crt_parse_file(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return kFileIoError; }
int mbedtls_x509_crt_parse_path(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return kFileIoError; }

}  // extern "C"
