#include "runtime/signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>

#include "common/encoding.h"

namespace fct {
namespace {

const std::string kBody = R"({"id":"1a2b","name":"InventoryChanged","retailerId":"1","entityRef":"SKU-1"})";

struct Keys {
  std::string private_pem;
  std::string public_pem;
};

class SignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (Keys** k : {&key_, &other_}) {
      auto pair = generate_rsa_keypair_pem();
      ASSERT_TRUE(pair.ok()) << pair.error().to_string();
      *k = new Keys{pair->first, pair->second};
    }
  }
  static void TearDownTestSuite() {
    delete key_;
    delete other_;
    key_ = other_ = nullptr;
  }

  static WebhookVerifier verifier(const std::string& key) {
    auto v = WebhookVerifier::from_key(key);
    EXPECT_TRUE(v.ok()) << v.error().to_string();
    return std::move(v).value();
  }

  // A file under the test temp dir, removed by the fixture.
  std::string write_file(const std::string& name, const std::string& content) {
    auto path = std::filesystem::path(::testing::TempDir()) /
                ("fct_sig_" + std::to_string(::getpid()) + "_" + name);
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove(f);
  }

  static Keys* key_;
  static Keys* other_;
  std::vector<std::filesystem::path> files_;
};
Keys* SignatureTest::key_ = nullptr;
Keys* SignatureTest::other_ = nullptr;

// The base64 lines between the armour lines, joined: bare base64 DER.
std::string strip_armour(const std::string& pem) {
  std::string out;
  size_t pos = 0;
  while (pos < pem.size()) {
    size_t nl = pem.find('\n', pos);
    std::string line = pem.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (line.rfind("-----", 0) != 0) out += line;
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };

// A self-signed X.509 certificate for the key pair, as PEM and as DER.
std::pair<std::string, std::string> self_signed_certificate(const Keys& keys) {
  std::unique_ptr<BIO, BioFree> in(BIO_new_mem_buf(keys.private_pem.data(), static_cast<int>(keys.private_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  EXPECT_TRUE(pkey);
  std::unique_ptr<X509, X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 42);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
  X509_set_pubkey(cert.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fluent-webhook-test"),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  EXPECT_GT(X509_sign(cert.get(), pkey.get(), EVP_sha256()), 0);

  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_X509(out.get(), cert.get()), 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  std::string pem(data, static_cast<size_t>(n));

  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  EXPECT_GT(len, 0);
  std::string der_bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return {pem, der_bytes};
}

// Headers as a server sees them: any case; looked up case-insensitively.
std::function<std::string(std::string_view)> headers(std::map<std::string, std::string> h) {
  return [h = std::move(h)](std::string_view lower) {
    for (const auto& [name, value] : h) {
      std::string n;
      for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (n == lower) return value;
    }
    return std::string();
  };
}

TEST_F(SignatureTest, GeneratesPemKeyPair) {
  EXPECT_NE(key_->private_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(key_->public_pem.find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  EXPECT_NE(key_->public_pem, other_->public_pem);
}

TEST_F(SignatureTest, Sha512RoundTrip) {
  auto sig = sign_sha512_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok()) << sig.error().to_string();
  EXPECT_EQ(sig->size(), 344u);  // 256-byte RSA-2048 signature in base64
  auto v = verifier(key_->public_pem);
  auto st = v.verify_sha512(kBody, *sig);
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_TRUE(v.verify(kBody, headers({{"Fluent-Signature", *sig}})).ok());
}

TEST_F(SignatureTest, Md5RoundTrip) {
  auto sig = sign_md5_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok()) << sig.error().to_string();
  auto v = verifier(key_->public_pem);
  auto st = v.verify_md5(kBody, *sig);
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_TRUE(v.verify(kBody, headers({{"FLEX.SIGNATURE", *sig}})).ok());
  // An MD5 signature is not a SHA-512 one.
  EXPECT_FALSE(v.verify_sha512(kBody, *sig).ok());
}

TEST_F(SignatureTest, SignatureWithLineBreaksAndSpacesIsAccepted) {
  auto sig = sign_sha512_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok());
  std::string wrapped = "  " + sig->substr(0, 64) + "\r\n" + sig->substr(64) + " ";
  EXPECT_TRUE(verifier(key_->public_pem).verify_sha512(kBody, wrapped).ok());
}

TEST_F(SignatureTest, TamperedBodyFails) {
  auto v = verifier(key_->public_pem);
  auto sha = sign_sha512_base64(kBody, key_->private_pem);
  auto md5 = sign_md5_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sha.ok() && md5.ok());
  std::string tampered = kBody;
  tampered[tampered.find("SKU-1") + 4] = '2';
  auto st = v.verify_sha512(tampered, *sha);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(st.error().message, "invalid fluent-signature");
  auto st2 = v.verify_md5(tampered, *md5);
  ASSERT_FALSE(st2.ok());
  EXPECT_EQ(st2.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(st2.error().message, "invalid flex.signature");
  EXPECT_FALSE(v.verify(kBody + " ", headers({{"fluent-signature", *sha}})).ok());
}

TEST_F(SignatureTest, WrongKeyFails) {
  auto v = verifier(other_->public_pem);
  auto sha = sign_sha512_base64(kBody, key_->private_pem);
  auto md5 = sign_md5_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sha.ok() && md5.ok());
  auto st = v.verify_sha512(kBody, *sha);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(v.verify_md5(kBody, *md5).ok());
}

TEST_F(SignatureTest, GarbageBase64Fails) {
  auto v = verifier(key_->public_pem);
  for (const char* bad : {"", "   ", "not base64 at all!", "QUJD*", "QQ===", "Q", "QUJD\x01", "QQ==QQ=="}) {
    auto st = v.verify_sha512(kBody, bad);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated) << bad;
    EXPECT_EQ(st.error().message, "invalid fluent-signature") << bad;
  }
  // Well-formed base64 of the wrong length for the key.
  auto st = v.verify_sha512(kBody, base64_encode("short signature"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated);
  auto bad = v.verify(kBody, headers({{"fluent-signature", "@@@"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "invalid fluent-signature");
}

TEST_F(SignatureTest, MissingHeaders) {
  auto v = verifier(key_->public_pem);
  for (auto h : {headers({}), headers({{"content-type", "application/json"}}), headers({{"fluent-signature", ""}})}) {
    auto st = v.verify(kBody, h);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(st.error().message, "missing signature header");
  }
  auto st = v.verify(kBody, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "missing signature header");
}

TEST_F(SignatureTest, HeaderNamesAreAskedInLowerCase) {
  auto v = verifier(key_->public_pem);
  std::vector<std::string> asked;
  auto st = v.verify(kBody, [&](std::string_view name) {
    asked.emplace_back(name);
    return std::string();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(asked, (std::vector<std::string>{"fluent-signature", "flex.signature"}));
}

TEST_F(SignatureTest, FluentSignatureIsPreferredOverFlexSignature) {
  auto v = verifier(key_->public_pem);
  auto sha = sign_sha512_base64(kBody, key_->private_pem);
  auto md5 = sign_md5_base64(kBody, key_->private_pem);
  auto wrong_sha = sign_sha512_base64(kBody, other_->private_pem);
  ASSERT_TRUE(sha.ok() && md5.ok() && wrong_sha.ok());
  // Valid flex.signature, invalid fluent-signature: fails.
  auto st = v.verify(kBody, headers({{"Fluent-Signature", *wrong_sha}, {"Flex.Signature", *md5}}));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(st.error().message, "invalid fluent-signature");
  // Valid fluent-signature, garbage flex.signature: passes (flex is not looked at).
  EXPECT_TRUE(v.verify(kBody, headers({{"fluent-signature", *sha}, {"flex.signature", "garbage"}})).ok());
  // An MD5 signature in the SHA-512 header does not pass.
  EXPECT_FALSE(v.verify(kBody, headers({{"fluent-signature", *md5}})).ok());
}

TEST_F(SignatureTest, KeyFromPemWithSurroundingWhitespace) {
  auto sig = sign_sha512_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(verifier("\n  " + key_->public_pem + "\n\n").verify_sha512(kBody, *sig).ok());
}

TEST_F(SignatureTest, KeyFromFilePath) {
  auto sig = sign_sha512_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok());
  const std::string pem_path = write_file("public.pem", key_->public_pem);
  EXPECT_TRUE(verifier(pem_path).verify_sha512(kBody, *sig).ok());
  const std::string b64_path = write_file("public.b64", strip_armour(key_->public_pem) + "\n");
  EXPECT_TRUE(verifier(b64_path).verify_sha512(kBody, *sig).ok());
  auto der = base64_decode_strict(strip_armour(key_->public_pem));
  ASSERT_TRUE(der);
  const std::string der_path = write_file("public.der", *der);
  EXPECT_TRUE(verifier(der_path).verify_sha512(kBody, *sig).ok());
}

TEST_F(SignatureTest, KeyFromBareBase64Der) {
  auto sig = sign_sha512_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok());
  const std::string bare = strip_armour(key_->public_pem);
  ASSERT_EQ(bare.find('-'), std::string::npos);
  EXPECT_TRUE(verifier(bare).verify_sha512(kBody, *sig).ok());
  EXPECT_FALSE(verifier(strip_armour(other_->public_pem)).verify_sha512(kBody, *sig).ok());
}

TEST_F(SignatureTest, KeyFromCertificate) {
  auto sha = sign_sha512_base64(kBody, key_->private_pem);
  auto md5 = sign_md5_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sha.ok() && md5.ok());
  auto [cert_pem, cert_der] = self_signed_certificate(*key_);
  ASSERT_NE(cert_pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  auto v = verifier(cert_pem);
  EXPECT_TRUE(v.verify_sha512(kBody, *sha).ok());
  EXPECT_TRUE(v.verify_md5(kBody, *md5).ok());
  // Certificate as bare base64 DER and as a file.
  EXPECT_TRUE(verifier(base64_encode(cert_der)).verify_sha512(kBody, *sha).ok());
  EXPECT_TRUE(verifier(write_file("cert.pem", cert_pem)).verify_sha512(kBody, *sha).ok());
  // Another key's certificate does not verify.
  auto [other_cert, other_der] = self_signed_certificate(*other_);
  EXPECT_FALSE(verifier(other_cert).verify_sha512(kBody, *sha).ok());
}

TEST_F(SignatureTest, CopiesShareTheKey) {
  auto sig = sign_sha512_base64(kBody, key_->private_pem);
  ASSERT_TRUE(sig.ok());
  std::optional<WebhookVerifier> copy;
  {
    auto v = verifier(key_->public_pem);
    copy = v;
  }
  EXPECT_TRUE(copy->verify_sha512(kBody, *sig).ok());
}

TEST_F(SignatureTest, BadKeysSayWhichFormFailedWithoutLeakingTheKey) {
  struct Case {
    std::string input;
    std::string expect;
  };
  const std::string secret = "SECRETSECRETSECRETSECRETSECRETSECRET";
  std::vector<Case> cases = {
      {"", "empty"},
      {"   \n", "empty"},
      {"/nonexistent/dir/fluent.pem", "no readable file"},
      {"this is not a key: " + secret, "not PEM text"},
      {"-----BEGIN PUBLIC KEY-----\n" + secret + "\n-----END PUBLIC KEY-----\n", "PEM text"},
      {"-----BEGIN CERTIFICATE-----\n" + secret + "\n-----END CERTIFICATE-----\n", "not a valid X.509"},
      {"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", "unsupported PEM block"},
      {key_->private_pem, "private key"},
      {base64_encode("definitely not DER " + secret), "bare base64 DER"},
  };
  for (const auto& c : cases) {
    auto v = WebhookVerifier::from_key(c.input);
    ASSERT_FALSE(v.ok()) << c.input;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(v.error().message.find(c.expect), std::string::npos) << v.error().message;
    EXPECT_EQ(v.error().message.find(secret.substr(0, 21)), std::string::npos) << v.error().message;
    EXPECT_EQ(v.error().message.find("MII"), std::string::npos) << v.error().message;  // no DER base64
  }
  // A file that holds no key names the file.
  const std::string junk = write_file("junk.txt", "hello\n");
  auto v = WebhookVerifier::from_key(junk);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find(junk), std::string::npos) << v.error().message;
}

TEST_F(SignatureTest, SigningWithBadPrivateKeyFails) {
  auto r = sign_sha512_base64(kBody, "not a key");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(sign_md5_base64(kBody, key_->public_pem).ok());
}

TEST(Base64DecodeStrictTest, Forms) {
  EXPECT_EQ(base64_decode_strict("QUJD"), "ABC");
  EXPECT_EQ(base64_decode_strict("QUI="), "AB");
  EXPECT_EQ(base64_decode_strict("QUI"), "AB");
  EXPECT_EQ(base64_decode_strict("QQ=="), "A");
  EXPECT_EQ(base64_decode_strict(" Q U\nJ D "), "ABC");
  EXPECT_EQ(base64_decode_strict(""), "");
  EXPECT_FALSE(base64_decode_strict("Q"));
  EXPECT_FALSE(base64_decode_strict("QQ="));
  EXPECT_FALSE(base64_decode_strict("QQ==="));
  EXPECT_FALSE(base64_decode_strict("QQ==QQ=="));
  EXPECT_FALSE(base64_decode_strict("QU-_"));
}

TEST(ConstantTimeEqualsTest, TruthTable) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_TRUE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "Abc"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("ab", "abc"));
  EXPECT_FALSE(constant_time_equals("", "a"));
  EXPECT_FALSE(constant_time_equals("a", ""));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0", 2), "a"));
}

}  // namespace
}  // namespace fct
