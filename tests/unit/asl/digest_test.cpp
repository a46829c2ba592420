#include "engine/asl/digest.hpp"

#include <doctest/doctest.h>

#include <string>

namespace d = scl::asl::digest;

// Why: States.Hash must match the standard test vectors bit for bit, whichever library computes it.
TEST_CASE("digest test vectors") {
  CHECK(d::md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(d::md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(d::sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(d::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(d::sha384_hex("abc") ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  CHECK(d::sha512_hex("abc") ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  // Two-block messages exercise the padding boundary.
  const std::string m56 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(d::sha256_hex(m56) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(d::sha1_hex(m56) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(d::md5_hex(std::string(1000, 'a')) == "cabe45dcc9ae5b66ba86600cca6b8ba8");
  CHECK(d::sha512_hex(std::string(200, 'x')).size() == 128);
}

// Why: States.Base64Encode/Decode round trips and rejects garbage.
TEST_CASE("base64") {
  CHECK(d::base64_encode("") == "");
  CHECK(d::base64_encode("f") == "Zg==");
  CHECK(d::base64_encode("fo") == "Zm8=");
  CHECK(d::base64_encode("foo") == "Zm9v");
  CHECK(d::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(d::base64_decode("Zm9vYg==") == std::optional<std::string>("foob"));
  CHECK(d::base64_decode("Zm9vYmE=") == std::optional<std::string>("fooba"));
  CHECK_FALSE(d::base64_decode("Zm9").has_value());
  CHECK_FALSE(d::base64_decode("Zm=v").has_value());
  CHECK_FALSE(d::base64_decode("Zm9*").has_value());
  const std::string bin("\x00\xff\x10\x80", 4);
  CHECK(d::base64_decode(d::base64_encode(bin)) == std::optional<std::string>(bin));
}
