#include "runtime/signature.h"

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "common/encoding.h"

namespace fct {
namespace {

struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct MdFree { void operator()(EVP_MD* m) const { EVP_MD_free(m); } };
struct DecoderCtxFree { void operator()(OSSL_DECODER_CTX* c) const { OSSL_DECODER_CTX_free(c); } };
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using MdPtr = std::unique_ptr<EVP_MD, MdFree>;
using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, DecoderCtxFree>;

constexpr std::string_view kFluentHeader = "fluent-signature";
constexpr std::string_view kFlexHeader = "flex.signature";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// At most 20 characters of input that may be key material.
std::string preview(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 20)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (s.size() > 20) out += "...";
  return out;
}

// Drains the thread's OpenSSL error queue into a short description.
std::string openssl_error() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  if (last == 0) return "no OpenSSL error detail";
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

Error key_error(const std::string& form, const std::string& what) {
  ERR_clear_error();
  return make_error(ErrorCode::kInvalidArgument, "webhook public key (" + form + "): " + what);
}

BioPtr mem_bio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

int no_passphrase(char*, int, int, void*) { return 0; }  // never prompt on a terminal

Result<std::shared_ptr<EVP_PKEY>> require_rsa(EVP_PKEY* raw, const std::string& form) {
  PkeyPtr key(raw);
  if (!EVP_PKEY_is_a(key.get(), "RSA")) {
    const char* type = EVP_PKEY_get0_type_name(key.get());
    return key_error(form, std::string("key type is ") + (type ? type : "unknown") + ", expected RSA");
  }
  ERR_clear_error();
  return std::shared_ptr<EVP_PKEY>(key.release(), PkeyFree());
}

// PKCS#1 RSAPublicKey (no deprecated RSA_* calls: through the decoder).
EVP_PKEY* decode_pkcs1_public(std::string_view data, const char* input_type) {
  EVP_PKEY* pkey = nullptr;
  DecoderCtxPtr dctx(OSSL_DECODER_CTX_new_for_pkey(&pkey, input_type, "type-specific", "RSA",
                                                   EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
  if (!dctx) return nullptr;
  auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t len = data.size();
  if (!OSSL_DECODER_from_data(dctx.get(), &p, &len)) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  return pkey;
}

Result<std::shared_ptr<EVP_PKEY>> key_from_pem(std::string_view pem, const std::string& form) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t at = pem.find(kBegin);
  size_t label_end = at == std::string_view::npos ? at : pem.find("-----", at + kBegin.size());
  if (label_end == std::string_view::npos) return key_error(form, "no \"-----BEGIN ...-----\" line");
  std::string label(pem.substr(at + kBegin.size(), label_end - at - kBegin.size()));
  std::string_view block = pem.substr(at);

  if (label == "PUBLIC KEY") {
    auto bio = mem_bio(block);
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
    if (!key) return key_error(form, "PUBLIC KEY block is not a valid SubjectPublicKeyInfo");
    return require_rsa(key, form);
  }
  if (label == "RSA PUBLIC KEY") {
    EVP_PKEY* key = decode_pkcs1_public(block, "PEM");
    if (!key) return key_error(form, "RSA PUBLIC KEY block is not a valid PKCS#1 public key");
    return require_rsa(key, form);
  }
  if (label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE") {
    auto bio = mem_bio(block);
    X509Ptr cert(label == "TRUSTED CERTIFICATE" ? PEM_read_bio_X509_AUX(bio.get(), nullptr, no_passphrase, nullptr)
                                                : PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
    if (!cert) return key_error(form, label + " block is not a valid X.509 certificate");
    EVP_PKEY* key = X509_get_pubkey(cert.get());
    if (!key) return key_error(form, "certificate public key cannot be decoded");
    return require_rsa(key, form);
  }
  if (label.find("PRIVATE KEY") != std::string::npos) {
    return key_error(form, "PEM holds a private key (" + label + "); give the public key or certificate");
  }
  return key_error(form, "unsupported PEM block \"" + label.substr(0, 20) +
                             "\" (expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)");
}

Result<std::shared_ptr<EVP_PKEY>> key_from_der(std::string_view der, const std::string& form) {
  {
    auto* p = reinterpret_cast<const unsigned char*>(der.data());
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (key) return require_rsa(key, form);
  }
  {
    auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (cert) {
      EVP_PKEY* key = X509_get_pubkey(cert.get());
      if (!key) return key_error(form, "certificate public key cannot be decoded");
      return require_rsa(key, form);
    }
  }
  if (EVP_PKEY* key = decode_pkcs1_public(der, "DER")) return require_rsa(key, form);
  return key_error(form, std::to_string(der.size()) +
                             " bytes of DER that are neither a SubjectPublicKeyInfo, an X.509 certificate "
                             "nor a PKCS#1 RSA public key");
}

// Content of a key file: PEM, base64 DER or raw DER.
Result<std::shared_ptr<EVP_PKEY>> key_from_text(std::string_view content, const std::string& where) {
  std::string_view text = trim(content);
  if (text.empty()) return key_error(where, "empty");
  if (text.find("-----BEGIN") != std::string_view::npos) return key_from_pem(text, "PEM " + where);
  if (auto der = base64_decode_strict(text); der && !der->empty()) return key_from_der(*der, "base64 DER " + where);
  return key_from_der(content, "DER " + where);  // untrimmed: DER bytes may look like whitespace
}

Status verify_with(EVP_PKEY* key, const char* digest, std::string_view header, std::string_view body,
                   std::string_view base64_signature) {
  const Error invalid = make_error(ErrorCode::kUnauthenticated, "invalid " + std::string(header));
  auto sig = base64_decode_strict(trim(base64_signature));
  if (!sig || sig->empty()) return invalid;

  // Fetched explicitly so a provider configuration that refuses the digest
  // (MD5 under FIPS, for instance) is reported as such, not as a bad signature.
  MdPtr md(EVP_MD_fetch(nullptr, digest, nullptr));
  if (!md) {
    return make_error(ErrorCode::kInternal, std::string(digest) + " is not available from the OpenSSL providers (" +
                                                openssl_error() + "); cannot check " + std::string(header));
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md.get(), nullptr, key) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0) {
    return make_error(ErrorCode::kInternal, "cannot set up " + std::string(digest) + "withRSA verification (" +
                                                openssl_error() + ")");
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                            reinterpret_cast<const unsigned char*>(body.data()), body.size());
  ERR_clear_error();
  if (rc != 1) return invalid;
  return ok_status();
}

Result<std::string> sign_with(const char* digest, std::string_view body, const std::string& private_key_pem) {
  auto bio = mem_bio(private_key_pem);
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) {
    ERR_clear_error();
    return make_error(ErrorCode::kInvalidArgument, "private key PEM cannot be read (expected an unencrypted "
                                                   "PRIVATE KEY or RSA PRIVATE KEY block)");
  }
  if (!EVP_PKEY_is_a(key.get(), "RSA")) return make_error(ErrorCode::kInvalidArgument, "private key is not RSA");
  MdPtr md(EVP_MD_fetch(nullptr, digest, nullptr));
  if (!md) {
    return make_error(ErrorCode::kInternal,
                      std::string(digest) + " is not available from the OpenSSL providers (" + openssl_error() + ")");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md.get(), nullptr, key.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(body.data()), body.size()) <=
          0) {
    return make_error(ErrorCode::kInternal, std::string(digest) + "withRSA signing failed (" + openssl_error() + ")");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(body.data()), body.size()) <= 0) {
    return make_error(ErrorCode::kInternal, std::string(digest) + "withRSA signing failed (" + openssl_error() + ")");
  }
  sig.resize(len);
  return base64_encode(sig);
}

std::optional<std::string> bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || !data) return std::nullopt;
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

std::optional<std::string> base64_decode_strict(std::string_view text) {
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  size_t symbols = 0;
  size_t padding = 0;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = sextet(c);
    if (v < 0 || padding > 0) return std::nullopt;  // bad character, or data after padding
    ++symbols;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
    }
  }
  if (symbols % 4 == 1 || padding > 2) return std::nullopt;
  if (padding > 0 && (symbols + padding) % 4 != 0) return std::nullopt;
  return out;
}

Result<WebhookVerifier> WebhookVerifier::from_key(const std::string& pem_or_path) {
  std::string_view input = trim(pem_or_path);
  if (input.empty()) return key_error(kFluentWebhookPublicKeyEnv, "empty");

  Result<std::shared_ptr<EVP_PKEY>> key = Error{};
  if (input.find("-----BEGIN") != std::string_view::npos) {
    key = key_from_pem(input, "PEM text");
  } else {
    std::error_code ec;
    const std::filesystem::path path{std::string(input)};
    bool is_file = input.size() < 4096 && input.find('\n') == std::string_view::npos &&
                   std::filesystem::is_regular_file(path, ec);
    if (is_file) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return key_error("file " + path.string(), "cannot be opened");
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (in.bad()) return key_error("file " + path.string(), "cannot be read");
      key = key_from_text(content, "in file " + path.string());
    } else if (auto der = base64_decode_strict(input); der && !der->empty()) {
      key = key_from_der(*der, "bare base64 DER");
    } else {
      std::string shown = preview(input);
      shown.insert(shown.begin(), '"');
      shown.push_back('"');
      return key_error(shown,
                       "not PEM text (no \"-----BEGIN\" line), not base64 DER, and no readable file by that name");
    }
  }
  if (!key.ok()) return key.error();
  return WebhookVerifier(std::move(key).value());
}

Status WebhookVerifier::verify(std::string_view body,
                               const std::function<std::string(std::string_view lower_name)>& header) const {
  std::string fluent = header ? header(kFluentHeader) : std::string();
  if (!trim(fluent).empty()) return verify_sha512(body, fluent);
  std::string flex = header ? header(kFlexHeader) : std::string();
  if (!trim(flex).empty()) return verify_md5(body, flex);
  return make_error(ErrorCode::kUnauthenticated, "missing signature header");
}

Status WebhookVerifier::verify_sha512(std::string_view body, std::string_view base64_signature) const {
  return verify_with(key_.get(), "SHA512", kFluentHeader, body, base64_signature);
}

Status WebhookVerifier::verify_md5(std::string_view body, std::string_view base64_signature) const {
  return verify_with(key_.get(), "MD5", kFlexHeader, body, base64_signature);
}

Result<std::string> sign_sha512_base64(std::string_view body, const std::string& private_key_pem) {
  return sign_with("SHA512", body, private_key_pem);
}

Result<std::string> sign_md5_base64(std::string_view body, const std::string& private_key_pem) {
  return sign_with("MD5", body, private_key_pem);
}

Result<std::pair<std::string, std::string>> generate_rsa_keypair_pem() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  if (!key) return make_error(ErrorCode::kInternal, "RSA-2048 key generation failed (" + openssl_error() + ")");
  BioPtr priv(BIO_new(BIO_s_mem()));
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub || PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    return make_error(ErrorCode::kInternal, "writing the RSA key pair as PEM failed (" + openssl_error() + ")");
  }
  auto priv_pem = bio_contents(priv.get());
  auto pub_pem = bio_contents(pub.get());
  if (!priv_pem || !pub_pem) return make_error(ErrorCode::kInternal, "writing the RSA key pair as PEM failed");
  return std::make_pair(std::move(*priv_pem), std::move(*pub_pem));
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Time depends on the lengths only; CRYPTO_memcmp never exits early.
  const size_t n = std::min(a.size(), b.size());
  const bool same = n == 0 || CRYPTO_memcmp(a.data(), b.data(), n) == 0;
  return same & (a.size() == b.size());
}

}  // namespace fct
