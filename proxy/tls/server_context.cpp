#include "tls/server_context.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace sisyphus::proxy {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// OpenSSL's queued errors as one line (and the queue emptied), or `fallback`.
std::string openssl_errors(std::string_view fallback) {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? std::string(fallback) : out;
}

[[noreturn]] void fail(std::string_view what) {
  throw std::runtime_error(fmt::format("TLS: {}: {}", what, openssl_errors("failed")));
}

PkeyPtr make_key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("making a P-256 key");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) fail(fmt::format("certificate extension {}", value));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key`, named `common_name`, signed by `issuer_key` (and named after
// `issuer`, or itself when null), with `extensions` (nid, value) in order.
X509Ptr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                         EVP_PKEY* issuer_key,
                         const std::vector<std::pair<int, std::string>>& extensions) {
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  // A random 127-bit serial: two runs' certificates never share one (RFC 5280: positive,
  // at most 20 octets).
  BIGNUM* serial = BN_new();
  if (serial == nullptr || BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) == nullptr) {
    BN_free(serial);
    fail("certificate serial number");
  }
  BN_free(serial);
  // From an hour ago (a client whose clock is a little behind still accepts it), 30 days.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sisyphus"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* issuer_cert = issuer != nullptr ? issuer : cert.get();
  for (const auto& [nid, value] : extensions) add_extension(cert.get(), issuer_cert, nid, value);
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) fail("signing a certificate");
  return cert;
}

std::string to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("writing a certificate");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail("writing a key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// The protocols this server speaks, in its order of preference (ALPN wire format).
constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
constexpr unsigned char kH2AndHttp11[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
struct Protocols {
  const unsigned char* list;
  unsigned int size;
};
constexpr Protocols kOnlyHttp11{kHttp11, sizeof kHttp11};
constexpr Protocols kWithH2{kH2AndHttp11, sizeof kH2AndHttp11};

// The first of the server's protocols that the client offered.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void* arg) {
  const auto* ours = static_cast<const Protocols*>(arg);
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, ours->list, ours->size, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// The file must exist and be readable: OpenSSL's own message for a missing file is a
// "system library" error code; this one names the flag and the reason.
void check_readable(const std::filesystem::path& file, std::string_view flag) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error(
        fmt::format("{} {}: cannot read: {}", flag, file.string(),
                    std::error_code(errno, std::generic_category()).message()));
  }
}

}  // namespace

MadeIdentity make_identity(const std::vector<std::string>& extra_ips) {
  PkeyPtr ca_key = make_key();
  X509Ptr ca = make_certificate(ca_key.get(), "sisyphus test CA", nullptr, ca_key.get(),
                                {{NID_basic_constraints, "critical,CA:TRUE"},
                                 {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                 {NID_subject_key_identifier, "hash"}});
  std::string names = "DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const std::string& ip : extra_ips) names += ",IP:" + ip;
  PkeyPtr key = make_key();
  X509Ptr cert = make_certificate(key.get(), "localhost", ca.get(), ca_key.get(),
                                  {{NID_basic_constraints, "critical,CA:FALSE"},
                                   {NID_key_usage, "critical,digitalSignature"},
                                   {NID_ext_key_usage, "serverAuth"},
                                   {NID_subject_alt_name, names},
                                   {NID_subject_key_identifier, "hash"},
                                   {NID_authority_key_identifier, "keyid"}});
  return {to_pem(ca.get()), to_pem(cert.get()), to_pem(key.get())};
}

ServerTls make_server_tls(const std::optional<std::filesystem::path>& cert_file,
                          const std::optional<std::filesystem::path>& key_file,
                          const std::vector<std::string>& extra_ips, bool http2) {
  if (cert_file.has_value() != key_file.has_value()) {
    throw std::runtime_error(cert_file ? "--tls-cert needs --tls-key (the certificate's key)"
                                       : "--tls-key needs --tls-cert (the certificate it signs)");
  }
  ERR_clear_error();
  ServerTls tls;
  tls.ctx.reset(SSL_CTX_new(TLS_server_method()));
  if (!tls.ctx) fail("SSL_CTX_new");
  SSL_CTX* ctx = tls.ctx.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_alpn_select_cb(ctx, &select_alpn,
                             const_cast<Protocols*>(http2 ? &kWithH2 : &kOnlyHttp11));
  if (cert_file) {
    check_readable(*cert_file, "--tls-cert");
    check_readable(*key_file, "--tls-key");
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file->c_str()) != 1) {
      throw std::runtime_error(fmt::format("--tls-cert {}: not a PEM certificate chain: {}",
                                           cert_file->string(), openssl_errors("unreadable")));
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file->c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error(fmt::format("--tls-key {}: not a PEM private key: {}",
                                           key_file->string(), openssl_errors("unreadable")));
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      throw std::runtime_error(fmt::format("--tls-key {} is not the key of --tls-cert {}: {}",
                                           key_file->string(), cert_file->string(),
                                           openssl_errors("mismatch")));
    }
    return tls;
  }
  MadeIdentity made = make_identity(extra_ips);
  BioPtr cert_bio(
      BIO_new_mem_buf(made.certificate_pem.data(), static_cast<int>(made.certificate_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  BioPtr key_bio(BIO_new_mem_buf(made.key_pem.data(), static_cast<int>(made.key_pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key || SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    fail("loading the made certificate");
  }
  tls.ca_pem = std::move(made.ca_pem);
  return tls;
}

}  // namespace sisyphus::proxy
