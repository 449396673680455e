// Fluent webhook signatures: verifies the signature Fluent's SendWebhook rule
// puts on the raw request body, with the environment's RSA public key.
//
//   fluent-signature: base64(RSA PKCS#1 v1.5 signature, SHA-512)   (SHA512withRSA)
//   flex.signature:   base64(RSA PKCS#1 v1.5 signature, MD5)       (MD5withRSA, older)
//
// OpenSSL 3 EVP APIs only. Copies of a WebhookVerifier share one immutable key
// and may be used from several threads at once.
#pragma once

#include <openssl/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace fct {

// Environment variable holding the key (PEM text, bare base64 DER, or a path).
inline constexpr const char* kFluentWebhookPublicKeyEnv = "FLUENT_WEBHOOK_PUBLIC_KEY";

class WebhookVerifier {
 public:
  // Accepts, after trimming surrounding whitespace:
  //  - PEM text: "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo),
  //    "-----BEGIN RSA PUBLIC KEY-----" (PKCS#1) or "-----BEGIN CERTIFICATE-----" (X.509);
  //  - bare base64 of the DER form of either (as Fluent publishes it);
  //  - a path to a file holding any of the above (or raw DER).
  // The key must be RSA. Errors (kInvalidArgument) say which form failed and show
  // at most 20 characters of the input.
  static Result<WebhookVerifier> from_key(const std::string& pem_or_path);

  // Checks the header present: "fluent-signature" (SHA512withRSA) when the
  // header function returns a non-empty value for it, otherwise "flex.signature"
  // (MD5withRSA). `header` receives the lower-case name and returns "" when the
  // header is absent; it is responsible for case-insensitive lookup.
  // Neither present → kUnauthenticated "missing signature header".
  Status verify(std::string_view body, const std::function<std::string(std::string_view lower_name)>& header) const;

  // kUnauthenticated "invalid fluent-signature" on bad base64 or mismatch.
  Status verify_sha512(std::string_view body, std::string_view base64_signature) const;
  // kUnauthenticated "invalid flex.signature" on bad base64 or mismatch;
  // kInternal when the OpenSSL providers refuse MD5.
  Status verify_md5(std::string_view body, std::string_view base64_signature) const;

 private:
  explicit WebhookVerifier(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// Signs like Fluent does (for tests, demos, the simulator). `private_key_pem`
// is a "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" PEM block. Returns base64.
Result<std::string> sign_sha512_base64(std::string_view body, const std::string& private_key_pem);
Result<std::string> sign_md5_base64(std::string_view body, const std::string& private_key_pem);

// A fresh RSA-2048 key pair as PEM: {private (PKCS#8 "PRIVATE KEY"), public ("PUBLIC KEY")}.
Result<std::pair<std::string, std::string>> generate_rsa_keypair_pem();

// Compares in time that depends only on the lengths, not the contents (API keys).
bool constant_time_equals(std::string_view a, std::string_view b);

// Strict standard-alphabet base64 decoding; ASCII whitespace is skipped and
// trailing '=' padding is optional. nullopt on any other character or bad length.
std::optional<std::string> base64_decode_strict(std::string_view text);

}  // namespace fct
